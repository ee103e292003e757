"""Jobs only enqueue: running one twice, late, or after downtime sends nothing twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.pool import NullPool

from bot.clock import ManualClock
from bot.config import load_settings
from bot.db import create_engine, create_sessionmaker
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.jobs import Job, every
from bot.scheduler import JOBS, build_scheduler, run_job
from bot.services.calendar import iso_week
from bot.services.notices import Rendered
from models import OutboxMessage
from tests.databases import Unpluggable
from tests.factories import TEAM, rows


@pytest.fixture
async def deps(database_url: str, clock: ManualClock) -> AsyncIterator[Deps]:
    settings = load_settings(_env_file=None, database_url=database_url)
    engine = create_engine(database_url)
    yield Deps(
        settings=settings, engine=engine, sessionmaker=create_sessionmaker(engine), clock=clock
    )
    await engine.dispose()


async def weekly_digest(deps: Deps) -> None:
    """What a real job looks like: decide from the clock (and the database), then enqueue."""
    now = deps.clock.now()
    async with deps.sessionmaker.begin() as session:
        await enqueue(
            session,
            team_id=TEAM,
            dedupe_key=f"digest:{iso_week(now)}",
            notice=Rendered(text=f"Your week {iso_week(now)}"),
            channel="C0PROGRAM",
            now=now,
        )


async def digest_keys(deps: Deps) -> list[str]:
    return [row.dedupe_key for row in await rows(deps.sessionmaker, OutboxMessage)]


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_a_job_run_twice_for_the_same_period_enqueues_nothing_new(
    deps: Deps, clock: ManualClock
) -> None:
    digest = Job("test-digest", every(minutes=1), weekly_digest)
    await run_job(digest, deps)
    clock.advance(timedelta(hours=30))
    await asyncio.gather(run_job(digest, deps), run_job(digest, deps))  # e.g. two processes
    assert await digest_keys(deps) == ["digest:2026-W48"]


async def test_after_downtime_the_missed_period_is_caught_up_once(
    deps: Deps, clock: ManualClock
) -> None:
    digest = Job("test-digest", every(minutes=1), weekly_digest)
    await run_job(digest, deps)
    clock.advance(timedelta(weeks=3))  # the bot was down for three weekly runs
    await run_job(digest, deps)
    await run_job(digest, deps)
    assert await digest_keys(deps) == ["digest:2026-W48", "digest:2026-W51"]


async def test_missed_runs_are_coalesced_into_one(deps: Deps) -> None:
    runs: list[datetime] = []

    async def count(_deps: Deps) -> None:
        runs.append(datetime.now(UTC))

    tick = Job("test-tick", every(minutes=1), count)
    scheduler = build_scheduler(deps, [tick])
    scheduler.start(paused=True)
    try:
        # As if the process had been stopped (or the loop stalled) for five ticks.
        scheduler.modify_job("test-tick", next_run_time=datetime.now(UTC) - timedelta(minutes=5))
        scheduler.resume()
        for _ in range(100):
            if runs:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        assert len(runs) == 1
        assert scheduler.get_job("test-tick").next_run_time > datetime.now(UTC)
    finally:
        scheduler.shutdown(wait=False)


async def test_the_scheduler_runs_the_bots_jobs_in_utc_with_safe_defaults(deps: Deps) -> None:
    async def listed(_deps: Deps) -> None:
        return None

    extra = Job("test-listed", every(minutes=1), listed, misfire_grace_time=600)
    scheduler = build_scheduler(deps, jobs=(*JOBS, extra))
    scheduler.start(paused=True)
    try:
        assert {job.id for job in scheduler.get_jobs()} == {job.id for job in (*JOBS, extra)}
        aps_job = scheduler.get_job("test-listed")
        assert aps_job.coalesce is True
        assert aps_job.max_instances == 1
        assert aps_job.misfire_grace_time == 600
        assert str(scheduler.timezone) == "UTC"
    finally:
        scheduler.shutdown(wait=False)


async def test_a_failing_job_is_logged_and_does_not_stop_the_scheduler(
    deps: Deps, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(_deps: Deps) -> None:
        raise RuntimeError("no database")

    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        await run_job(Job("test-boom", every(minutes=1), boom), deps)
    assert "Job test-boom failed" in caplog.text


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
async def test_jobs_meeting_an_unavailable_database_log_one_line_per_outage(
    database_url: str, tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    database = Unpluggable(database_url, tmp_path)
    engine = create_engine(database.url, poolclass=NullPool)
    deps = Deps(
        settings=load_settings(_env_file=None, database_url=database.url),
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        clock=clock,
    )
    digest = Job("test-digest", every(minutes=1), weekly_digest)
    # Run as APScheduler runs them: with the arguments the scheduler was given.
    scheduled = build_scheduler(deps, [digest, *JOBS[:2]]).get_jobs()
    caplog.set_level(logging.DEBUG, logger="bot.scheduler")
    database.unplug()
    try:
        for _ in range(3):  # three minutes of ticks
            for job in scheduled:
                await run_job(*job.args)
            clock.advance(timedelta(minutes=1))
    finally:
        database.plug()
    await run_job(*scheduled[0].args)
    keys = await digest_keys(deps)
    await engine.dispose()

    records = [record for record in caplog.records if record.name == "bot.scheduler"]
    assert [r for r in records if r.levelno >= logging.ERROR or r.exc_info] == []
    [warning] = [r.getMessage() for r in records if r.levelno == logging.WARNING]
    assert warning.startswith("Scheduler: the database is unavailable (")
    assert warning.endswith("job test-digest runs again at its next time")
    [back] = [r.getMessage() for r in records if r.levelno == logging.INFO]
    assert back == "Scheduler: the database is back (unavailable for 180s)"
    assert keys == ["digest:2026-W48"], "the job did its work once the database was back"
