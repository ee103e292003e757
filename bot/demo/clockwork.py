"""The background half of the bot, stepped by a simulated clock instead of running on its own.

`rotnem serve` runs APScheduler and the outbox dispatcher on the wall clock (bot/worker.py).
The demo needs weeks to pass in seconds, so it drives the same parts itself: the jobs of the
list (`bot.scheduler.JOBS`, run through `bot.scheduler.run_job`) fire when their own
triggers say so, with APScheduler's settings (coalesce: one run for any number of missed
fire times), and the real `Dispatcher` drains the outbox, its pacer measuring time on the
simulated clock (waiting for a pacing slot moves that clock rather than sleeping).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.delivery.dispatcher import DispatchConfig, Dispatcher
from bot.deps import Deps
from bot.install.tokens import dispatch_tokens
from bot.jobs import Job
from bot.notice_kinds import notice_kinds
from bot.scheduler import JOBS, run_job
from bot.services.calendar import next_prompt_at
from models import CheckIn, Participant, WeeklyPrompt

_TICK = timedelta(microseconds=1)
# The dispatcher sends what is due now; a retry or a paced row due within this is worth waiting
# for (the outbox is then empty before people act on what it sent), later ones wait for a step.
CATCH_UP = timedelta(minutes=5)
# Between the moments the tables name, the clock still stops at least this often, so the
# jobs that watch slower things (stalled pairs, ended pauses, ended cycles) run several times
# a day, as they would every few minutes on the wall clock.
WATCH = timedelta(hours=6)


class Clockwork:
    """Registered jobs and the outbox dispatcher, run when the simulated clock says so."""

    def __init__(self, deps: Deps, clock: ManualClock, http: aiohttp.ClientSession) -> None:
        self.deps = deps
        self.clock = clock
        self.jobs: tuple[Job, ...] = JOBS
        now = clock.now()
        self._next: dict[str, datetime | None] = {
            job.id: job.trigger.get_next_fire_time(None, now) for job in self.jobs
        }
        config = DispatchConfig.from_settings(deps.settings)

        async def sleep(seconds: float) -> None:
            # Waiting for a pacing slot: time passes on the simulated clock.
            clock.advance(timedelta(seconds=seconds))
            await asyncio.sleep(0)

        self.dispatcher = Dispatcher(
            sessionmaker=deps.sessionmaker,
            clock=clock,
            tokens=dispatch_tokens(deps, http),
            kinds=notice_kinds(),
            config=config,
            pacer=config.pacer(clock=lambda: clock.now().timestamp(), sleep=sleep),
        )

    async def run_due_jobs(self) -> int:
        """Run, once each, the jobs whose trigger fired since they last ran; how many ran."""
        now = self.clock.now()
        ran = 0
        for job in self.jobs:
            due = self._next.get(job.id)
            if due is None or due > now:
                continue
            self._next[job.id] = job.trigger.get_next_fire_time(None, now + _TICK)
            await run_job(job, self.deps)
            ran += 1
        return ran

    async def drain(self) -> None:
        """Deliver every outbox row that is due now or within `CATCH_UP`."""
        while True:
            if await self.dispatcher.run_once():
                continue
            due = await self.dispatcher.next_due()
            now = self.clock.now()
            if due is None or due - now > CATCH_UP:
                break
            self.clock.set(max(due, now))

    async def next_moment(self, team_id: str, until: datetime) -> datetime:
        """The next moment (after now, at most ``until``) a job has something to do.

        Hourly steps would be faithful but slow (each step runs every job); instead the clock
        stops where the keep-alive tables say something falls due: each participant zone's
        weekly nudge instant, a check-in due, a "Not yet" reminder due, an outbox retry, and
        every `WATCH` hours regardless. Everything due is still decided by the jobs themselves.
        """
        now = self.clock.now()
        watch = now.replace(minute=0, second=0, microsecond=0)
        watch += WATCH - timedelta(hours=watch.hour % int(WATCH.total_seconds() // 3600))
        moments = [until, watch if watch > now else now + WATCH]
        async with self.deps.sessionmaker() as session:
            config = await self.deps.program_config(session, team_id)
            zones = await session.scalars(
                select(Participant.tz).distinct().where(Participant.team_id == team_id)
            )
            for tz in zones:
                moments.append(next_prompt_at(now, tz, config.nudge_weekday, config.nudge_hour))
            moments.extend(
                moment
                for moment in (
                    await session.scalar(
                        select(func.min(WeeklyPrompt.checkin_due_at)).where(
                            WeeklyPrompt.checkins_enqueued_at.is_(None),
                            WeeklyPrompt.checkin_due_at > now,
                        )
                    ),
                    await session.scalar(
                        select(func.min(CheckIn.reminder_due_at)).where(
                            CheckIn.reminded_at.is_(None), CheckIn.reminder_due_at > now
                        )
                    ),
                    await self.dispatcher.next_due(),
                )
                if moment is not None
            )
        later = [_aware(m) for m in moments if _aware(m) > now]
        return min(later) if later else until

    async def tick(self) -> None:
        """What the background does at the current simulated moment."""
        await self.drain()
        if await self.run_due_jobs():
            await self.drain()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
