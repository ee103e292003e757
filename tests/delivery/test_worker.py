"""The background half (the dispatcher) where it runs: embedded in `rotnem serve`, and real
`python -m bot worker` processes killed with SIGKILL mid-queue, two at once on PostgreSQL, and
stopped with SIGTERM. Each message must reach Slack exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import ManualClock, SystemClock
from bot.db import create_engine, create_sessionmaker
from bot.deps import build_deps
from bot.runtime import build_server_app
from bot.sandbox import FakeSlack
from models import OutboxMessage
from tests.factories import (
    BOT_TOKEN,
    BOTH_BACKENDS,
    ROTNEM_CLI,
    bare_environment,
    bot_settings,
    deliveries,
    enqueue_text,
)


def worker_env(database_url: str, slack: FakeSlack, **extra: str) -> dict[str, str]:
    settings = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "WARNING",
        "ROTNEM_OUTBOX_POLL_SECONDS": "0.05",
        "ROTNEM_OUTBOX_LEASE_SECONDS": "5",
        "ROTNEM_POST_RATE_PER_MINUTE": "1200",
        "ROTNEM_OUTBOX_CONCURRENCY": "4",
        "ROTNEM_OPEN_RATE_PER_MINUTE": "600",
    }
    return bare_environment(**{**settings, **extra})


def start_worker(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*ROTNEM_CLI, "worker"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen[str]) -> tuple[int, float, str]:
    """SIGTERM, then how it exited, how long it took, and what it logged."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return -1, time.monotonic() - started, output
    return process.returncode, time.monotonic() - started, output


async def fill(database_url: str, count: int) -> None:
    engine = create_engine(database_url)
    now = SystemClock().now()
    async with create_sessionmaker(engine).begin() as session:
        for n in range(count):
            await enqueue_text(session, f"fanout:{n}", f"hello {n}", channel=f"C{n:06d}", now=now)
    await engine.dispose()


async def wait_until_drained(database_url: str, timeout: float) -> dict[str, int]:
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    deadline = time.monotonic() + timeout
    try:
        while True:
            async with sessionmaker() as session:
                counts = dict(
                    (
                        await session.execute(
                            select(OutboxMessage.status, func.count()).group_by(
                                OutboxMessage.status
                            )
                        )
                    ).all()
                )
            if not counts.get("pending") and not counts.get("sending"):
                return counts
            if time.monotonic() > deadline:
                raise AssertionError(f"the outbox did not drain in {timeout}s: {counts}")
            await asyncio.sleep(0.1)
    finally:
        await engine.dispose()


@BOTH_BACKENDS
async def test_a_worker_killed_mid_queue_and_restarted_sends_the_rest_once(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    total = 60
    await fill(database_url, total)
    env = worker_env(database_url, fake_slack)
    first = start_worker(env, tmp_path)
    try:
        await fake_slack.wait_for("chat.postMessage", 15, timeout=30)
    finally:
        first.kill()  # SIGKILL: no shutdown code runs, leases stay behind
        first.communicate(timeout=10)
    sent_before_restart = len(deliveries(fake_slack))
    assert 0 < sent_before_restart < total, "the kill must land mid-queue"

    second = start_worker(env, tmp_path)
    try:
        counts = await wait_until_drained(database_url, timeout=40)
    except AssertionError as exc:
        code, took, output = stop_worker(second)
        raise AssertionError(f"{exc}\n{output}\n{fake_slack._summary()}") from None
    code, took, output = stop_worker(second)
    assert counts == {"sent": total}
    delivered = deliveries(fake_slack)
    assert len(delivered) == total, "nothing lost"
    # The rows the killed worker held were looked up in Slack before being posted again.
    assert [n for n in delivered.values() if n > 1] == [], "no duplicates"
    assert code == 0 and took < 10, output


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_workers_on_postgresql_drain_one_queue_without_duplicates(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    total = 200
    await fill(database_url, total)
    # 5xx and dropped connections are covered in-process (their backoff would only slow this).
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=6)
    env = worker_env(database_url, fake_slack, ROTNEM_POST_RATE_PER_MINUTE="3000")
    workers = [start_worker(env, tmp_path) for _ in range(2)]
    try:
        counts = await wait_until_drained(database_url, timeout=40)
    finally:
        stopped = [stop_worker(worker) for worker in workers]
    assert counts == {"sent": total}
    delivered = deliveries(fake_slack)
    assert len(delivered) == total
    assert [n for n in delivered.values() if n > 1] == []
    for code, took, output in stopped:
        assert code == 0 and took < 10, output
        assert "Traceback" not in output, output


async def test_sigterm_releases_in_flight_rows_and_exits_within_ten_seconds(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    await fill(database_url, 200)
    # Slow: 2 messages a second, so plenty is in flight or waiting when SIGTERM arrives.
    env = worker_env(database_url, fake_slack, ROTNEM_POST_RATE_PER_MINUTE="120")
    worker = start_worker(env, tmp_path)
    await fake_slack.wait_for("chat.postMessage", 2, timeout=30)
    code, took, output = stop_worker(worker)
    assert code == 0 and took < 10, output
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        leased = await session.scalar(select(func.count()).where(OutboxMessage.status == "sending"))
    await engine.dispose()
    assert leased == 0, "in-flight rows went back to the queue"


async def test_the_embedded_dispatcher_sends_what_is_enqueued(
    database_url: str, fake_slack: FakeSlack, clock: ManualClock
) -> None:
    settings = bot_settings(
        database_url=database_url, slack=fake_slack, rotnem_outbox_poll_seconds=0.05
    )
    deps = build_deps(settings, clock=clock)
    app = build_server_app(deps, background=True)
    async with app.router.lifespan_context(app):
        async with deps.sessionmaker.begin() as session:
            await enqueue_text(
                session, "welcome:1", "Welcome to the program", channel="C0PROGRAM", now=clock.now()
            )
        [call] = await fake_slack.wait_for("chat.postMessage", 1, timeout=10)
    assert call.args["text"] == "Welcome to the program"
