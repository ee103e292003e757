"""Pauses end by themselves: flip the ones whose date has passed back to active.

Nothing depends on this having run (an expired pause already counts as over everywhere); the
job keeps the rows and the state-change log tidy.
"""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.jobs import Job, every
from bot.services.enrollment.lifecycle import resume_due_pauses

logger = logging.getLogger(__name__)


async def resume_due_pauses_job(deps: Deps) -> None:
    async with deps.sessionmaker.begin() as session:
        resumed = await resume_due_pauses(session, deps.clock.now())
    if resumed:
        logger.info("Resumed %d participant(s) whose pause ended", resumed)


RESUME_DUE_PAUSES = Job("enrollment-resume-due-pauses", every(minutes=10), resume_due_pauses_job)
