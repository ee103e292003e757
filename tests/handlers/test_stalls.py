"""A stalled pair: found by the stall job, one alert to HR, and its buttons over signed HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from bot.ids import ActionId
from bot.sandbox.driver import settle
from models import PairSession, StallAlert
from tests.factories import ADMIN_ID, BOTH_BACKENDS, Program, known_program, reply, rotnem


@BOTH_BACKENDS
async def test_stalled_pair_alerts_hr_once_and_the_buttons_work(program: Program) -> None:
    pairs = await known_program(program)
    await program.stalls()
    await program.stalls()
    (alert,) = await program.rows(StallAlert)
    assert alert.pair_id == pairs["C"] and alert.stall_started_week == "2026-W48"
    await program.deliver()
    (message,) = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]]
    assert "<@U0GC>" in message["text"] and "3 weeks" in message["text"]
    assert "PRIVATE-NOTE" not in str(message)
    started = set(asyncio.all_tasks())
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await settle(started)  # what the bot does after acknowledging the clicks
    assert len(await program.outbox("stall_nudge")) == 1
    updated = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]][0]
    assert "friendly nudge" in str(updated["blocks"])
    await program.click(updated, ActionId.STALL_TALK, ADMIN_ID)
    talks = await program.outbox("stall_talk")
    assert sorted(tuple(t.open_users or ()) for t in talks) == [
        tuple(sorted((ADMIN_ID, "U0GC"))),
        tuple(sorted((ADMIN_ID, "U0LC"))),
    ]
    # Not an admin: refused.
    before = len(program.slack.responses())
    await program.click(updated, ActionId.STALL_TALK, "U0GA")
    await program.slack.wait_for("response_url", before + 1)
    assert "Only program admins" in program.slack.responses()[-1]["text"]


@BOTH_BACKENDS
async def test_weeks_a_person_was_paused_are_not_silent_weeks(program: Program) -> None:
    pair_id = await program.pair("U0GS", "U0LS")  # Monday 23 Nov (2026-W48)
    answer = await rotnem(program.bot, "U0LS", "pause until 2026-12-13")
    assert "paused" in (await reply(program.bot, answer))["text"].lower()
    for day in (30, 7, 14, 21):  # the Mondays of W49 to W52, at the prompt hour
        program.at(datetime(2026, 11 if day == 30 else 12, day, 10, 0, tzinfo=UTC))
        await program.tick()
    skipped = [p.iso_week for p in await program.prompts_of(pair_id) if p.prompt_id is None]
    assert skipped == ["2026-W49", "2026-W50"]
    # W48 to W51 without a session, two of those weeks paused: two silent weeks, no stall.
    program.at(datetime(2026, 12, 21, 12, 0, tzinfo=UTC))
    await program.stalls()
    assert await program.rows(StallAlert) == []
    program.at(datetime(2026, 12, 28, 12, 0, tzinfo=UTC))
    await program.stalls()
    (alert,) = await program.rows(StallAlert)
    await program.deliver()
    (message,) = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]]
    assert "3 weeks" in message["text"]  # not the 5 weeks since the pair began
    await program.command("admin stats")
    (stats,) = await program.answers(1)
    assert "<@U0GS> & <@U0LS>: 3 silent weeks" in str(stats["blocks"])


async def test_a_stall_alert_for_a_pair_that_has_since_ended_sends_nothing(
    program: Program,
) -> None:
    await known_program(program)
    await program.stalls()
    await program.deliver()
    (message,) = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]]
    # HR ends the pair (a closed program does the same): both were told it ended.
    await reply(program.bot, await rotnem(program.bot, ADMIN_ID, "admin unpair <@U0LC>"))
    before = len(program.slack.responses())
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await program.slack.wait_for("response_url", before + 1)
    assert "has ended" in program.slack.responses()[-1]["text"]
    assert await program.outbox("stall_nudge") == []


async def test_no_stall_alert_during_a_program_break_at_a_two_week_cadence(
    program: Program,
) -> None:
    await program.update_settings(cadence_weeks=2, stall_weeks=2)
    pair_id = await program.pair("U0G1", "U0L1", "Europe/London")  # Monday 23 Nov
    program.at(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    await program.tick()  # the prompt of week 48, and they met that week
    async with program.bot.deps.sessionmaker.begin() as session:
        session.add(
            PairSession(
                team_id=program.team_id,
                pair_id=pair_id,
                iso_week="2026-W48",
                created_at=program.clock.now(),
            )
        )
    await program.update_settings(paused_until=date(2027, 1, 11))  # a holiday break
    moment = datetime(2026, 11, 24, tzinfo=UTC)
    while moment < datetime(2027, 1, 11, tzinfo=UTC):
        program.at(moment)
        await program.tick()
        await program.stalls()
        moment += timedelta(hours=12)
    assert await program.outbox("stall_alert") == []
    # The break's weeks are not silent ones: the week after their session (49) is one; the
    # week of the first prompt after the break (week 3 of 2027) makes two, once it is over.
    program.at(datetime(2027, 1, 24, 12, 0, tzinfo=UTC))
    await program.tick()
    await program.stalls()
    assert await program.outbox("stall_alert") == []
    program.at(datetime(2027, 1, 25, 12, 0, tzinfo=UTC))
    await program.stalls()
    (alert,) = await program.outbox("stall_alert")
    assert alert.notice["view"]["silent_weeks"] == 2
