"""Every minute, the weekly prompts that are due in each learner's own zone.

Everything due is decided from the database and the clock and enqueued with natural keys
(`prompt:<pair>:<week>`), so a late run, a restart or two workers at once never send twice and
never skip what is still due.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.jobs import Job, every, for_each_team
from bot.services.prompts.tick import PromptRun, enqueue_due_prompts

logger = logging.getLogger(__name__)


async def enqueue_prompts(deps: Deps, *, force: bool = False) -> PromptRun:
    """This week's prompts that are due (`force`: for every pair without one, now)."""

    async def team(session: AsyncSession, team_id: str) -> PromptRun:
        config = await deps.program_config(session, team_id)
        return await enqueue_due_prompts(
            session, team_id, config, now=deps.clock.now(), force=force
        )

    runs = await for_each_team(deps, team)
    return PromptRun(sum(r.sent for r in runs), sum(r.skipped for r in runs))


async def prompts_tick(deps: Deps) -> None:
    run = await enqueue_prompts(deps)
    if run.sent or run.skipped:
        logger.info(
            "Weekly prompts: %d enqueued, %d pair(s) skipped (paused)", run.sent, run.skipped
        )


PROMPTS_TICK = Job("prompts-tick", every(minutes=1), prompts_tick)
