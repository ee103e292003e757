"""Every 15 minutes, the mid- and end-of-cycle surveys whose day has come, and their one reminder.

Keys name the person and stage (`survey:<pair>:<participant>:<stage>`,
`survey-again:<pair>:<participant>:<stage>`), so running late, twice or in two processes asks
once. The end survey is due days before a cycle's end date (see `bot.services.surveys`), so it
always goes out before the end-of-cycle job ends the pairs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.jobs import Job, every, for_each_team
from bot.services import surveys

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SurveyRun:
    """What one run enqueued: surveys, and reminders."""

    asked: int = 0
    reminded: int = 0


async def enqueue_surveys(deps: Deps) -> SurveyRun:
    """The surveys and reminders that are due now."""
    zone = deps.settings.zone

    async def ask(session: AsyncSession, team_id: str) -> int:
        return await surveys.enqueue_due_surveys(session, team_id, now=deps.clock.now(), zone=zone)

    async def remind(session: AsyncSession, team_id: str) -> int:
        return await surveys.enqueue_due_survey_reminders(
            session, team_id, now=deps.clock.now(), zone=zone
        )

    asked = sum(await for_each_team(deps, ask))
    return SurveyRun(asked=asked, reminded=sum(await for_each_team(deps, remind)))


async def surveys_tick(deps: Deps) -> None:
    run = await enqueue_surveys(deps)
    if run.asked or run.reminded:
        logger.info("Surveys: %d asked, %d reminder(s) enqueued", run.asked, run.reminded)


SURVEYS_TICK = Job("surveys-tick", every(minutes=15), surveys_tick)
