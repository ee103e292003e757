"""HR's programs over signed HTTP: `/rotnem admin programs` lists the workspace's programs with
their state, people and pairs; each one's buttons open that program's settings and wording;
ROTNEM_ADMINS create one in a modal (a name taken, empty or too long is refused on its field,
nothing stored) and close one (its pairs end, their people are told); a program's manager runs
only that program, and everyone else is refused, at every step."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.ids import ActionId, BlockId
from models import Pair, ProgramSettings, SettingsChange
from tests.factories import (
    ADMIN_ID,
    BOTH_BACKENDS,
    HR_DESK,
    JSON,
    Program,
    find_button,
    settings_errors,
    settings_view,
)

GUIDE, LEARNER = "U0PGUIDE1", "U0PLEARN1"
SPRINT_GUIDE, SPRINT_LEARNER = "U0SGUIDE1", "U0SLEARN1"
MANAGER = "U0PMANAG1"
NOBODY = "U0NOBODY1"


def _texts(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _list(program: Program, user: str = ADMIN_ID) -> JSON:
    """`/rotnem admin programs` as `user`: the ephemeral list they get."""
    before = len(program.slack.ephemerals(user))
    await program.command("admin programs", user=user)
    return (await program.answers(before + 1, user=user))[-1]


def _buttons(message: JSON, number: int) -> set[str]:
    """The action IDs of program `number`'s buttons in the list."""
    block = _block(message, number)
    return {element["action_id"] for element in block["elements"]}


def _block(message: JSON, number: int) -> JSON:
    wanted = f"{BlockId.PROGRAMS_ACTIONS}:{number}"
    block: JSON | None = next((b for b in message["blocks"] if b.get("block_id") == wanted), None)
    assert block is not None, f"program {number} is not listed: {message['text']}"
    return block


async def _click(
    program: Program,
    message: JSON,
    action: ActionId,
    number: int | None = None,
    *,
    user: str = ADMIN_ID,
    value: str | None = None,
) -> None:
    """Click `action` of program `number` in the list (None: the list's own button); `value`
    forges the button's value."""
    blocks = [_block(message, number)] if number is not None else message["blocks"]
    button = find_button(blocks, action)
    response = await program.bot.requester.click(
        user_id=user,
        action_id=action,
        block_id=button["block_id"],
        value=value if value is not None else button.get("value"),
        message={"ts": message["message_ts"], **message},
        channel_id=HR_DESK,
    )
    assert response.status_code == 200, response.text


async def _answer_to(program: Program, click: Any, user: str = ADMIN_ID) -> JSON:
    """What `user` is told (privately) after the click `click` sends."""
    before = len(program.slack.ephemerals(user))
    await click
    return (await program.answers(before + 1, user=user))[-1]


async def _modal_from(program: Program, click: Any, user: str = ADMIN_ID) -> JSON:
    """The modal the click `click` opens for `user`."""
    opened = program.slack.count("views.open")
    await click
    await program.slack.wait_for("views.open", opened + 1)
    return program.slack.open_views(user)[-1]


async def _two_programs(program: Program) -> str:
    """The first program (unnamed, so "Reverse mentoring") and an "AI sprint", each with one
    pair; the sprint's key."""
    sprint = await program.new_program("AI sprint")
    await program.pair(GUIDE, LEARNER)
    await program.pair(SPRINT_GUIDE, SPRINT_LEARNER, program=sprint)
    return sprint


@BOTH_BACKENDS
async def test_hr_lists_the_programs_and_each_ones_buttons_open_that_program(
    program: Program,
) -> None:
    sprint = await _two_programs(program)
    await program.join("U0PWAIT01", "Wai Ting", "learner", learns=["ChatGPT"], program=sprint)
    await program.update_settings(program=sprint, paused_until=date(2027, 1, 4))

    listed = await _list(program)
    text = listed["text"]
    assert "Reverse mentoring (open)" in text
    assert "AI sprint (paused until 04 Jan 2027)" in text
    shown = _texts(listed["blocks"])
    assert "*Reverse mentoring*\\nno template · open\\nParticipants: 2 · Active pairs: 1" in shown
    assert "*AI sprint*\\nTools sprint · paused until 04 Jan 2027" in shown
    assert "Participants: 3 · Active pairs: 1" in shown  # the figures of `admin stats`
    # The first program never closes; a new one may be made.
    assert _buttons(listed, 1) == {ActionId.PROGRAMS_SETTINGS, ActionId.PROGRAMS_WORDING}
    assert ActionId.PROGRAMS_CLOSE in _buttons(listed, 2)
    assert find_button(listed["blocks"], ActionId.PROGRAMS_NEW)["text"]["text"] == "New program"

    # Each program's Settings open its own settings, and saving them changes only it.
    settings = await _modal_from(program, _click(program, listed, ActionId.PROGRAMS_SETTINGS, 2))
    name = next(b for b in settings["blocks"] if b.get("block_id") == BlockId.SETTINGS_NAME)
    assert name["element"]["initial_value"] == "AI sprint"
    changed = {BlockId.SETTINGS_CYCLE_WEEKS: "8", BlockId.SETTINGS_STALL_WEEKS: "2"}
    assert await settings_errors(program, settings, **changed) == {}
    (sprint_settings,) = await program.rows(ProgramSettings, team_id=sprint)
    assert sprint_settings.cycle_weeks == 8
    assert await program.rows(ProgramSettings, team_id=program.team_id) == []
    first = await _modal_from(program, _click(program, listed, ActionId.PROGRAMS_SETTINGS, 1))
    assert "AI sprint" not in _texts(first["blocks"])

    # Its Wording opens its wording list, whose picks come back to it.
    wording = await _modal_from(program, _click(program, listed, ActionId.PROGRAMS_WORDING, 2))
    assert wording["title"]["text"] == "Wording"
    assert wording["private_metadata"].startswith("~2~")


async def test_a_workspace_with_one_program_lists_it_and_may_make_another(program: Program) -> None:
    listed = await _list(program)
    assert listed["text"] == "Programs\nReverse mentoring (open)"
    assert _buttons(listed, 1) == {ActionId.PROGRAMS_SETTINGS, ActionId.PROGRAMS_WORDING}
    assert find_button(listed["blocks"], ActionId.PROGRAMS_NEW)


async def test_hr_creates_a_program_and_a_name_empty_too_long_or_taken_is_refused_on_its_field(
    program: Program,
) -> None:
    await program.new_program("AI sprint")
    listed = await _list(program)
    modal = await _modal_from(program, _click(program, listed, ActionId.PROGRAMS_NEW))
    assert modal["title"]["text"] == "New program"
    assert "Six weeks, 30 minutes every week, one tool at a time." in _texts(modal["blocks"])

    async def create(name: str, template: str = "reciprocal", user: str = ADMIN_ID) -> JSON:
        response = await program.bot.requester.submit_view(
            view=modal,
            user_id=user,
            answers={BlockId.PROGRAMS_NAME: name, BlockId.PROGRAMS_TEMPLATE: template},
        )
        assert response.status_code == 200, response.text
        answer: JSON = response.json()
        return answer

    stored = (await program.count(ProgramSettings), await program.count(SettingsChange))
    for name, error in (
        ("   ", "Give the program a name."),
        ("x" * 61, "A program's name is at most 60 characters."),
        ("Pilot\x00 France", "This text holds invisible control characters"),
        ("ai  SPRINT", "Another program is already called “ai SPRINT”: pick another name."),
        ("reverse mentoring", "Another program is already called “reverse mentoring”: pick "),
        # The first program's name as French readers see it: they could not tell the two apart.
        ("Mentorat inversé", "Another program is already called “Mentorat inversé”: pick "),
    ):
        refused = await create(name)
        assert refused["response_action"] == "errors", name
        assert refused["errors"][BlockId.PROGRAMS_NAME].startswith(error), name
    # Only ROTNEM_ADMINS create programs, whatever modal someone submits.
    forged = await create("Onboarding buddies", user=NOBODY)
    assert "ROTNEM_ADMINS" in forged["errors"][BlockId.PROGRAMS_NAME]
    assert (await program.count(ProgramSettings), await program.count(SettingsChange)) == stored

    created = await create("Onboarding buddies")
    assert created["response_action"] == "update"
    said = _texts(created["view"]["blocks"])
    assert "*Onboarding buddies* is created" in said
    assert "open its *Settings* from `/rotnem admin programs`" in said
    assert "`/rotnem join`" in said
    (made,) = await program.rows(ProgramSettings, team_id=f"{program.team_id}~3")
    assert (made.name, made.template, made.cycle_weeks, made.cadence_weeks) == (
        "Onboarding buddies",
        "reciprocal",
        52,
        4,
    )
    listed = await _list(program)
    assert "Onboarding buddies (open)" in listed["text"]
    assert "Reciprocal mentoring · open" in _texts(listed["blocks"])


async def test_hr_closes_a_program_its_pairs_end_and_both_people_are_told(program: Program) -> None:
    sprint = await _two_programs(program)
    listed = await _list(program)
    after = await _answer_to(program, _click(program, listed, ActionId.PROGRAMS_CLOSE, 2))
    assert after["text"].startswith(
        "Programs\n✅ AI sprint is closed: 1 pair ended, and its people were told privately."
    )
    assert "AI sprint (closed on 23 Nov 2026)" in after["text"]
    # A closed program changes no more: it is listed without buttons.
    wanted = f"{BlockId.PROGRAMS_ACTIONS}:2"
    assert not [block for block in after["blocks"] if block.get("block_id") == wanted]
    (closed,) = await program.rows(ProgramSettings, team_id=sprint)
    assert closed.closed_at is not None
    pairs = {pair.team_id: pair for pair in await program.pairs()}
    assert pairs[sprint].ended_at is not None and pairs[program.team_id].ended_at is None
    await program.deliver()
    for person in (SPRINT_GUIDE, SPRINT_LEARNER):
        assert any("ended" in m["text"] for m in program.dm(person)), person
    assert not any("ended" in m["text"] for m in program.dm(GUIDE))

    # Closing it again, or the first program (a forged button), is refused in plain words.
    again = await _answer_to(program, _click(program, listed, ActionId.PROGRAMS_CLOSE, 2))
    assert again["text"] == "That program is already closed."
    first = await _answer_to(
        program, _click(program, listed, ActionId.PROGRAMS_CLOSE, 2, value="close")
    )
    assert first["text"].startswith("The workspace's first program stays open")
    assert len(await program.rows(Pair, ended_at=None)) == 1


async def test_a_program_manager_may_not_create_or_close_and_others_get_nothing(
    program: Program,
) -> None:
    sprint = await _two_programs(program)
    program.slack.add_user(MANAGER, real_name="Mo Manager")
    await program.update_settings(program=sprint, managers=[MANAGER])
    listed = await _list(program)

    # The sprint's manager opens its settings, not the first program's …
    settings = await _modal_from(
        program, _click(program, listed, ActionId.PROGRAMS_SETTINGS, 2, user=MANAGER), MANAGER
    )
    assert settings["private_metadata"].startswith("~2~")
    refused = await _answer_to(
        program, _click(program, listed, ActionId.PROGRAMS_SETTINGS, 1, user=MANAGER), MANAGER
    )
    assert refused["text"].startswith("Only program admins can do that.")
    # … and neither closes nor creates a program, whatever the message they click in.
    for action, number in ((ActionId.PROGRAMS_CLOSE, 2), (ActionId.PROGRAMS_NEW, None)):
        refused = await _answer_to(
            program, _click(program, listed, action, number, user=MANAGER), MANAGER
        )
        assert refused["text"] == (
            "Only Rotnem's administrators (ROTNEM_ADMINS) create and close programs: ask one "
            "of them."
        )
    assert [p.ended_at for p in await program.pairs()] == [None, None]
    assert [row.closed_at for row in await program.rows(ProgramSettings)] == [None]

    # Someone who runs no program is refused the list, and every button.
    refused_list = await program.command("admin programs", user=NOBODY)
    assert refused_list.json()["text"].startswith("Only program admins can do that.")
    refused = await _answer_to(
        program, _click(program, listed, ActionId.PROGRAMS_WORDING, 2, user=NOBODY), NOBODY
    )
    assert refused["text"].startswith("Only program admins can do that.")


async def test_a_program_manager_lists_only_their_program(program: Program) -> None:
    sprint = await _two_programs(program)
    program.slack.add_user(MANAGER, real_name="Mo Manager")
    await program.update_settings(program=sprint, managers=[MANAGER])
    listed = await _list(program, MANAGER)
    assert listed["text"] == "Programs\nAI sprint (open)"
    assert _buttons(listed, 2) == {ActionId.PROGRAMS_SETTINGS, ActionId.PROGRAMS_WORDING}
    assert ActionId.PROGRAMS_NEW not in _texts(listed["blocks"])


async def test_renaming_a_program_to_a_name_another_one_goes_by_is_refused_on_the_name(
    program: Program,
) -> None:
    sprint = await _two_programs(program)
    listed = await _list(program)

    async def rename(number: int, name: str) -> dict[str, str]:
        view = await _modal_from(
            program, _click(program, listed, ActionId.PROGRAMS_SETTINGS, number)
        )
        # Each program's own cycle and stall alert, as its modal opens.
        kept = {BlockId.SETTINGS_CYCLE_WEEKS: "6", BlockId.SETTINGS_STALL_WEEKS: "2"}
        return await settings_errors(
            program, view, **(kept if number == 2 else {}), **{BlockId.SETTINGS_NAME: name}
        )

    logged = await program.count(SettingsChange)
    taken = "Another program is already called “{}”: pick another name."
    # The first program goes by its default name.
    assert await rename(2, "reverse MENTORING") == {
        BlockId.SETTINGS_NAME: taken.format("reverse MENTORING")
    }
    assert await rename(1, "ai sprint") == {BlockId.SETTINGS_NAME: taken.format("ai sprint")}
    assert await program.count(SettingsChange) == logged
    # Its own name, spelled anew, is its own.
    assert await rename(2, "AI Sprint") == {}
    (renamed,) = await program.rows(ProgramSettings, team_id=sprint)
    assert renamed.name == "AI Sprint"
    await program.slack.wait_for("chat.postMessage", 1)


async def test_a_program_left_without_a_name_may_not_go_by_another_programs(
    program: Program,
) -> None:
    await program.new_program("Q3 sprint", "tools_sprint")
    await program.new_program("Tools sprint", "reciprocal")
    # Clearing Q3 sprint's name would leave it its template's: "Tools sprint", taken.
    view = await settings_view(program, picking="Q3 sprint")
    errors = await settings_errors(program, view, **{BlockId.SETTINGS_NAME: ""})
    assert errors[BlockId.SETTINGS_NAME].startswith(
        "Without a name of its own this program would be called “Tools sprint”"
    )
    # The first program has no name: the Tools sprint template would call it so, too.
    settings = await settings_view(program, picking="Reverse mentoring")
    await program.bot.requester.click(
        user_id=ADMIN_ID,
        action_id=ActionId.SETTINGS_TEMPLATE,
        block_id=next(b["block_id"] for b in settings["blocks"] if b.get("accessory")),
        value="open",
        view=settings,
    )
    await program.slack.wait_for("views.push", 1)
    chooser = program.slack.open_views(ADMIN_ID)[-1]
    refused = await program.bot.requester.submit_view(
        view=chooser, user_id=ADMIN_ID, answers={BlockId.TEMPLATE_CHOICE: "tools_sprint"}
    )
    assert "would be called “Tools sprint”" in refused.json()["errors"][BlockId.TEMPLATE_CHOICE]
    assert [c.field for c in await program.rows(SettingsChange)].count("template") == 2  # theirs
