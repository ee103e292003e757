"""HR's CSV exports: sessions, pairs, participants and learning outcomes of a workspace.

UTF-8, a header row, ISO 8601 dates; private columns (notes to HR) appear only in the sessions
export, and their header says PRIVATE. The outcomes export holds each person's own ratings: its
first line says it is HR's data export of individuals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal, TextIO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import chunks
from bot.services.report import outcomes
from models import (
    Direction,
    Pair,
    PairSession,
    Participant,
    ParticipantTool,
    SessionReport,
    Tool,
    WeeklyPrompt,
)

ExportKind = Literal["sessions", "pairs", "participants", "outcomes"]
EXPORTS: tuple[ExportKind, ...] = ("sessions", "pairs", "participants", "outcomes")
# A first line before the header, for the files that hold individuals' own answers.
NOTES: dict[ExportKind, str] = {"outcomes": outcomes.NOTE}


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


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
    if kind == "outcomes":
        return outcomes.COLUMNS, await outcomes.outcome_rows(session, team_id)
    raise ValueError(f"unknown export {kind!r}: one of {', '.join(EXPORTS)}")


def write_csv(
    out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], note: str | None = None
) -> int:
    """Write the note (a first line, if any), a header and the rows; how many rows were
    written."""
    writer = csv.writer(out)
    if note:
        writer.writerow([note])
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
