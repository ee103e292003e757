"""Enqueuing: one row per dedupe key and workspace, whatever the races; what operators see."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from slack_sdk.models.blocks import SectionBlock

from bot import cli
from bot.blocks.message import Message
from bot.clock import SystemClock
from bot.db import create_engine, create_sessionmaker
from bot.delivery import backlog, counts_by_status, enqueue, register_kind, retry_failed
from models import OutboxMessage
from tests.delivery.conftest import TEAM, Outbox
from tests.harness import RunningBot

BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@BOTH
async def test_the_same_key_twice_is_one_row(outbox: Outbox) -> None:
    assert await outbox.add("intro:1", channel="C1")
    assert not await outbox.add("intro:1", channel="C1", text="changed my mind")
    # The key is unique per workspace, not globally.
    async with outbox.sessionmaker.begin() as session:
        assert await enqueue(
            session,
            team_id="T0OTHER",
            dedupe_key="intro:1",
            kind="message",
            message={"text": "hi"},
            channel="C1",
            now=outbox.clock.now(),
        )
    rows = await outbox.rows()
    assert [(row.team_id, row.dedupe_key, row.payload["text"]) for row in rows] == [
        (TEAM, "intro:1", "message intro:1"),
        ("T0OTHER", "intro:1", "hi"),
    ]


@BOTH
async def test_concurrent_enqueues_of_one_key_give_one_message(outbox: Outbox) -> None:
    async def one(n: int) -> bool:
        async with outbox.sessionmaker.begin() as session:
            written = await enqueue(
                session,
                team_id=TEAM,
                dedupe_key="nudge:7:2026-W48",
                kind="message",
                message={"text": f"attempt {n}"},
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
                kind="message",
                message={"text": "hi"},
                channel="C1",
                now=outbox.clock.now(),
            )
            raise RuntimeError("the pairing failed")
    assert await outbox.rows() == []


async def test_message_objects_and_validation(outbox: Outbox) -> None:
    message = Message("Meet your partner", blocks=[SectionBlock(text="*Meet* your partner")])
    async with outbox.sessionmaker.begin() as session:
        assert await enqueue(
            session,
            team_id=TEAM,
            dedupe_key="intro:2",
            kind="message",
            message=message,
            open_users=["U2", "U1", "U1"],
            now=outbox.clock.now(),
        )
        bad = dict(team_id=TEAM, kind="message", now=outbox.clock.now())
        with pytest.raises(ValueError, match="exactly one"):
            await enqueue(session, dedupe_key="x", message={"text": "a"}, **bad)
        with pytest.raises(ValueError, match="text fallback"):
            await enqueue(session, dedupe_key="x", message={"blocks": []}, channel="C1", **bad)
        with pytest.raises(ValueError, match="set by the dispatcher"):
            await enqueue(
                session,
                dedupe_key="x",
                message={"text": "a", "channel": "C2"},
                channel="C1",
                **bad,
            )
        with pytest.raises(ValueError, match="1 to 8"):
            await enqueue(
                session,
                dedupe_key="x",
                message={"text": "a"},
                open_users=[f"U{i}" for i in range(9)],
                **bad,
            )
        with pytest.raises(ValueError, match="unknown outbox kind"):
            await enqueue(
                session,
                team_id=TEAM,
                dedupe_key="x",
                kind="typo",
                message={"text": "a"},
                channel="C1",
                now=outbox.clock.now(),
            )
    [row] = await outbox.rows()
    assert row.open_users == ["U1", "U2"]
    assert row.payload["blocks"][0]["type"] == "section"


def test_kinds_are_registered_once() -> None:
    async def hook(session, row) -> None:  # noqa: ANN001
        return None

    register_kind("test-once", after_send=hook)
    register_kind("test-once", after_send=hook)
    with pytest.raises(ValueError, match="another hook"):
        register_kind("test-once")


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
        }
        assert await retry_failed(session, outbox.clock.now()) == 1
        assert await counts_by_status(session) == {
            "pending": 2,
            "sending": 0,
            "sent": 1,
            "failed": 0,
        }
    await outbox.dispatcher.drain()
    assert len(outbox.posted()) == 2


async def test_rotnem_outbox_commands(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine).begin() as session:
        now = SystemClock().now()
        session.add(
            OutboxMessage(
                team_id=TEAM,
                dedupe_key="intro:3",
                kind="message",
                status="failed",
                payload={"text": "x"},
                channel="C1",
                attempts=1,
                next_attempt_at=now,
                last_error="user_not_found (chat.postMessage)",
                created_at=now,
                updated_at=now,
            )
        )
    await engine.dispose()
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)

    async def rotnem(*args: str) -> tuple[int, str]:
        # The CLI runs its own event loop, so it gets a thread of its own.
        code = await asyncio.to_thread(cli.main, list(args))
        return code, capsys.readouterr().out

    code, shown = await rotnem("outbox")
    assert code == 0
    assert "failed           1" in shown
    assert "user_not_found" in shown and "'intro:3'" in shown
    code, retried = await rotnem("outbox", "retry", "--failed")
    assert code == 0 and "Re-queued 1 failed message(s)." in retried
    assert "pending          1" in (await rotnem("outbox"))[1]
    with pytest.raises(SystemExit) as refused:
        await rotnem("outbox", "retry")
    assert refused.value.code == 2, "--failed is required"


async def test_healthz_reports_the_outbox_backlog(bot: RunningBot) -> None:
    async with bot.deps.sessionmaker.begin() as session:
        await enqueue(
            session,
            team_id=TEAM,
            dedupe_key="k",
            kind="message",
            message={"text": "x"},
            channel="C1",
            now=bot.clock.now(),
        )
    bot.clock.advance(timedelta(minutes=2))
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{bot.url}/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "outbox": {"pending": 1, "oldest_pending_age_s": 120.0},
    }
