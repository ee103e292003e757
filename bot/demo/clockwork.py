"""The background half of the bot, stepped by a simulated clock instead of running on its own.

`rotnem serve` runs APScheduler and the outbox dispatcher on the wall clock (bot/worker.py).
The demo needs weeks to pass in seconds, so it drives the same parts itself: the jobs of the
list (`bot.scheduler.JOBS`, run through `bot.scheduler.run_job`) and the real `Dispatcher`,
whose pacer measures time on the simulated clock (waiting for a pacing slot moves that clock
rather than sleeping).

Running every job at every step would be faithful but slow: people act thousands of times, and
each run reads the whole program. So the clock stops where something falls due (`Clockwork.
next_stop`) and runs there only the jobs it is due for: the weekly prompts at each zone's nudge
instant, the check-in job where a check-in or a "Not yet" reminder falls due, the dispatcher
where an outbox row does, and every job every `WATCH` hours regardless (stalled pairs, surveys,
ended pauses and cycles, follow-ups), as they would run every few minutes on the wall clock.
Jobs decide from the database what is due, so a run at any of these moments does what the
scheduler's next run would have done.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import ManualClock
from bot.delivery.config import DispatchConfig
from bot.delivery.dispatcher import Dispatcher
from bot.deps import Deps
from bot.install.tokens import dispatch_tokens
from bot.jobs import Job
from bot.jobs.checkins import CHECKINS_TICK
from bot.jobs.prompts import PROMPTS_TICK
from bot.notice_kinds import notice_kinds
from bot.scheduler import JOBS, run_job
from bot.services.calendar import next_prompt_at
from models import CheckIn, WeeklyPrompt

# The dispatcher sends what is due now; a retry or a paced row due within this is worth waiting
# for (the outbox is then empty before people act on what it sent), later ones wait for a step.
CATCH_UP = timedelta(minutes=5)
# Between the moments the tables name, the clock still stops at least this often and runs every
# job, so the jobs that watch slower things run several times a simulated day.
WATCH = timedelta(hours=6)


async def _due_after(
    session: AsyncSession, now: datetime
) -> tuple[datetime | None, datetime | None]:
    """The earliest check-in and "Not yet" reminder still to come, in one round trip."""
    row = (
        await session.execute(
            select(
                select(func.min(WeeklyPrompt.checkin_due_at))
                .where(
                    WeeklyPrompt.checkins_enqueued_at.is_(None), WeeklyPrompt.checkin_due_at > now
                )
                .scalar_subquery(),
                select(func.min(CheckIn.reminder_due_at))
                .where(CheckIn.reminded_at.is_(None), CheckIn.reminder_due_at > now)
                .scalar_subquery(),
            )
        )
    ).one()
    return row[0], row[1]


@dataclass(frozen=True)
class Stop:
    """Where the clock stops next, and what runs there."""

    at: datetime
    jobs: tuple[Job, ...] = ()
    deliver: bool = False  # an outbox row falls due
    watch: bool = False  # the regular stop every `WATCH` hours

    @property
    def idle(self) -> bool:
        """Nothing of the bot's falls due here: only people act."""
        return not self.jobs and not self.deliver


class Clockwork:
    """The bot's jobs and outbox dispatcher, run where the simulated clock reaches their time."""

    def __init__(
        self, deps: Deps, clock: ManualClock, http: aiohttp.ClientSession, zones: Iterable[str]
    ) -> None:
        self.deps = deps
        self.clock = clock
        # Every zone a participant may be in: a prompt instant of a zone nobody joined from
        # runs the prompt job for nothing, which is cheaper than asking the database.
        self.zones = frozenset(zones)
        self._nudge: tuple[int, int] | None = None  # (weekday, hour), read at each watch
        # Each zone's next prompt instant, worked out again once it has passed (or the nudge
        # changed): the clock stops thousands of times, a zone's prompt comes once a week.
        self._prompts: dict[str, datetime] = {}
        # When the next outbox row falls due, as the last drain left it (now: drain first).
        self._outbox_due: datetime | None = clock.now()
        config = DispatchConfig.from_settings(deps.settings)
        self._next_beat = clock.now()

        async def sleep(seconds: float) -> None:
            # Waiting for a pacing slot: time passes on the simulated clock, and the leases'
            # heartbeat beats on it.
            clock.advance(timedelta(seconds=seconds))
            await self._heartbeat()
            await asyncio.sleep(0)

        self.dispatcher = Dispatcher(
            sessionmaker=deps.sessionmaker,
            clock=clock,
            tokens=dispatch_tokens(deps, http),
            kinds=notice_kinds(),
            config=config,
            pacer=config.pacer(clock=lambda: clock.now().timestamp(), sleep=sleep),
        )

    async def _heartbeat(self) -> None:
        """Renew the held leases in one statement every `renew_every` simulated seconds, as
        `rotnem serve`'s heartbeat task does on the wall clock. Without it, a fan-out paced over
        simulated seconds renews each row's lease on its own before its post (`Leases.keep`)."""
        leases = self.dispatcher.leases
        now = self.clock.now()
        if now >= self._next_beat:
            self._next_beat = now + timedelta(seconds=leases.renew_every)
            await leases.renew_held()

    async def drain(self) -> None:
        """Deliver every outbox row that is due now or within `CATCH_UP`."""
        while True:
            due = await self.dispatcher.next_due()
            now = self.clock.now()
            if due is None or _aware(due) - now > CATCH_UP:
                self._outbox_due = None if due is None else _aware(due)
                return
            self.clock.set(max(_aware(due), now))
            await self.dispatcher.run_once()

    async def next_stop(self, team_id: str, until: datetime) -> Stop:
        """The next moment (after now) something of the bot's falls due, or ``until`` if
        people act first; with the jobs that have something due there."""
        now = self.clock.now()
        hours = int(WATCH.total_seconds() // 3600)
        watch = now.replace(minute=0, second=0, microsecond=0)
        watch += timedelta(hours=hours - watch.hour % hours)
        async with self.deps.sessionmaker() as session:
            if self._nudge is None:
                config = await self.deps.program_config(session, team_id)
                self._nudge = (config.nudge_weekday, config.nudge_hour)
            checkin, reminder = await _due_after(session, now)
        weekday, hour = self._nudge
        for tz in self.zones:
            if self._prompts.get(tz, now) <= now:
                self._prompts[tz] = next_prompt_at(now, tz, weekday, hour)
        moments: list[tuple[datetime, tuple[Job, ...]]] = [(watch, JOBS)]
        moments += [(at, (PROMPTS_TICK,)) for at in self._prompts.values()]
        moments += [(_aware(due), (CHECKINS_TICK,)) for due in (checkin, reminder) if due]
        outbox = self._outbox_due
        at = min([until, *(m for m, _ in moments), *([outbox] if outbox else [])])
        due = {job for moment, jobs in moments if moment == at for job in jobs}
        return Stop(
            at,
            jobs=tuple(job for job in JOBS if job in due),
            deliver=outbox is not None and outbox <= at,
            watch=at == watch,
        )

    async def step(self, stop: Stop) -> None:
        """What the background does at ``stop``, the clock standing there."""
        await self.drain()
        for job in stop.jobs:
            await run_job(job, self.deps)
        if stop.jobs:
            await self.drain()
        if stop.watch:
            # The program's settings are read again at the next stop.
            self._nudge = None
            self._prompts.clear()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
