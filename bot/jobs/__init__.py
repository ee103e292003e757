"""Periodic jobs: each module names its jobs as `Job` values; `bot.scheduler.JOBS` lists them.

A job *decides what is due* from the database and enqueues notices; it never talks to Slack.
With dedupe keys that name the period (`prompt:<pair_id>:2026-W48`), running a job twice, late,
after downtime, or in two processes at once cannot send anything twice. That is also why jobs
live in APScheduler's in-memory store: each process runs its own scheduler, and nothing relies on
a shared job store (which APScheduler 3.x cannot coordinate) or on replaying missed runs.

    async def forget_old_events(deps: Deps) -> None:
        async with deps.sessionmaker.begin() as session:
            await events.forget_old_events(session, deps.clock.now())

    FORGET_OLD_EVENTS = Job("events-forget-old", every(minutes=30), forget_old_events)

Catching up after downtime comes from the job reading state, not from the scheduler: the first
tick after a restart finds the overdue period and enqueues it once.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.outage import is_unavailable
from bot.services.rounds.queries import teams_with_active_pairs

logger = logging.getLogger(__name__)

T = TypeVar("T")
JobFunc = Callable[[Deps], Awaitable[None]]

# How late a run may still start (s): generous, since a late enqueue is harmless and a skipped
# one is the failure users notice.
DEFAULT_MISFIRE_GRACE = 6 * 3600


@dataclass(frozen=True)
class Job:
    """A periodic job: a stable `id`, when it runs, and an async function of the `Deps`."""

    id: str
    trigger: BaseTrigger
    func: JobFunc
    misfire_grace_time: int | None = DEFAULT_MISFIRE_GRACE


def every(*, minutes: int = 0, seconds: int = 0, hours: int = 0) -> BaseTrigger:
    """An interval trigger in UTC."""
    return IntervalTrigger(hours=hours, minutes=minutes, seconds=seconds, timezone=UTC)


async def for_each_team(deps: Deps, work: Callable[[AsyncSession, str], Awaitable[T]]) -> list[T]:
    """`work` once per program with running pairs (a workspace's programs one by one, each
    read at its own settings by its key), each in a transaction of its own: a program whose
    share fails (a bug, or a row no version foresaw) is rolled back and logged, and the
    programs after it still get theirs; the results of those that ran. A database that cannot
    be reached stops the run (every share would fail; the job's outage handling says so once).
    A closed program has no running pair: it is not listed, and nothing is sent for it."""
    async with deps.sessionmaker() as session:
        teams = await teams_with_active_pairs(session)
    results = []
    for team_id in teams:
        try:
            with _collector_paused():
                async with deps.sessionmaker.begin() as session:
                    results.append(await work(session, team_id))
        except Exception as exc:
            if is_unavailable(exc):
                raise
            logger.exception("Program %s was skipped in this run; the others went on", team_id)
    return results


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off for one workspace's run. A weekly fan-out allocates a few
    hundred thousand short-lived objects in one burst, which set off full collections of the
    whole heap, a fifth of the run's CPU; reference counting frees them all the same, and any
    cycle among them waits for the next collection after. Left off if something else had
    turned it off, and turned on again by whichever run turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def tidying_job(
    job_id: str,
    trigger: BaseTrigger,
    work: Callable[[AsyncSession, datetime], Awaitable[int]],
    done: str,
    *,
    level: int = logging.INFO,
) -> Job:
    """A job that runs `work(session, now)` in one transaction and logs `done` with the count it
    returns, when there was anything to do."""
    logger = logging.getLogger(f"bot.jobs.{job_id}")

    async def run(deps: Deps) -> None:
        async with deps.sessionmaker.begin() as session:
            count = await work(session, deps.clock.now())
        if count:
            logger.log(level, done, count)

    return Job(job_id, trigger, run)
