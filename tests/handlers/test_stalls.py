"""A stalled pair: found by the stall job, one alert to HR, and its buttons over signed HTTP."""

from __future__ import annotations

import asyncio

from bot.ids import ActionId
from models import StallAlert
from tests.factories import ADMIN_ID, BOTH_BACKENDS, Program, known_program


@BOTH_BACKENDS
async def test_stalled_pair_alerts_hr_once_and_the_buttons_work(program: Program) -> None:
    pairs = await known_program(program)
    await program.stalls()
    await program.stalls()
    (alert,) = await program.rows(StallAlert)
    assert alert.pair_id == pairs["C"] and alert.stall_started_week == "2026-W48"
    await program.deliver()
    (message,) = [m for m in program.dm(ADMIN_ID) if "no session" in m["text"]]
    assert "<@U0GC>" in message["text"] and "3 week(s)" in message["text"]
    assert "PRIVATE-NOTE" not in str(message)
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await program.click(message, ActionId.STALL_NUDGE, ADMIN_ID)
    await asyncio.sleep(0.05)
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
