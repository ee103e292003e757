"""Enqueuing: one row per dedupe key and workspace, whatever the races; what operators see."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot import cli
from bot.clock import SystemClock
from bot.db import create_engine, create_sessionmaker
from bot.delivery.outbox import backlog, counts_by_status, enqueue, retry_failed
from bot.services.notices import Rendered
from models import OutboxMessage
from tests.factories import BOTH_BACKENDS, TEAM, Outbox, RunningBot


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
        bad = dict(team_id=TEAM, notice=Rendered(text="a"), now=outbox.clock.now())
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
                kind="rendered",
                status="failed",
                notice={"text": "x"},
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
            notice=Rendered(text="x"),
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
