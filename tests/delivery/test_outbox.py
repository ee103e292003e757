"""Enqueuing: one row per dedupe key and workspace, whatever the races; rendering; backlog."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.delivery.outbox import backlog, counts_by_status, enqueue, retry_failed
from bot.services.notices import Rendered
from models import OutboxMessage
from tests.factories import BOTH_BACKENDS, TEAM, Outbox


@BOTH_BACKENDS
async def test_the_same_key_twice_is_one_row(outbox: Outbox) -> None:
    assert await outbox.add("intro:1", channel="C1")
    assert not await outbox.add("intro:1", channel="C1", text="changed my mind")
    # The key is unique per workspace, not globally.
    async with outbox.sessionmaker.begin() as session:
        assert await enqueue(
            session,
            team_id="T0OTHER",
            dedupe_key="intro:1",
            notice=Rendered(text="hi"),
            channel="C1",
            now=outbox.clock.now(),
        )
    rows = await outbox.rows()
    assert [(row.team_id, row.dedupe_key, row.notice["text"]) for row in rows] == [
        (TEAM, "intro:1", "message intro:1"),
        ("T0OTHER", "intro:1", "hi"),
    ]


@BOTH_BACKENDS
async def test_concurrent_enqueues_of_one_key_give_one_message(outbox: Outbox) -> None:
    async def one(n: int) -> bool:
        async with outbox.sessionmaker.begin() as session:
            written = await enqueue(
                session,
                team_id=TEAM,
                dedupe_key="prompt:7:2026-W48",
                notice=Rendered(text=f"attempt {n}"),
                channel="C7",
                now=outbox.clock.now(),
            )
            await asyncio.sleep(0.02)  # hold the transaction open so the others collide
            return written

    results = await asyncio.gather(*(one(n) for n in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    assert len(await outbox.rows()) == 1
    await outbox.deliver_all()
    assert len(outbox.posted()) == 1


async def test_a_rolled_back_state_change_leaves_no_message(outbox: Outbox) -> None:
    with pytest.raises(RuntimeError):
        async with outbox.sessionmaker.begin() as session:
            await enqueue(
                session,
                team_id=TEAM,
                dedupe_key="intro:9",
                notice=Rendered(text="hi"),
                channel="C1",
                now=outbox.clock.now(),
            )
            raise RuntimeError("the pairing failed")
    assert await outbox.rows() == []


async def test_notices_and_validation(outbox: Outbox) -> None:
    notice = Rendered(text="Meet your partner", blocks=[{"type": "divider"}])
    async with outbox.sessionmaker.begin() as session:
        assert await enqueue(
            session,
            team_id=TEAM,
            dedupe_key="intro:2",
            notice=notice,
            open_users=["U2", "U1", "U1"],
            now=outbox.clock.now(),
        )
        bad: dict[str, Any] = dict(team_id=TEAM, notice=Rendered(text="a"), now=outbox.clock.now())
        with pytest.raises(ValueError, match="exactly one"):
            await enqueue(session, dedupe_key="x", **bad)
        with pytest.raises(ValueError, match="1 to 8"):
            await enqueue(session, dedupe_key="x", open_users=[f"U{i}" for i in range(9)], **bad)
    [row] = await outbox.rows()
    assert row.open_users == ["U1", "U2"]
    assert (row.kind, row.notice) == ("rendered", notice.model_dump(mode="json"))


async def test_a_row_that_cannot_be_rendered_fails_with_its_reason(outbox: Outbox) -> None:
    await outbox.add("ok")
    async with outbox.sessionmaker.begin() as session:
        now = outbox.clock.now()
        for key, kind, notice in (
            ("typo", "no-such-kind", {"text": "a"}),
            ("misfit", "checkin", {"checkin_id": "seven"}),
            ("empty", "rendered", {"text": " "}),
        ):
            session.add(
                OutboxMessage(
                    team_id=TEAM,
                    dedupe_key=key,
                    kind=kind,
                    status="pending",
                    notice=notice,
                    channel="C1",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
    await outbox.deliver_all()
    rows = {row.dedupe_key: row for row in await outbox.rows()}
    assert rows["ok"].status == "sent" and len(outbox.posted()) == 1
    assert rows["typo"].last_error == "unknown notice kind 'no-such-kind'"
    assert rows["misfit"].last_error is not None
    assert rows["misfit"].last_error.startswith("checkin notice does not fit")
    assert rows["empty"].last_error == (
        "rendering failed: ValueError: a message needs a text fallback"
    )
    assert {rows[key].status for key in ("typo", "misfit", "empty")} == {"failed"}


async def test_backlog_counts_and_retry_failed(outbox: Outbox) -> None:
    start = outbox.clock.now()
    await outbox.add("a")
    await outbox.add("later", not_before=start + timedelta(hours=1))
    await outbox.add("b", channel="C_GONE")
    outbox.slack.fail(
        "chat.postMessage", error="channel_not_found", when=lambda a: a["channel"] == "C_GONE"
    )
    outbox.clock.advance(timedelta(seconds=90))
    async with outbox.sessionmaker() as session:
        waiting = await backlog(session, outbox.clock.now())
    assert waiting.pending == 3
    assert waiting.oldest_pending_age_s == 90.0, "the row due later does not count as waiting"

    await outbox.dispatcher.drain()
    async with outbox.sessionmaker.begin() as session:
        assert await counts_by_status(session) == {
            "pending": 1,
            "sending": 0,
            "sent": 1,
            "failed": 1,
            "withdrawn": 0,
        }
        assert await retry_failed(session, outbox.clock.now()) == 1
        assert await counts_by_status(session) == {
            "pending": 2,
            "sending": 0,
            "sent": 1,
            "failed": 0,
            "withdrawn": 0,
        }
    await outbox.dispatcher.drain()
    assert len(outbox.posted()) == 2
