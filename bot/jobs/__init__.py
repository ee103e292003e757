"""Periodic jobs: the registry later features add to, and small helpers for their triggers.

A job *decides what is due* from the database and enqueues outbox rows; it never talks to Slack.
With dedupe keys that name the period (`nudge:<pair_id>:2026-W48`), running a job twice, late,
after downtime, or in two processes at once cannot send anything twice. That is also why jobs
live in APScheduler's in-memory store: each process runs its own scheduler, and nothing relies on
a shared job store (which APScheduler 3.x cannot coordinate) or on replaying missed runs.

    from bot.jobs import every, job

    @job("nudge-tick", every(minutes=1))
    async def nudge_tick(deps: Deps) -> None:
        async with deps.sessionmaker.begin() as session:
            await services.nudges.enqueue_due(session, now=deps.clock.now())

Catching up after downtime comes from the job reading state, not from the scheduler: the first
tick after a restart finds the overdue period and enqueues it once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import Deps

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


_JOBS: dict[str, Job] = {}


def register_job(job_: Job) -> Job:
    """Add a job; the same id again replaces it (ids are stable across restarts and processes)."""
    _JOBS[job_.id] = job_
    return job_


def unregister_job(job_id: str) -> None:
    _JOBS.pop(job_id, None)


def job(
    job_id: str, trigger: BaseTrigger, *, misfire_grace_time: int | None = DEFAULT_MISFIRE_GRACE
) -> Callable[[JobFunc], JobFunc]:
    """Decorator form of `register_job`."""

    def decorate(func: JobFunc) -> JobFunc:
        register_job(Job(job_id, trigger, func, misfire_grace_time))
        return func

    return decorate


def registered_jobs() -> list[Job]:
    return list(_JOBS.values())


def every(*, minutes: int = 0, seconds: int = 0, hours: int = 0) -> BaseTrigger:
    """An interval trigger in UTC."""
    return IntervalTrigger(hours=hours, minutes=minutes, seconds=seconds, timezone=UTC)


def cron(**fields: Any) -> BaseTrigger:
    """A cron trigger in UTC (weekdays by name: `day_of_week="mon"`; 3.x counts Monday as 0)."""
    return CronTrigger(timezone=UTC, **fields)


def iso_week(moment: datetime) -> str:
    """The ISO week of `moment` as a dedupe-key period, e.g. `2026-W48`."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"
