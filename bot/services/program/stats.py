"""`/rotnem admin stats`: what HR reads without reading anyone's conversation.

At-risk pairs are the stalls the stall job (every 15 minutes) alerted HR about and that still
last, so the stats never scan every pair's history. Statistics cover the current cycle (from the
earliest running round's start; the last `cycle_weeks` when none runs), so they read index
ranges, not a year of history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.program.settings import ProgramConfig
from bot.services.stalls import open_stalls
from models import Pair, PairSession, Participant, Round, RoundStatus, SessionReport

MEET_WINDOW = timedelta(weeks=2)
TOP_TOOLS = 5
REPORTER_ROLES = ("guide", "learner")  # session_reports' CHECK constraint


@dataclass(frozen=True)
class StatsView:
    """The figures of `/rotnem admin stats` for one workspace."""

    participants: Mapping[tuple[str, str], int]  # (role, state) -> count
    active_pairs: int
    cycle_start: date | None
    sessions_this_cycle: int
    met_recently: int
    meet_rate: float | None
    rating_by_role: Mapping[str, float]
    top_tools: Sequence[tuple[str, int]]
    at_risk: Sequence[tuple[str, str, int]]  # (guide, learner, silent weeks)


async def cycle_start(
    session: AsyncSession, team_id: str, config: ProgramConfig, now: datetime
) -> date:
    started = await session.scalar(
        select(func.min(Round.started_on)).where(
            Round.team_id == team_id, Round.status == RoundStatus.APPROVED, Round.ended_at.is_(None)
        )
    )
    return started or (now - timedelta(weeks=config.cycle_weeks)).date()


async def _top_tools(session: AsyncSession, team_id: str, since: datetime) -> list[tuple[str, int]]:
    """The tools reports named most since `since`, most first (ties by name).

    Walks the distinct tool names of the (team, tool_name, created_at) index (one seek per
    name, a few dozen) and counts each name's index range, instead of grouping the cycle's
    reports (a temporary B-tree on SQLite, a hash aggregate of every report on PostgreSQL).
    """
    report = SessionReport
    first = (
        select(func.min(report.tool_name))
        .where(report.team_id == team_id, report.tool_name.is_not(None))
        .scalar_subquery()
    )
    names = select(first.label("name")).cte("tool_names", recursive=True)
    following = (
        select(func.min(report.tool_name))
        .where(report.team_id == team_id, report.tool_name > names.c.name)
        .scalar_subquery()
    )
    names = names.union_all(select(following).where(names.c.name.is_not(None)))
    reported = (
        select(func.count())
        .where(
            report.team_id == team_id, report.tool_name == names.c.name, report.created_at >= since
        )
        .scalar_subquery()
    )
    rows = await session.execute(
        select(names.c.name, reported).where(names.c.name.is_not(None)).order_by(names.c.name)
    )
    # Rows come in the database's order of names; a stable sort by count keeps it for ties.
    counted = [(str(name), int(n)) for name, n in rows.all() if n]
    counted.sort(key=lambda row: -row[1])
    return counted[:TOP_TOOLS]


async def program_stats(
    session: AsyncSession, team_id: str, config: ProgramConfig, *, now: datetime, zone: ZoneInfo
) -> StatsView:
    """Participants by role and state, pairs, sessions this cycle, meet rate, ratings, tools,
    at-risk pairs."""
    people = await session.execute(
        select(Participant.role, Participant.state, func.count())
        .where(Participant.team_id == team_id)
        .group_by(Participant.role, Participant.state)
    )
    participants = {(role, state): int(n) for role, state, n in people.all()}
    active_pairs = int(
        await session.scalar(
            select(func.count()).where(Pair.team_id == team_id, Pair.ended_at.is_(None))
        )
        or 0
    )
    start = await cycle_start(session, team_id, config, now)
    since = datetime.combine(start, time(0), tzinfo=UTC)
    sessions = int(
        await session.scalar(
            select(func.count()).where(
                PairSession.team_id == team_id, PairSession.created_at >= since
            )
        )
        or 0
    )
    # Read from the sessions of the last two weeks (an index range), each checked against its
    # pair; as a join, SQLite walked all active pairs and probed each one's sessions instead.
    running = (
        select(Pair.id).where(Pair.id == PairSession.pair_id, Pair.ended_at.is_(None)).exists()
    )
    met_recently = int(
        await session.scalar(
            select(func.count(distinct(PairSession.pair_id))).where(
                PairSession.team_id == team_id, PairSession.created_at >= now - MEET_WINDOW, running
            )
        )
        or 0
    )
    # One average per reporter role (the two the table allows), each an index range of
    # (team, role, created_at, rating): no GROUP BY, which SQLite did by sorting the cycle's
    # reports in a temporary B-tree, and no CASE per report.
    ratings = (
        await session.execute(
            select(
                *(
                    select(func.avg(SessionReport.rating))
                    .where(
                        SessionReport.team_id == team_id,
                        SessionReport.reporter_role == role,
                        SessionReport.created_at >= since,
                    )
                    .scalar_subquery()
                    for role in REPORTER_ROLES
                )
            )
        )
    ).one()
    top_tools = await _top_tools(session, team_id, since)
    risks = await open_stalls(session, team_id, now=now, zone=zone)
    return StatsView(
        participants=participants,
        active_pairs=active_pairs,
        cycle_start=start,
        sessions_this_cycle=sessions,
        met_recently=met_recently,
        meet_rate=(met_recently / active_pairs) if active_pairs else None,
        rating_by_role={
            role: float(avg)
            for role, avg in zip(REPORTER_ROLES, ratings, strict=True)
            if avg is not None
        },
        top_tools=top_tools,
        at_risk=[(r.guide, r.learner, r.silent_weeks) for r in risks],
    )
