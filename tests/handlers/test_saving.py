"""Save first, then tell Slack — and always in time: a held lock, hostile values and double
submits over signed HTTP, on SQLite and PostgreSQL. A modal closes only once its data is
stored; when it cannot be stored, the person is told so within Slack's three seconds and
nothing is written."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bot.blocks.checkins import OTHER
from bot.db import create_engine
from bot.ids import ActionId, BlockId
from bot.sandbox import FakeSlack, SlackRequester
from bot.sandbox.process import SIGNING_SECRET, rotnem_serve
from bot.sandbox.signing import state_values_for
from models import CheckInStatus, Participant, Tool
from tests.factories import (
    BOTH_BACKENDS,
    CHANNEL,
    COMMAND,
    GUIDE,
    JSON,
    PAIR_GUIDE,
    PAIR_LEARNER,
    Program,
    RunningBot,
    asked,
    click_home,
    eventually,
    join,
    open_modal,
    participant,
    profile_answers,
    reply,
    rotnem,
    saved,
    submit,
    tool_ids,
)

T = TypeVar("T")
# Slack shows an error when the acknowledgement takes longer.
SLACK_WAITS = 3.0
COULD_NOT_SAVE = "couldn't save that just now, so nothing changed"


async def in_time(request: Awaitable[T]) -> T:
    """`request`'s answer, which must come within Slack's three seconds."""
    started = time.monotonic()
    answer = await request
    elapsed = time.monotonic() - started
    assert elapsed < SLACK_WAITS, f"answered after {elapsed:.2f} s"
    return answer


@asynccontextmanager
async def lock_held(database_url: str, table: str) -> AsyncIterator[None]:
    """Another connection holds a write lock: SQLite's (the whole file), or PostgreSQL row
    locks on every row of `table`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(str(url.database), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    connection = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        async with connection.transaction():
            await connection.execute(f"SELECT 1 FROM {table} FOR UPDATE")  # noqa: S608
            yield
    finally:
        await connection.close()


async def join_as_guide(bot: RunningBot) -> None:
    teach = await tool_ids(bot, "ChatGPT")
    await join(bot, GUIDE, profile_answers(role="guide", teach=teach, department="Sales"))


async def department(bot: RunningBot) -> str | None:
    row = await participant(bot, GUIDE)
    return row.department if row else None


# ---- a write that cannot get its lock --------------------------------------------------------


@BOTH_BACKENDS
async def test_a_profile_that_cannot_be_saved_keeps_the_modal_open_and_changes_nothing(
    bot: RunningBot, database_url: str
) -> None:
    await join_as_guide(bot)
    view = await open_modal(bot, GUIDE, "profile")
    edited = profile_answers(role="guide", teach=await tool_ids(bot, "ChatGPT"), department="UX")
    async with lock_held(database_url, "participants"):
        ack = await in_time(submit(bot, GUIDE, view, edited))
    assert ack["response_action"] == "errors"
    assert COULD_NOT_SAVE in ack["errors"][BlockId.PROFILE_ROLE]
    assert await department(bot) == "Sales"
    # Once the lock is gone, the same modal saves.
    assert saved(await submit(bot, GUIDE, view, edited))
    assert await department(bot) == "UX"


@BOTH_BACKENDS
async def test_a_button_that_cannot_save_says_so_and_changes_nothing(
    program: Program, database_url: str
) -> None:
    _, _, learner_msg = await asked(program)
    async with lock_held(database_url, "checkins"):
        await in_time(program.click(learner_msg, ActionId.CHECKIN_NOT_YET, PAIR_LEARNER))
    assert COULD_NOT_SAVE in program.slack.responses()[-1]["text"]
    assert [c.status for c in await program.checkins(PAIR_LEARNER)] == [CheckInStatus.ASKED]
    await program.click(learner_msg, ActionId.CHECKIN_NOT_YET, PAIR_LEARNER)
    assert [c.status for c in await program.checkins(PAIR_LEARNER)] == [CheckInStatus.NOT_YET]


async def test_a_home_tab_button_that_cannot_save_says_so_in_a_small_modal(
    bot: RunningBot, database_url: str
) -> None:
    await join_as_guide(bot)
    before = len(bot.slack.open_views(GUIDE))
    async with lock_held(database_url, "participants"):
        await in_time(click_home(bot, GUIDE, ActionId.PAUSE))
    views = await eventually(lambda: (v := bot.slack.open_views(GUIDE)) and len(v) > before and v)
    assert COULD_NOT_SAVE in json.dumps(views[-1]["blocks"])
    row = await participant(bot, GUIDE)
    assert row is not None and row.state == "active"


@BOTH_BACKENDS
async def test_a_command_that_cannot_save_says_so_and_changes_nothing(
    bot: RunningBot, database_url: str
) -> None:
    await join_as_guide(bot)
    async with lock_held(database_url, "participants"):
        answer = await in_time(rotnem(bot, GUIDE, "pause 2w"))
        assert COULD_NOT_SAVE in (await reply(bot, answer))["text"]
    row = await participant(bot, GUIDE)
    assert row is not None and row.state == "active"


# ---- values no column can hold ---------------------------------------------------------------


def forged(view: JSON, answers: dict[str, Any], block_id: str, state: JSON) -> JSON:
    """`answers` as the modal would send them, with `block_id`'s state replaced by `state` (what
    the modal could not have sent)."""
    values = state_values_for(view, answers)
    action_id = next(iter(values.get(block_id) or {"profile_answer": None}))
    values[block_id] = {action_id: state}
    return values


def options(*values: str) -> JSON:
    return {
        "type": "multi_static_select",
        "selected_options": [
            {"text": {"type": "plain_text", "text": v}, "value": v} for v in values
        ],
    }


@BOTH_BACKENDS
async def test_values_no_column_can_hold_are_refused_on_their_field(bot: RunningBot) -> None:
    view = await open_modal(bot, GUIDE)
    valid = profile_answers(role="guide", teach=await tool_ids(bot, "ChatGPT"), department="Ops")
    typed: dict[str, tuple[str, str]] = {
        BlockId.PROFILE_DEPARTMENT: ("Sales\x00", "control characters"),
        BlockId.PROFILE_GOALS: ("Learn \ud800 things", "control characters"),
        BlockId.PROFILE_TEACH_OTHER: ("Zap\x07ier", "control characters"),
        BlockId.PROFILE_SHARE: ("s" * 201, "200 characters"),
    }
    for block_id, (value, says) in typed.items():
        answers = {**valid, block_id: value}
        if block_id == BlockId.PROFILE_SHARE:
            answers[BlockId.PROFILE_ROLE] = "both"
            answers[BlockId.PROFILE_LEARN] = await tool_ids(bot, "LinkedIn")
        ack = await submit(bot, GUIDE, view, answers)
        assert ack.get("errors", {}).get(block_id, "").count(says) == 1, (block_id, ack)
    picked: list[tuple[str, JSON, str]] = [
        (BlockId.PROFILE_TEACH, options("²"), "no longer in the catalogue"),
        (BlockId.PROFILE_TEACH, options("9" * 5000), "no longer in the catalogue"),
        (
            BlockId.PROFILE_MANAGER,
            {"type": "users_select", "selected_user": "U" + "A" * 39},
            "Pick your manager",
        ),
        (
            BlockId.PROFILE_CAPACITY,
            {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "²"}, "value": "²"},
            },
            "between 1 and 3",
        ),
    ]
    for block_id, state, says in picked:
        values = forged(view, valid, block_id, state)
        response = await bot.requester.submit_view(view=view, user_id=GUIDE, values=values)
        assert response.status_code == 200
        assert says in response.json()["errors"][block_id], (block_id, response.text)
    assert await participant(bot, GUIDE) is None


@BOTH_BACKENDS
async def test_check_in_answers_no_column_can_hold_are_refused_on_their_field(
    program: Program,
) -> None:
    _, guide_msg, _ = await asked(program)
    await program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE)
    view = program.slack.open_views(PAIR_GUIDE)[-1]
    rated: dict[str, Any] = {BlockId.CHECKIN_RATING: "4", BlockId.CHECKIN_DIRECTION: "tool"}
    cases: list[tuple[JSON, dict[str, Any], str, str]] = [
        (view, {**rated, BlockId.CHECKIN_COVERED: OTHER, BlockId.CHECKIN_OTHER: "Ex\x00cel"},
         BlockId.CHECKIN_OTHER, "control characters"),
        (view, {**rated, BlockId.CHECKIN_COVERED: "ChatGPT", BlockId.CHECKIN_LEARNED: "\udc00"},
         BlockId.CHECKIN_LEARNED, "control characters"),
        (view, {**rated, BlockId.CHECKIN_COVERED: "ChatGPT", BlockId.CHECKIN_LEARNED: "l" * 201},
         BlockId.CHECKIN_LEARNED, "200 characters"),
        ({**view, "private_metadata": json.dumps({"c": 2**31})},
         {**rated, BlockId.CHECKIN_COVERED: "ChatGPT"}, BlockId.CHECKIN_COVERED, "lost track"),
        ({**view, "private_metadata": json.dumps({"c": "9" * 5000})},
         {**rated, BlockId.CHECKIN_COVERED: "ChatGPT"}, BlockId.CHECKIN_COVERED, "lost track"),
    ]  # fmt: skip
    for modal, answers, block_id, says in cases:
        response = await program.bot.requester.submit_view(
            view=modal, user_id=PAIR_GUIDE, answers=answers
        )
        assert says in response.json()["errors"][block_id], (answers, response.text)
    # A tool the modal never offered (an old or forged form).
    values = state_values_for(view, {**rated, BlockId.CHECKIN_COVERED: "ChatGPT"})
    covered = values[BlockId.CHECKIN_COVERED]
    selected = next(iter(covered.values()))["selected_option"]
    selected["value"] = "T" * 41
    response = await program.bot.requester.submit_view(view=view, user_id=PAIR_GUIDE, values=values)
    assert "Pick what you covered" in response.json()["errors"][BlockId.CHECKIN_COVERED]
    assert [c.status for c in await program.checkins(PAIR_GUIDE)] == [CheckInStatus.ASKED]


@pytest.mark.parametrize("value", ["²:1", "99999999999:1", "9" * 5000 + ":1", ":", "1:²"])
async def test_check_in_buttons_with_ids_out_of_range_change_nothing(
    program: Program, value: str
) -> None:
    _, guide_msg, _ = await asked(program)
    forged_msg = copy.deepcopy(guide_msg)
    for block in forged_msg["blocks"]:
        for element in block.get("elements") or []:
            if element.get("action_id") == ActionId.CHECKIN_SKIP:
                element["value"] = value
    await in_time(program.click(forged_msg, ActionId.CHECKIN_SKIP, PAIR_GUIDE))
    assert "I don't recognise that check-in" in program.slack.responses()[-1]["text"]
    assert [c.status for c in await program.checkins(PAIR_GUIDE)] == [CheckInStatus.ASKED]


# ---- the truth, whoever wins ----------------------------------------------------------------


@BOTH_BACKENDS
async def test_the_losing_side_of_a_double_submit_is_told_it_was_recorded(program: Program) -> None:
    _, guide_msg, _ = await asked(program)
    await program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE)
    view = program.slack.open_views(PAIR_GUIDE)[-1]
    answers: dict[str, Any] = {
        BlockId.CHECKIN_COVERED: "ChatGPT",
        BlockId.CHECKIN_RATING: "5",
        BlockId.CHECKIN_DIRECTION: "both",
    }
    responses = await asyncio.gather(
        *(
            program.bot.requester.submit_view(view=view, user_id=PAIR_GUIDE, answers=answers)
            for _ in range(2)
        )
    )
    bodies = sorted(r.text for r in responses)
    assert bodies[0] in ("", "null"), "one of them closes the modal: it was saved"
    assert "Already recorded — thanks!" in json.loads(bodies[1])["errors"][BlockId.CHECKIN_COVERED]
    assert [c.status for c in await program.checkins(PAIR_GUIDE)] == [CheckInStatus.MET]


async def test_eligibility_is_asked_again_when_the_profile_is_submitted(bot: RunningBot) -> None:
    view = await open_modal(bot, GUIDE)
    bot.slack.add_user(GUIDE, real_name="Gia Guide", deleted=True)
    answers = profile_answers(role="guide", teach=await tool_ids(bot, "ChatGPT"))
    ack = await submit(bot, GUIDE, view, answers)
    assert "deactivated" in ack["errors"][BlockId.PROFILE_ROLE]
    assert await participant(bot, GUIDE) is None


async def test_slack_not_answering_on_submission_saves_with_what_it_said_before(
    bot: RunningBot,
) -> None:
    view = await open_modal(bot, GUIDE)
    bot.slack.fail("users.info", error="fatal_error")
    answers = profile_answers(role="guide", teach=await tool_ids(bot, "ChatGPT"))
    assert saved(await submit(bot, GUIDE, view, answers))
    row = await participant(bot, GUIDE)
    assert row is not None and row.display_name == "Gia Guide"


# ---- a server killed the moment the modal closed ----------------------------------------------


@BOTH_BACKENDS
async def test_a_profile_is_kept_when_the_server_is_killed_as_the_modal_closes(
    people: FakeSlack, database_url: str
) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            chatgpt = await connection.scalar(select(Tool.id).where(Tool.name == "ChatGPT"))
        with rotnem_serve(people, database_url, "--no-scheduler") as (base, process):
            slack = SlackRequester(base, SIGNING_SECRET, slack=people)
            url = people.new_response_url(channel=CHANNEL, user=GUIDE)
            await slack.command(
                command=COMMAND, user_id=GUIDE, channel_id=CHANNEL, text="join", response_url=url
            )
            (view,) = await eventually(lambda: people.open_views(GUIDE))
            answers = profile_answers(role="guide", teach=[str(chatgpt)], department="Sales")
            closed = await slack.submit_view(view=view, user_id=GUIDE, answers=answers)
            process.kill()  # SIGKILL the moment Slack is told the modal may close
            assert closed.status_code == 200 and saved(closed.json())
            process.wait(timeout=10)
        async with engine.connect() as connection:
            stored = await connection.execute(
                select(Participant).where(Participant.user_id == GUIDE)
            )
            assert [(row.role, row.department) for row in stored] == [("guide", "Sales")]
    finally:
        await engine.dispose()


# ---- Slack having a slow moment ---------------------------------------------------------------


async def test_a_click_slower_than_slack_waits_is_told_so_in_time(program: Program) -> None:
    _, guide_msg, _ = await asked(program)
    program.slack.delay("views.open", 4.0)
    await in_time(program.click(guide_msg, ActionId.CHECKIN_MET, PAIR_GUIDE))
    assert "took longer than Slack waits" in program.slack.responses()[-1]["text"]
    assert [c.status for c in await program.checkins(PAIR_GUIDE)] == [CheckInStatus.ASKED]


async def test_a_slow_users_info_on_submission_does_not_keep_the_modal_waiting(
    bot: RunningBot,
) -> None:
    view = await open_modal(bot, GUIDE)
    bot.slack.delay("users.info", 2.0)
    answers = profile_answers(role="guide", teach=await tool_ids(bot, "ChatGPT"))
    assert saved(await in_time(submit(bot, GUIDE, view, answers)))
    row = await participant(bot, GUIDE)
    assert row is not None and row.display_name == "Gia Guide"
