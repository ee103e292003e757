"""The background half (the dispatcher) where it runs: embedded in `rotnem serve`, and real
`python -m bot worker` processes killed with SIGKILL mid-queue (the rows they held delivered by
the next worker within 5 s), two at once on PostgreSQL, two live dispatchers while Slack answers
slower than a lease, and stopped with SIGTERM. Each message must reach Slack exactly once."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, select

from bot.clock import ManualClock, SystemClock
from bot.db import create_engine, create_sessionmaker
from bot.delivery.config import DispatchConfig
from bot.delivery.dispatcher import Dispatcher
from bot.deps import build_deps
from bot.install.tokens import SingleToken
from bot.notice_kinds import notice_kinds
from bot.runtime import build_server_app
from bot.sandbox import FakeSlack
from models import OutboxMessage
from tests.factories import (
    BOT_TOKEN,
    BOTH_BACKENDS,
    bare_environment,
    bot_settings,
    deliveries,
    enqueue_text,
    start_rotnem,
)


def worker_env(database_url: str, slack: FakeSlack, **extra: str) -> dict[str, str]:
    settings = {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "WARNING",
        "ROTNEM_OUTBOX_POLL_SECONDS": "0.05",
        "ROTNEM_POST_RATE_PER_MINUTE": "1200",
        "ROTNEM_OUTBOX_CONCURRENCY": "4",
        "ROTNEM_OPEN_RATE_PER_MINUTE": "600",
    }
    return bare_environment(**{**settings, **extra})


def start_worker(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return start_rotnem("worker", env=env, cwd=cwd)


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


async def statuses(database_url: str) -> dict[int, str]:
    engine = create_engine(database_url)
    async with create_sessionmaker(engine)() as session:
        found = await session.execute(select(OutboxMessage.id, OutboxMessage.status))
        by_id = {int(row_id): str(status) for row_id, status in found.all()}
    await engine.dispose()
    return by_id


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


@BOTH_BACKENDS
async def test_after_kill_9_the_next_worker_delivers_the_rows_it_held_within_5_seconds(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    await fill(database_url, 12)
    # One post a second: the worker holds rows (claimed, leased, waiting their turn) when killed.
    first = start_worker(
        worker_env(database_url, fake_slack, ROTNEM_POST_RATE_PER_MINUTE="60"), tmp_path
    )
    try:
        await fake_slack.wait_for("chat.postMessage", 2, timeout=30)
    finally:
        first.kill()
        first.communicate(timeout=10)
    held = [
        row_id for row_id, status in (await statuses(database_url)).items() if status == "sending"
    ]
    assert held, "the kill must land while the worker holds rows"

    restarted = time.monotonic()
    second = start_worker(worker_env(database_url, fake_slack), tmp_path)
    try:
        while True:
            now = await statuses(database_url)
            if all(now[row_id] == "sent" for row_id in held):
                took = time.monotonic() - restarted
                break
            assert time.monotonic() - restarted < 30, f"not delivered: {now}"
            await asyncio.sleep(0.05)
        await wait_until_drained(database_url, timeout=30)
    finally:
        code, _, output = stop_worker(second)
    assert took < 5, f"the rows the killed worker held took {took:.1f}s after the restart"
    assert code == 0, output
    assert [n for n in deliveries(fake_slack).values() if n > 1] == [], "no duplicates"
    assert len(deliveries(fake_slack)) == 12


@BOTH_BACKENDS
async def test_a_live_dispatcher_keeps_a_row_whose_post_outlasts_its_lease(
    database_url: str, fake_slack: FakeSlack
) -> None:
    await fill(database_url, 1)
    # Slack takes three leases to answer; another dispatcher polls the queue all the while.
    config = DispatchConfig(lease_seconds=0.5, poll_seconds=0.02, post_rate_per_minute=6000)
    fake_slack.delay("chat.postMessage", 3 * config.lease_seconds)
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        client = AsyncWebClient(
            token=BOT_TOKEN, base_url=fake_slack.api_url, session=http, retry_handlers=[]
        )
        dispatchers = [
            Dispatcher(
                sessionmaker=sessionmaker,
                clock=SystemClock(),
                tokens=SingleToken(client, sessionmaker, SystemClock()),
                kinds=notice_kinds(),
                config=config,
            )
            for _ in range(2)
        ]
        running = [asyncio.create_task(dispatcher.run()) for dispatcher in dispatchers]
        try:
            counts = await wait_until_drained(database_url, timeout=10)
        finally:
            for dispatcher in dispatchers:
                dispatcher.stop()
            await asyncio.gather(*running)
    await engine.dispose()
    assert counts == {"sent": 1}
    assert fake_slack.count("chat.postMessage") == 1, "never taken over while it was renewed"
    assert fake_slack.count("conversations.history") == 0


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
