"""A person in a workspace running several programs: the Home tab shows each program they take
part in under its name and offers the others; `/rotnem status` lists each; a program's channel
invites to that program; a button acts on its own program only; and two programs cannot share a
program channel. (A workspace with one program sees what it always saw: test_home.py.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.clock import ManualClock
from bot.ids import ActionId, BlockId, CallbackId
from bot.sandbox import FakeSlack
from bot.services.program.closing import close_program
from models import Pair, Participant, State
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    JSON,
    Program,
    click_home,
    eventually,
    eventually_async,
    find_button,
    open_home,
    profile_answers,
    saved,
    settings_errors,
    settings_view,
    start_bot,
    submit,
    tool_ids,
)

PERSON = "U0PERSON1"  # a guide in the first program, a learner in "AI sprint"
FIRST_LEARNER = "U0LEARN11"
SPRINT_GUIDE = "U0GUIDE22"
NEWBIE = "U0NEWBIE1"
SPRINT_CHANNEL = "C0SPRINT1"
ENV_CHANNEL = "C0ENVPROG1"  # ROTNEM_PROGRAM_CHANNEL


def parts(home: Mapping[str, Any]) -> dict[str, list[JSON]]:
    """The Home tab's blocks under each header, by the header's text."""
    found: dict[str, list[JSON]] = {}
    current: list[JSON] = []
    for block in home["blocks"]:
        if block["type"] == "header":
            current = found.setdefault(block["text"]["text"], [])
        else:
            current.append(block)
    return found


def offer(blocks: Sequence[Mapping[str, Any]], name: str) -> JSON:
    """The Join offer of the program named `name`."""
    for block in blocks:
        if block["type"] == "section" and block["text"]["text"].startswith(f"*{name}*"):
            return dict(block)
    raise AssertionError(f"no offer for {name}")


async def click(
    program: Program, user: str, blocks: Sequence[Mapping[str, Any]], action: ActionId
) -> None:
    """Click `action` among `blocks` of the person's Home tab, and wait for what it opens or
    publishes."""
    before = program.slack.count("views.open") + program.slack.count("views.publish")
    await click_home(program.bot, user, action, blocks)
    await eventually(
        lambda: program.slack.count("views.open") + program.slack.count("views.publish") > before
    )


async def two_programs(program: Program) -> str:
    """PERSON paired in the first program (as a guide) and in "AI sprint" (as a learner), and a
    third program, "Data club", they are not in; "AI sprint"'s key."""
    sprint = await program.new_program("AI sprint")
    await program.pair(PERSON, FIRST_LEARNER)
    await program.pair(SPRINT_GUIDE, PERSON, program=sprint)
    await program.new_program("Data club")
    return sprint


@BOTH_BACKENDS
async def test_home_shows_each_program_with_its_partner_and_joins_another_from_its_offer(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    home = await open_home(program.bot, PERSON)
    shown = parts(home)
    assert list(shown) == ["Reverse mentoring", "AI sprint", "Other programs"]
    first, ai = str(shown["Reverse mentoring"]), str(shown["AI sprint"])
    assert f"<@{FIRST_LEARNER}>" in first and f"<@{SPRINT_GUIDE}>" not in first
    assert f"<@{SPRINT_GUIDE}>" in ai and f"<@{FIRST_LEARNER}>" not in ai
    assert "Guide — you teach tools" in first and "Learner — you learn tools" in ai
    assert "Program summary" not in str(home)

    # "Data club": one line with Join, which opens the profile modal for that program.
    club = offer(shown["Other programs"], "Data club")
    opened = len(program.slack.open_views(PERSON))
    await click(program, PERSON, [club], ActionId.JOIN)
    modal = (await eventually(lambda: program.slack.open_views(PERSON)[opened:]))[-1]
    assert modal["callback_id"] == CallbackId.PROFILE
    answers = profile_answers(role="learner", learn=await tool_ids(program.bot, "Canva"))
    publishes = program.slack.count("views.publish")
    assert saved(await submit(program.bot, PERSON, modal, answers))
    await program.slack.wait_for("views.publish", publishes + 1)

    rows = {row.team_id: row for row in await program.rows(Participant, user_id=PERSON)}
    club_key = f"{program.team_id}~3"
    assert set(rows) == {program.team_id, sprint, club_key}
    assert rows[club_key].role == "learner" and rows[program.team_id].role == "guide"
    after = program.slack.home_view(PERSON)
    assert after is not None
    assert list(parts(after)) == ["Reverse mentoring", "AI sprint", "Data club"]


async def test_status_lists_each_program_the_person_takes_part_in(program: Program) -> None:
    await two_programs(program)
    await program.command("status", user=PERSON)
    (answer,) = await program.answers(1, user=PERSON)
    text = answer["text"]
    first, _sep, ai = text.partition("AI sprint")
    assert first.startswith("Reverse mentoring") and ai, text
    assert f"<@{FIRST_LEARNER}>" in first and f"<@{SPRINT_GUIDE}>" in ai
    assert "Data club" not in text
    assert "*AI sprint*" in str(answer["blocks"])


async def test_leaving_a_program_from_its_home_section_leaves_only_that_program(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    home = await open_home(program.bot, PERSON)
    publishes = program.slack.count("views.publish")
    await click(program, PERSON, parts(home)["AI sprint"], ActionId.LEAVE)
    await program.slack.wait_for("views.publish", publishes + 1)

    states = {row.team_id: row.state for row in await program.rows(Participant, user_id=PERSON)}
    assert states == {program.team_id: State.ACTIVE, sprint: State.LEFT}
    pairs = {pair.team_id: pair.ended_at for pair in await program.rows(Pair)}
    assert pairs[program.team_id] is None and pairs[sprint] is not None
    after = program.slack.home_view(PERSON)
    assert after is not None
    shown = parts(after)
    assert list(shown) == ["Reverse mentoring", "Other programs"]
    assert f"<@{FIRST_LEARNER}>" in str(shown["Reverse mentoring"])
    assert "Left the program" in offer(shown["Other programs"], "AI sprint")["text"]["text"]


async def test_hr_gets_the_summary_of_each_program_they_run_and_its_settings(
    program: Program,
) -> None:
    sprint = await two_programs(program)
    manager = "U0MANAGE1"
    program.slack.add_user(manager, real_name="Mo Manager")
    await program.update_settings(program=sprint, managers=(manager,))

    home = await open_home(program.bot, ADMIN_ID)
    shown = parts(home)
    assert list(shown)[:1] == ["Welcome to Rotnem"]
    assert {
        "Program summary (HR): Reverse mentoring",
        "Program summary (HR): AI sprint",
        "Program summary (HR): Data club",
    } <= set(shown)
    assert "Participants: 2*" in str(shown["Program summary (HR): AI sprint"])
    home = await open_home(program.bot, manager)
    assert [name for name in parts(home) if name.startswith("Program summary")] == [
        "Program summary (HR): AI sprint"
    ]

    # Its settings button opens that program's settings: what is saved there is its own.
    await click(
        program, manager, parts(home)["Program summary (HR): AI sprint"], ActionId.HOME_SETTINGS
    )
    view = (await eventually(lambda: program.slack.open_views(manager)))[-1]
    assert view["callback_id"] == CallbackId.SETTINGS
    assert (
        await settings_errors(program, view, manager, **{BlockId.SETTINGS_STALL_WEEKS: "5"}) == {}
    )
    async with program.bot.deps.sessionmaker() as session:
        assert (await program.bot.deps.program_config(session, sprint)).stall_weeks == 5
        assert (await program.bot.deps.program_config(session, program.team_id)).stall_weeks == 3


async def test_a_closed_program_is_not_offered_and_its_old_join_button_is_refused(
    program: Program,
) -> None:
    await two_programs(program)
    home = await open_home(program.bot, PERSON)
    club = offer(parts(home)["Other programs"], "Data club")
    async with program.bot.deps.sessionmaker.begin() as session:
        await close_program(
            session, f"{program.team_id}~3", actor_id=ADMIN_ID, now=program.clock.now()
        )
    await click(program, PERSON, [club], ActionId.JOIN)
    notice = (await eventually(lambda: program.slack.open_views(PERSON)))[-1]
    assert notice["callback_id"] == CallbackId.NOTICE
    assert "That program has closed" in str(notice["blocks"])
    assert "Data club" not in str((await open_home(program.bot, PERSON))["blocks"])


async def test_joining_a_programs_channel_invites_to_that_program(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_channel(SPRINT_CHANNEL, name="ai-sprint")
    await program.update_settings(program=sprint, program_channel=SPRINT_CHANNEL)
    program.slack.add_user(NEWBIE, real_name="Nia Newbie")
    event = {"type": "member_joined_channel", "user": NEWBIE, "channel": SPRINT_CHANNEL}
    assert (await program.bot.requester.event(event)).status_code == 200

    (invite,) = await eventually_async(lambda: program.outbox("invite"))
    assert invite.team_id == sprint
    await program.deliver_all()
    (dm,) = program.dm(NEWBIE)
    assert dm["text"] == f"You've joined <#{SPRINT_CHANNEL}>: want to take part in AI sprint?"
    assert "*AI sprint*" in str(dm["blocks"])

    button = find_button(dm["blocks"], ActionId.JOIN)
    response = await program.bot.requester.click(
        user_id=NEWBIE,
        action_id=ActionId.JOIN,
        block_id=button["block_id"],
        value=button["value"],
        message=dm,
        channel_id=program.slack.dm_channel(NEWBIE),
    )
    assert response.status_code == 200
    modal = (await eventually(lambda: program.slack.open_views(NEWBIE)))[-1]
    answers = profile_answers(role="guide", teach=await tool_ids(program.bot, "Canva"))
    assert saved(await submit(program.bot, NEWBIE, modal, answers))
    (row,) = await program.rows(Participant, user_id=NEWBIE)
    assert row.team_id == sprint and row.role == "guide"


async def test_the_settings_refuse_a_channel_that_is_another_programs(program: Program) -> None:
    sprint = await program.new_program("AI sprint")
    program.slack.add_channel(SPRINT_CHANNEL, name="ai-sprint")
    program.slack.add_channel("C0OPTIN01", name="reverse-mentoring-opt-in")
    await program.update_settings(program=sprint, program_channel=SPRINT_CHANNEL)
    view = await settings_view(program, picking="Reverse mentoring")
    errors = await settings_errors(
        program, view, **{BlockId.SETTINGS_PROGRAM_CHANNEL: SPRINT_CHANNEL}
    )
    assert errors == {
        BlockId.SETTINGS_PROGRAM_CHANNEL: "Program channel: that channel is already AI sprint's "
        "program channel. Pick another."
    }
    assert (
        await settings_errors(program, view, **{BlockId.SETTINGS_PROGRAM_CHANNEL: "C0OPTIN01"})
        == {}
    )


async def test_the_environments_program_channel_stays_the_first_programs(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    fake_slack.add_user(ADMIN_ID, real_name="Hana HR")
    fake_slack.add_channel(ENV_CHANNEL, name="reverse-mentoring")
    async with start_bot(
        database_url=database_url, slack=fake_slack, clock=clock, rotnem_program_channel=ENV_CHANNEL
    ) as running:
        program = Program(running)
        await program.new_program("AI sprint")
        program.slack.add_user(NEWBIE, real_name="Nia Newbie")
        event = {"type": "member_joined_channel", "user": NEWBIE, "channel": ENV_CHANNEL}
        assert (await program.bot.requester.event(event)).status_code == 200
        (invite,) = await eventually_async(lambda: program.outbox("invite"))
        assert invite.team_id == program.team_id
        await program.deliver_all()
        (dm,) = program.dm(NEWBIE)
        assert "want to take part in Reverse mentoring?" in dm["text"]

        # Nor may "AI sprint" take it as its own.
        home = await open_home(program.bot, ADMIN_ID)
        summary = parts(home)["Program summary (HR): AI sprint"]
        await click(program, ADMIN_ID, summary, ActionId.HOME_SETTINGS)
        view = (await eventually(lambda: program.slack.open_views(ADMIN_ID)))[-1]
        errors = await settings_errors(
            program, view, **{BlockId.SETTINGS_PROGRAM_CHANNEL: ENV_CHANNEL}
        )
        assert errors == {
            BlockId.SETTINGS_PROGRAM_CHANNEL: "Program channel: that channel is already "
            "Reverse mentoring's program channel. Pick another."
        }
