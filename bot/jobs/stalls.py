"""Every 15 minutes, pairs that reported no session for the program's stall weeks, for HR.

Alert keys name the stall (`stall:<pair>:<week>:<admin>`): one alert per stall, however often
or wherever this runs.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.deps import Deps
from bot.jobs import Job, every, for_each_team
from bot.services import stalls

logger = logging.getLogger(__name__)


async def detect_stalls(deps: Deps) -> int:
    """Alert HR about every new stall; how many were new."""

    async def team(session: AsyncSession, team_id: str) -> int:
        config = await deps.program_config(session, team_id)
        return await stalls.detect_stalls(
            session,
            team_id,
            config,
            now=deps.clock.now(),
            zone=deps.settings.zone,
            admins=deps.settings.rotnem_admins,
        )

    return sum(await for_each_team(deps, team))


async def stalls_tick(deps: Deps) -> None:
    found = await detect_stalls(deps)
    if found:
        logger.info("%d stalled pair(s) reported to HR", found)


STALLS_TICK = Job("stalls-tick", every(minutes=15), stalls_tick)
