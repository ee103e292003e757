"""APScheduler wiring: one AsyncIOScheduler per process, running the jobs of `bot.jobs`.

Settings that make a late, doubled or missed run harmless (engineering-facts A.4, A.7):
timezone UTC (no DST surprises), `coalesce=True` (after a stall, run once, not once per missed
interval), `max_instances=1`, a misfire grace of hours rather than APScheduler's default of one
second, stable job ids with `replace_existing=True`. The in-memory job store is deliberate: jobs
derive what is due from the database, so no job state needs to survive a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC

from apscheduler.events import EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.deps import Deps
from bot.jobs import (
    DEFAULT_MISFIRE_GRACE,
    Job,
    checkins,
    enrollment,
    events,
    learning,
    prompts,
    rounds,
    stalls,
    surveys,
)
from bot.outage import Outage, is_unavailable

logger = logging.getLogger(__name__)

# Every periodic job of the bot, in one list.
JOBS: tuple[Job, ...] = (
    prompts.PROMPTS_TICK,
    checkins.CHECKINS_TICK,
    stalls.STALLS_TICK,
    surveys.SURVEYS_TICK,
    rounds.END_DUE_CYCLES,
    enrollment.RESUME_DUE_PAUSES,
    events.FORGET_OLD_EVENTS,
    learning.FOLLOW_UPS,
)


async def run_job(job: Job, deps: Deps, outage: Outage | None = None) -> None:
    """Run one job, logging how long it took; an exception is logged, never fatal.

    A database that is unavailable is one line, not a traceback per run: once per outage when
    the scheduler's `outage` is given (a lone run logs its own line).
    """
    started = time.perf_counter()
    try:
        await job.func(deps)
    except Exception as exc:
        if is_unavailable(exc):
            outage = outage or Outage(logger, "Scheduler", deps.clock)
            outage.failed(exc, f"job {job.id} runs again at its next time")
        else:
            logger.exception("Job %s failed; it runs again at its next time", job.id)
        return
    if outage is not None:
        outage.recovered()
    logger.debug("Job %s took %.3fs", job.id, time.perf_counter() - started)


def _missed(event: JobEvent) -> None:
    logger.warning("Job %s missed its run at %s", event.job_id, event.scheduled_run_time)


def build_scheduler(deps: Deps, jobs: Iterable[Job] = JOBS) -> AsyncIOScheduler:
    """A scheduler (not started) with every job of the bot, or the given ones."""
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": DEFAULT_MISFIRE_GRACE,
        },
    )
    # Shared by the jobs: one warning when the database goes away, whichever job meets it first.
    outage = Outage(logger, "Scheduler", deps.clock)
    for job in jobs:
        scheduler.add_job(
            run_job,
            trigger=job.trigger,
            args=[job, deps, outage],
            id=job.id,
            name=job.id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=job.misfire_grace_time,
        )
    scheduler.add_listener(_missed, EVENT_JOB_MISSED)
    return scheduler
