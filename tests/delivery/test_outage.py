"""The dispatcher's run loop while its database goes away and comes back (a SQLite folder moved
away, a PostgreSQL database refusing and ending connections): it backs off, logs one warning
and one line on recovery, and delivers what waited."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.pool import NullPool

from bot.clock import ManualClock
from bot.db import create_engine
from bot.sandbox import FakeSlack
from tests.databases import Unpluggable
from tests.factories import (
    BOTH_BACKENDS,
    Outbox,
    deliveries,
    eventually,
    eventually_async,
    make_config,
    outbox_on,
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
    # Backing off from 10 ms to 40 ms stands for 1 s to 30 s.
    config = make_config(poll_seconds=0.01, outage_backoff_first=0.01, outage_backoff_max=0.04)
    async with outbox_on(engine, slack=fake_slack, clock=clock, config=config) as outbox:
        now = clock.now()
        await outbox.add("before", channel="C0OUTAGE1")
        await outbox.add("after", channel="C0OUTAGE1", not_before=now + timedelta(minutes=1))
        dispatcher = outbox.dispatcher
        running = asyncio.create_task(dispatcher.run())
        try:
            await eventually_async(lambda: sent(outbox), timeout=10)
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


async def sent(outbox: Outbox) -> bool:
    return any(row.status == "sent" for row in await outbox.rows())


def retries(caplog: pytest.LogCaptureFixture) -> list[float]:
    """The delays the run loop announced before its next tries, in order."""
    return [float(d) for m in messages(caplog) for d in re.findall(r"next try in ([\d.]+)s", m)]
