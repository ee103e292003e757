"""Every minute, the check-ins due days after each prompt and the "Not yet" reminders due.

Keys name the person and week (`checkin:<pair>:<user>:<week>`,
`checkin-again:<pair>:<user>:<week>`), so running late, twice or in two processes asks once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.jobs import Job, every, for_each_team
from bot.services import checkins

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckinRun:
    """What one run enqueued: first check-ins, and "Not yet" reminders."""

    asked: int = 0
    reminded: int = 0


async def enqueue_checkins(deps: Deps, *, force: bool = False) -> CheckinRun:
    """Check-ins and reminders that are due (`force`: this week's check-ins, now)."""

    now = deps.clock.now()
    today = now.astimezone(deps.settings.zone).date()

    async def program(session: AsyncSession, team_id: str) -> CheckinRun:
        # The program on a break: nobody is asked (`force` asks anyway); read once for both.
        skip = not force and (await deps.program_config(session, team_id)).paused_on(today)
        asked = await checkins.enqueue_due_checkins(
            session, team_id, now=now, force=force, skip=skip
        )
        reminded = await checkins.enqueue_due_reminders(session, team_id, now=now, skip=skip)
        return CheckinRun(asked=asked, reminded=reminded)

    runs = await for_each_team(deps, program)
    return CheckinRun(sum(r.asked for r in runs), sum(r.reminded for r in runs))


async def checkins_tick(deps: Deps) -> None:
    run = await enqueue_checkins(deps)
    if run.asked or run.reminded:
        logger.info("Check-ins: %d asked, %d reminder(s) enqueued", run.asked, run.reminded)


CHECKINS_TICK = Job("checkins-tick", every(minutes=1), checkins_tick)
