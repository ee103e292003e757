"""The dispatcher's run loop while its database goes away and comes back (a SQLite folder moved
away, a PostgreSQL database refusing and ending connections): it backs off, logs one warning
and one line on recovery, and delivers what waited."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.pool import NullPool

from bot.clock import ManualClock
from bot.db import SessionMaker, create_engine, create_sessionmaker
from bot.delivery.outbox import enqueue
from bot.sandbox import FakeSlack
from bot.services.notices import Rendered
from models import OutboxMessage
from tests.databases import Unpluggable
from tests.factories import (
    BOTH_BACKENDS,
    TEAM,
    deliveries,
    eventually,
    eventually_async,
    kinds_with_tests,
    make_config,
    make_dispatcher,
    rows,
)

LOGGER = "bot.delivery.dispatcher"


def messages(caplog: pytest.LogCaptureFixture, level: int | None = None) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == LOGGER and (level is None or record.levelno == level)
    ]


@BOTH_BACKENDS
async def test_while_the_database_is_down_the_dispatcher_backs_off_and_logs_once(
    database_url: str,
    fake_slack: FakeSlack,
    clock: ManualClock,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    database = Unpluggable(database_url, tmp_path)
    engine = create_engine(database.url, poolclass=NullPool)
    sessionmaker = create_sessionmaker(engine)
    now = clock.now()
    async with sessionmaker.begin() as session:
        for key, not_before in (("before", now), ("after", now + timedelta(minutes=1))):
            await enqueue(
                session,
                team_id=TEAM,
                dedupe_key=key,
                notice=Rendered(text=key),
                channel="C0OUTAGE1",
                now=now,
                not_before=not_before,
            )
    # Backing off from 10 ms to 40 ms stands for 1 s to 30 s.
    config = make_config(poll_seconds=0.01, outage_backoff_first=0.01, outage_backoff_max=0.04)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http:
        dispatcher = make_dispatcher(
            sessionmaker=sessionmaker,
            clock=clock,
            slack=fake_slack,
            http=http,
            kinds=kinds_with_tests(),
            config=config,
        )
        running = asyncio.create_task(dispatcher.run())
        try:
            await eventually_async(lambda: sent(sessionmaker), timeout=10)
            database.unplug()
            await eventually(lambda: len(retries(caplog)) >= 8, timeout=10)
            clock.advance(timedelta(seconds=42))
            database.plug()
            await eventually(lambda: "is back" in messages(caplog)[-1], timeout=10)
            clock.advance(timedelta(minutes=1))
            await fake_slack.wait_for("chat.postMessage", 2, timeout=10)
        finally:
            dispatcher.stop()
            await running
    await engine.dispose()

    assert len(deliveries(fake_slack)) == 2, "what waited is sent once the database is back"
    records = [record for record in caplog.records if record.name == LOGGER]
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR or r.exc_info] == []
    [warning] = messages(caplog, logging.WARNING)
    assert f"Outbox dispatcher {dispatcher.owner}: the database is unavailable (" in warning
    delays = retries(caplog)
    assert delays[:4] == [0.01, 0.02, 0.04, 0.04] and max(delays) == 0.04
    back = [m for m in messages(caplog, logging.INFO) if "back" in m]
    assert back == [
        f"Outbox dispatcher {dispatcher.owner}: the database is back (unavailable for 42s)"
    ]


async def sent(sessionmaker: SessionMaker) -> bool:
    return bool(await rows(sessionmaker, OutboxMessage, status="sent"))


def retries(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The delays the run loop announced before its next tries, in order."""
    return [float(d) for m in messages(caplog) for d in re.findall(r"next try in ([\d.]+)s", m)]
