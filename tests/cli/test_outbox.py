"""`rotnem outbox`: what operators see, and re-queuing failed messages."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import cli
from bot.clock import SystemClock
from bot.db import create_engine, create_sessionmaker
from models import OutboxMessage
from tests.factories import TEAM


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
