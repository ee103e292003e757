"""`/rotnem admin stats`: what HR reads without reading anyone's conversation (and the two
figures `/rotnem admin programs` shows of each program, `program_summary`).

The figures are the program's (`bot.services.figures`) over the current cycle, so they read the
same as on the Home tab and in the report. At-risk pairs are the stalls the stall job (every 15
minutes) alerted HR about and that still last, so the stats never scan every pair's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.figures import ProgramFigures, cycle_start, pairs, participants, program_figures
from bot.services.program.programs import Program
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
    risks = await open_stalls(session, team_id, config, now=now, zone=zone)
    return StatsView(figures, [(r.guide, r.learner, r.silent_weeks) for r in risks])


@dataclass(frozen=True)
class ProgramSummary:
    """A program as `/rotnem admin programs` lists it: whether it runs, and two of its figures
    as `bot.services.figures` defines them (so they read as in the stats)."""

    program: Program
    # The day a pause in force ends (None: the program runs, or has closed).
    paused_until: date | None
    # The day it closed, in the workspace's zone (None: it is open).
    closed_on: date | None
    participants: int
    active_pairs: int


async def program_summary(
    session: AsyncSession, program: Program, config: ProgramConfig, *, now: datetime, zone: ZoneInfo
) -> ProgramSummary:
    """`program` (whose settings in force are `config`) as the programs list shows it."""
    paused = config.paused_on(now.astimezone(zone).date()) and not program.closed
    closed = program.closed_at
    return ProgramSummary(
        program=program,
        paused_until=config.paused_until if paused else None,
        closed_on=closed.astimezone(zone).date() if closed is not None else None,
        participants=(await participants(session, program.key, now=now)).total,
        active_pairs=(await pairs(session, program.key)).active,
    )
