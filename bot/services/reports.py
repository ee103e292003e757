"""What HR reads without reading anyone's conversation: `/rotnem admin stats`, the CSV exports,
and each person's own view of their pair (the Home tab, `status`).

At-risk pairs in the stats are the stalls the stall job (every 15 minutes) alerted HR about and
that still last, so the stats never scan every pair's history.

Statistics cover the current cycle (from the earliest running round's start; the last
`cycle_weeks` when none runs), so they read index ranges, not a year of history.
CSV: UTF-8, a header row, ISO 8601 dates; private columns (notes to HR) appear only in the
sessions export, and their header says PRIVATE.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.services.keepalive import chunks, is_paused, next_nudge_at
from bot.services.program import ProgramConfig
from bot.services.stalls import open_stalls
from models import (
    Direction,
    Pair,
    PairSession,
    Participant,
    ParticipantTool,
    Round,
    RoundStatus,
    SessionReport,
    Tool,
    WeeklyPrompt,
)

ExportKind = Literal["sessions", "pairs", "participants"]
EXPORTS: tuple[ExportKind, ...] = ("sessions", "pairs", "participants")
MEET_WINDOW = timedelta(weeks=2)
TOP_TOOLS = 5
REPORTER_ROLES = ("guide", "learner")  # session_reports' CHECK constraint


@dataclass(frozen=True)
class StatsView:
    participants: Mapping[tuple[str, str], int]  # (role, state) -> count
    active_pairs: int
    cycle_start: date | None
    sessions_this_cycle: int
    met_recently: int
    meet_rate: float | None
    rating_by_role: Mapping[str, float]
    top_tools: Sequence[tuple[str, int]]
    at_risk: Sequence[tuple[str, str, int]]  # (guide, learner, silent weeks)


@dataclass(frozen=True)
class SessionLine:
    week: str
    on: date
    covered: tuple[str, ...]


@dataclass(frozen=True)
class PairProgress:
    partner: str
    sessions: tuple[SessionLine, ...]
    tools_covered: tuple[str, ...]
    next_prompt_at: datetime | None


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


async def cycle_start(
    session: AsyncSession, team_id: str, config: ProgramConfig, now: datetime
) -> date:
    started = await session.scalar(
        select(func.min(Round.started_on)).where(
            Round.team_id == team_id,
            Round.status == RoundStatus.APPROVED,
            Round.ended_at.is_(None),
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
            report.team_id == team_id,
            report.tool_name == names.c.name,
            report.created_at >= since,
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
                PairSession.team_id == team_id,
                PairSession.created_at >= now - MEET_WINDOW,
                running,
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


# ---- one person's pair ------------------------------------------------------------------------

LAST_SESSIONS = 3


async def pair_progress(
    session: AsyncSession, team_id: str, user_id: str, config: ProgramConfig, *, now: datetime
) -> PairProgress | None:
    """The person's current pair (the newest): last sessions, tools covered, next prompt."""
    me = await session.scalar(
        select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    )
    if me is None:
        return None
    pair = await session.scalar(
        select(Pair)
        .where(Pair.ended_at.is_(None), or_(Pair.guide_id == me.id, Pair.learner_id == me.id))
        .order_by(Pair.started_at.desc(), Pair.id.desc())
        .limit(1)
    )
    if pair is None:
        return None
    partner_id = pair.learner_id if pair.guide_id == me.id else pair.guide_id
    people = {
        p.id: p
        for p in await session.scalars(
            select(Participant).where(Participant.id.in_([pair.guide_id, pair.learner_id]))
        )
    }
    sessions = (
        await session.execute(
            select(PairSession.id, PairSession.iso_week, PairSession.created_at)
            .where(PairSession.pair_id == pair.id)
            .order_by(PairSession.iso_week.desc())
            .limit(LAST_SESSIONS)
        )
    ).all()
    covered_by_session: dict[int, list[str]] = defaultdict(list)
    if sessions:
        rows = await session.execute(
            select(SessionReport.session_id, SessionReport.tool_name, SessionReport.other_text)
            .where(SessionReport.session_id.in_([s[0] for s in sessions]))
            .order_by(SessionReport.id)
        )
        for session_id, tool, other in rows.all():
            name = tool or other
            if name and name not in covered_by_session[session_id]:
                covered_by_session[session_id].append(name)
    covered = await session.scalars(
        select(SessionReport.tool_name)
        .join(PairSession, PairSession.id == SessionReport.session_id)
        .where(PairSession.pair_id == pair.id, SessionReport.tool_name.is_not(None))
        .group_by(SessionReport.tool_name)
        .order_by(func.min(SessionReport.created_at))
    )
    paused = any(is_paused(p.state, p.paused_until, now) for p in people.values())
    learner = people[pair.learner_id]
    return PairProgress(
        partner=people[partner_id].user_id,
        sessions=tuple(
            SessionLine(week, created.date(), tuple(covered_by_session[sid]))
            for sid, week, created in sessions
        ),
        tools_covered=tuple(str(t) for t in covered),
        next_prompt_at=None
        if paused
        else next_nudge_at(now, learner.tz, config.nudge_weekday, config.nudge_hour),
    )


# ---- CSV exports ------------------------------------------------------------------------------

SESSION_COLUMNS = (
    "session_id",
    "week",
    "session_date",
    "pair_id",
    "guide_user_id",
    "guide_name",
    "learner_user_id",
    "learner_name",
    "reported_by_user_id",
    "reported_by_role",
    "reported_at",
    "covered_tool",
    "covered_other",
    "usefulness_1_to_5",
    "learned",
    "note_to_hr (PRIVATE)",
)
PAIR_COLUMNS = (
    "pair_id",
    "round_id",
    "guide_user_id",
    "guide_name",
    "learner_user_id",
    "learner_name",
    "shared_tools",
    "started_at",
    "ended_at",
    "end_reason",
    "prompts_sent",
    "sessions_reported",
    "last_session_week",
)
PARTICIPANT_COLUMNS = (
    "user_id",
    "name",
    "role",
    "state",
    "department",
    "time_zone",
    "joined_at",
    "paused_until",
    "left_at",
    "teaches",
    "learns",
)


async def _session_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    guide, learner, reporter = aliased(Participant), aliased(Participant), aliased(Participant)
    query = (
        select(SessionReport, PairSession, Pair, guide, learner, reporter.user_id)
        .join(PairSession, PairSession.id == SessionReport.session_id)
        .join(Pair, Pair.id == PairSession.pair_id)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .join(reporter, reporter.id == SessionReport.participant_id)
        .where(PairSession.team_id == team_id)
        .order_by(PairSession.id, SessionReport.id)
    )
    return [
        [
            s.id,
            s.iso_week,
            _iso(s.created_at.date()),
            pair.id,
            g.user_id,
            g.display_name,
            lrn.user_id,
            lrn.display_name,
            reporter_id,
            report.reporter_role,
            _iso(report.created_at),
            report.tool_name or "",
            report.other_text or "",
            report.rating,
            report.learned or "",
            report.hr_note or "",
        ]
        for report, s, pair, g, lrn, reporter_id in (await session.execute(query)).all()
    ]


async def _pair_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    guide, learner = aliased(Participant), aliased(Participant)
    pairs = (
        await session.execute(
            select(Pair, guide, learner)
            .join(guide, guide.id == Pair.guide_id)
            .join(learner, learner.id == Pair.learner_id)
            .where(Pair.team_id == team_id)
            .order_by(Pair.id)
        )
    ).all()
    prompts = dict(
        (
            await session.execute(
                select(WeeklyPrompt.pair_id, func.count())
                .where(WeeklyPrompt.team_id == team_id, WeeklyPrompt.prompt_id.is_not(None))
                .group_by(WeeklyPrompt.pair_id)
            )
        ).all()
    )
    sessions = {
        pair_id: (int(n), last)
        for pair_id, n, last in (
            await session.execute(
                select(PairSession.pair_id, func.count(), func.max(PairSession.iso_week))
                .where(PairSession.team_id == team_id)
                .group_by(PairSession.pair_id)
            )
        ).all()
    }
    return [
        [
            pair.id,
            pair.round_id,
            g.user_id,
            g.display_name,
            lrn.user_id,
            lrn.display_name,
            "; ".join(pair.shared_tools or ()),
            _iso(pair.started_at),
            _iso(pair.ended_at),
            pair.end_reason or "",
            prompts.get(pair.id, 0),
            sessions.get(pair.id, (0, ""))[0],
            sessions.get(pair.id, (0, ""))[1] or "",
        ]
        for pair, g, lrn in pairs
    ]


async def _participant_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    people = list(
        await session.scalars(
            select(Participant).where(Participant.team_id == team_id).order_by(Participant.id)
        )
    )
    tools: dict[tuple[int, str], list[str]] = defaultdict(list)
    for part in chunks([p.id for p in people]):
        rows = await session.execute(
            select(
                ParticipantTool.participant_id,
                ParticipantTool.direction,
                func.coalesce(Tool.name, ParticipantTool.other_name),
            )
            .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
            .where(ParticipantTool.participant_id.in_(part))
            .order_by(ParticipantTool.id)
        )
        for pid, direction, name in rows.all():
            tools[(pid, direction)].append(str(name))
    return [
        [
            p.user_id,
            p.display_name,
            p.role,
            p.state,
            p.department,
            p.tz or "",
            _iso(p.joined_at),
            _iso(p.paused_until),
            _iso(p.left_at),
            "; ".join(tools[(p.id, Direction.TEACH)]),
            "; ".join(tools[(p.id, Direction.LEARN)]),
        ]
        for p in people
    ]


async def export_rows(
    session: AsyncSession, team_id: str, kind: ExportKind
) -> tuple[Sequence[str], list[list[Any]]]:
    """The header and rows of one export."""
    if kind == "sessions":
        return SESSION_COLUMNS, await _session_rows(session, team_id)
    if kind == "pairs":
        return PAIR_COLUMNS, await _pair_rows(session, team_id)
    if kind == "participants":
        return PARTICIPANT_COLUMNS, await _participant_rows(session, team_id)
    raise ValueError(f"unknown export {kind!r}: one of {', '.join(EXPORTS)}")


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a header and the rows; how many rows were written."""
    writer = csv.writer(out)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
