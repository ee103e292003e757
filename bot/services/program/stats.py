"""`/rotnem admin stats`: what HR reads without reading anyone's conversation.

The figures are the program's (`bot.services.figures`) over the current cycle, so they read the
same as on the Home tab and in the report. At-risk pairs are the stalls the stall job (every 15
minutes) alerted HR about and that still last, so the stats never scan every pair's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import ProgramFigures, cycle_start, program_figures
from bot.services.program.settings import ProgramConfig
from bot.services.stalls import open_stalls


@dataclass(frozen=True)
class StatsView:
    """The figures of `/rotnem admin stats` for one workspace."""

    figures: ProgramFigures
    at_risk: Sequence[tuple[str, str, int]]  # (guide, learner, silent weeks)


async def program_stats(
    session: AsyncSession, team_id: str, config: ProgramConfig, *, now: datetime, zone: ZoneInfo
) -> StatsView:
    """The program's figures this cycle, and the at-risk pairs."""
    since = await cycle_start(session, team_id, config, now)
    figures = await program_figures(session, team_id, now=now, since=since)
    risks = await open_stalls(session, team_id, now=now, zone=zone)
    return StatsView(figures, [(r.guide, r.learner, r.silent_weeks) for r in risks])
