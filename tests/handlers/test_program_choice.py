"""Commands in a workspace that runs several programs: which program each one acts on, and
"in which program?" when it could mean more than one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.ids import ActionId, BlockId
from bot.services.enrollment import lifecycle
from bot.services.errors import ProgramClosed
from bot.services.program.closing import close_program
from models import Participant, State
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    FIRST_CHANNEL,
    Program,
    asked_which,
    click_ephemeral,
    eventually,
    one_choice,
    pick_program,
    profile_answers,
    program_choices,
    reply,
    rotnem,
    saved,
    settings_view,
    submit,
    tool_ids,
    two_programs,
)

ANA, BEN, MAX = "U0ANA00001", "U0BEN00001", "U0MAX00001"
SPRINT_CHANNEL = "C0SPRINT01"


async def state_in(program: Program, user: str, key: str) -> str | None:
    rows = await program.rows(Participant, team_id=key, user_id=user)
    return rows[0].state if rows else None


@BOTH_BACKENDS
async def test_join_asks_which_program_and_the_profile_lands_in_the_one_picked(
    program: Program,
) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_user(ANA, real_name="Ana", tz="Europe/London")
    asked = await asked_which(program.bot, ANA, "join")
    assert set(program_choices(asked)) == {"Reverse mentoring", "AI sprint"}
    await click_ephemeral(program.bot, ANA, one_choice(asked, "AI sprint"), ActionId.PICK_PROGRAM)
    view = await eventually(lambda: program.slack.open_views(ANA))
    answers = profile_answers(role="learner", learn=await tool_ids(program.bot, "ChatGPT"))
    assert saved(await submit(program.bot, ANA, view[-1], answers))
    assert await state_in(program, ANA, sprint) == State.ACTIVE
    assert await state_in(program, ANA, program.team_id) is None
    # In one program, `join` offers the other one without asking.
    before = len(program.slack.open_views(ANA))
    answer = await rotnem(program.bot, ANA, "join")
    assert answer.response.content == b""
    await eventually(lambda: len(program.slack.open_views(ANA)) > before)


async def test_a_person_in_two_programs_pauses_only_the_one_picked(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"])
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"], program=sprint)
    url = await pick_program(program.bot, ANA, "pause 2w", "AI sprint")
    answer = await eventually(lambda: program.slack.responses(url))
    assert "paused" in answer[-1]["text"].lower()
    assert await state_in(program, ANA, sprint) == State.PAUSED
    assert await state_in(program, ANA, program.team_id) == State.ACTIVE


async def test_a_command_in_a_programs_channel_acts_there_without_asking(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_channel(SPRINT_CHANNEL, name="ai-sprint")
    await program.update_settings(program=sprint, program_channel=SPRINT_CHANNEL)
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"])
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"], program=sprint)
    until = program.clock.now().date() + timedelta(days=14)
    async with program.bot.deps.sessionmaker.begin() as session:
        for key in (program.team_id, sprint):
            await lifecycle.pause(
                session, key, ANA, until=until, now=program.clock.now(), via="test"
            )
    url = program.slack.new_response_url(channel=SPRINT_CHANNEL, user=ANA)
    await program.bot.requester.command(
        command="/rotnem", user_id=ANA, channel_id=SPRINT_CHANNEL, text="resume", response_url=url
    )
    await eventually(lambda: program.slack.responses(url))
    assert await state_in(program, ANA, sprint) == State.ACTIVE
    assert await state_in(program, ANA, program.team_id) == State.PAUSED


async def test_a_program_manager_runs_admin_commands_in_their_program_only(
    program: Program,
) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_user(MAX, real_name="Max", tz="Europe/London")
    await program.update_settings(program=sprint, managers=[MAX])
    await program.pair("U0GUIDE001", "U0LEARN001", program=sprint)
    # Their one program: no question, the sprint's figures.
    stats = await reply(program.bot, await rotnem(program.bot, MAX, "admin stats"))
    assert "Active pairs: 1" in stats["text"]
    # HR's admins are asked; a manager sent HR's button for the other program is refused.
    asked = await asked_which(program.bot, ADMIN_ID, "admin stats")
    assert set(program_choices(asked)) == {"Reverse mentoring", "AI sprint"}
    url = await click_ephemeral(
        program.bot, MAX, one_choice(asked, "Reverse mentoring"), ActionId.PICK_PROGRAM
    )
    refused = await eventually(lambda: program.slack.responses(url))
    assert "admin" in refused[-1]["text"].lower() and "Active pairs" not in refused[-1]["text"]
    # The admin picks the first program: its figures (no pairs there).
    url = await click_ephemeral(
        program.bot, ADMIN_ID, one_choice(asked, "Reverse mentoring"), ActionId.PICK_PROGRAM
    )
    first = await eventually(lambda: program.slack.responses(url))
    assert "Active pairs: 0" in first[-1]["text"]


async def test_someone_who_administers_nothing_is_refused_before_any_question(
    program: Program,
) -> None:
    await program.new_program("AI sprint")
    program.slack.add_user(BEN, real_name="Ben", tz="Europe/London")
    answer = await rotnem(program.bot, BEN, "admin stats")
    assert "in which program?" not in answer.response.text
    assert "admin" in answer.response.text.lower()


async def test_a_closed_program_is_not_offered_and_its_old_join_buttons_save_nothing(
    program: Program,
) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_user(ANA, real_name="Ana", tz="Europe/London")
    # Ana is asked; before she picks, HR closes the sprint.
    asked = await asked_which(program.bot, ANA, "join")
    async with program.bot.deps.sessionmaker.begin() as session:
        await close_program(session, sprint, actor_id=ADMIN_ID, now=program.clock.now())
    picked = one_choice(asked, "AI sprint")
    url = await click_ephemeral(program.bot, ANA, picked, ActionId.PICK_PROGRAM)
    refused = await eventually(lambda: program.slack.responses(url))
    assert "closed" in refused[-1]["text"]
    assert program.slack.open_views(ANA) == []
    assert await state_in(program, ANA, sprint) is None
    # Now only one program is open: `join` asks nothing and opens its modal.
    answer = await rotnem(program.bot, ANA, "join")
    assert answer.response.content == b""


async def test_a_button_forged_for_a_program_the_workspace_lacks_saves_nothing(
    program: Program,
) -> None:
    await program.new_program("AI sprint")
    program.slack.add_user(ANA, real_name="Ana", tz="Europe/London")
    asked = await asked_which(program.bot, ANA, "join")
    forged = one_choice(asked, "AI sprint")
    button = forged["blocks"][0]["accessory"]
    button["value"] = button["value"].replace("~2~", "~7~")
    url = await click_ephemeral(program.bot, ANA, forged, ActionId.PICK_PROGRAM)
    refused = await eventually(lambda: program.slack.responses(url))
    assert "does not exist" in refused[-1]["text"]
    assert program.slack.open_views(ANA) == []
    assert await program.rows(Participant, user_id=ANA) == []


async def test_join_typed_in_a_programs_channel_saves_the_profile_there(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_channel(SPRINT_CHANNEL, name="ai-sprint")
    await program.update_settings(program=sprint, program_channel=SPRINT_CHANNEL)
    program.slack.add_user(ANA, real_name="Ana", tz="Europe/London")
    await program.bot.requester.command(
        command="/rotnem", user_id=ANA, channel_id=SPRINT_CHANNEL, text="join"
    )
    view = await eventually(lambda: program.slack.open_views(ANA))
    answers = profile_answers(role="learner", learn=await tool_ids(program.bot, "ChatGPT"))
    assert saved(await submit(program.bot, ANA, view[-1], answers))
    assert await state_in(program, ANA, sprint) == State.ACTIVE
    assert await state_in(program, ANA, program.team_id) is None


async def test_exports_of_two_programs_are_named_after_their_program(program: Program) -> None:
    sprint = await program.new_program("AI sprint — Q1")
    program.slack.add_user(MAX, real_name="Max", tz="Europe/London")
    await program.update_settings(program=sprint, managers=[MAX])
    await program.pair("U0GUIDE001", "U0LEARN001", program=sprint)
    await rotnem(program.bot, MAX, "admin export pairs")
    await program.slack.wait_for("files.completeUploadExternal", 1, timeout=10)
    (exported,) = program.slack.files()
    day = program.clock.now().strftime("%Y-%m-%d")
    assert exported.name == f"rotnem-ai-sprint-q1-pairs-{day}.csv"
    assert exported.title.startswith("AI sprint — Q1 · ")
    assert b"U0LEARN001" in exported.content


async def test_a_closed_program_is_neither_paired_nor_changed(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_user(MAX, real_name="Max", tz="Europe/London")
    await program.update_settings(program=sprint, managers=[MAX])
    await program.join("U0GUIDE001", "Gus", "guide", teaches=["ChatGPT"], program=sprint)
    await program.join("U0LEARN001", "Lea", "learner", learns=["ChatGPT"], program=sprint)
    async with program.bot.deps.sessionmaker.begin() as session:
        await close_program(session, sprint, actor_id=ADMIN_ID, now=program.clock.now())
    # Its manager still reaches it (its figures stay), but it pairs nobody…
    answer = await rotnem(program.bot, MAX, "admin pair")
    refused = await reply(program.bot, answer, count=1)
    assert "closed" in refused["text"], refused["text"]
    with pytest.raises(ProgramClosed):
        await program.pair_by_hand("U0GUIDE001", "U0LEARN001", sprint)
    # …and its settings stay as they were.
    with pytest.raises(ProgramClosed):
        await program.update_settings(program=sprint, cycle_weeks=8)
    assert await program.pairs() == []


async def test_the_environments_channels_are_the_first_programs_only(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    deps = program.bot.deps
    async with deps.sessionmaker() as session:
        first = await deps.program_config(session, program.team_id)
        other = await deps.program_config(session, sprint)
    assert first.announce_channel == deps.settings.rotnem_announce_channel is not None
    # The sprint's pairs are not announced in the first program's channel unless HR says so.
    assert other.announce_channel is None and other.program_channel is None


async def test_a_further_programs_settings_leave_the_workspaces_own_to_the_first(
    program: Program,
) -> None:
    await program.new_program("AI sprint")
    view = await settings_view(program, picking="AI sprint")
    blocks = {block.get("block_id") for block in view["blocks"]}
    # Newcomers to the workspace are welcomed to its first program only.
    assert BlockId.SETTINGS_INVITE_NEW not in blocks
    first = await settings_view(program, picking="Reverse mentoring")
    assert BlockId.SETTINGS_INVITE_NEW in {block.get("block_id") for block in first["blocks"]}


async def test_join_typed_in_the_channel_of_a_program_one_is_in_edits_that_profile(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    await program.join(ANA, "Ana", "learner", learns=["ChatGPT"])  # the first program only
    url = program.slack.new_response_url(channel=FIRST_CHANNEL, user=ANA)
    await program.bot.requester.command(
        command="/rotnem", user_id=ANA, channel_id=FIRST_CHANNEL, text="join", response_url=url
    )
    (modal,) = await eventually(lambda: program.slack.open_views(ANA))
    assert modal["title"]["text"] == "Your Rotnem profile"  # hers, not the sprint's form
    answers = profile_answers(role="learner", learn=await tool_ids(program.bot, "ChatGPT"))
    assert saved(await submit(program.bot, ANA, modal, answers))
    assert await program.rows(Participant, team_id=sprint, user_id=ANA) == []


async def test_a_command_too_long_to_carry_to_a_program_says_how_to_send_it(
    program: Program,
) -> None:
    await program.new_program("AI sprint")
    answer = await rotnem(program.bot, ADMIN_ID, "admin prompts add mirror " + "word " * 420)
    text = answer.response.json()["text"]
    assert "in which program?" in text
    assert "too long for me to carry to the program you pick" in text
    assert len(text) < 600  # the command is quoted shortened


async def test_admin_alone_or_admin_help_shows_the_help(program: Program) -> None:
    for typed in ("admin", "admin help"):
        answer = await rotnem(program.bot, ADMIN_ID, typed)
        text = answer.response.json()["text"]
        assert "I don't know" not in text
        assert "admin pair" in text  # the admin's commands are listed
