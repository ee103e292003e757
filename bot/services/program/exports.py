"""HR's CSV exports: sessions, pairs, participants, learning outcomes and the log of changes to
the program's settings and wording, of a workspace.

UTF-8, a header row, ISO 8601 dates; private columns (notes to HR) appear only in the sessions
export, and their header says PRIVATE. The files count what the program's figures count
(`bot.services.figures`): one sessions row per session (both partners' reports side by side, so
the rows are the sessions and a tool's rows the sessions covering it), the pairs' prompted and
met weeks (their sums give the meet rate), and each participant's status in the words of the
participants' split. The outcomes export holds each person's own ratings: its first line says it
is HR's data export of individuals.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Literal, TextIO

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import chunks
from bot.i18n import N_, _
from bot.services.figures import PairMeetings, meetings_by_pair, standing_of
from bot.services.report import outcomes
from models import (
    Direction,
    Pair,
    PairSession,
    Participant,
    ParticipantTool,
    SessionReport,
    SettingsChange,
    Tool,
)

ExportKind = Literal["sessions", "pairs", "participants", "outcomes", "changes"]
EXPORTS: tuple[ExportKind, ...] = ("sessions", "pairs", "participants", "outcomes", "changes")
# A first line before the header, for the files that hold individuals' own answers.
NOTES: dict[ExportKind, str] = {"outcomes": outcomes.NOTE}
# Each file's title in Slack (`date`: the day it was exported).
TITLES: dict[ExportKind, str] = {
    "sessions": N_("Rotnem sessions ({date})"),
    "pairs": N_("Rotnem pairs ({date})"),
    "participants": N_("Rotnem participants ({date})"),
    "outcomes": N_("Rotnem outcomes ({date})"),
    "changes": N_("Rotnem settings and wording changes ({date})"),
}


def _iso(value: datetime | date | None) -> str:
    return value.isoformat() if value is not None else ""


# Each partner's report, side by side: `guide_…` then `learner_…`.
# The columns' names are marked for the catalog: `write_csv` writes the header row in the
# language in force (the columns' order and values stay the same in every language).
REPORT_FIELDS = (
    "reported_at",
    "covered_tool",
    "covered_other",
    "direction",
    "rating",
    "learned",
    "note_to_hr (PRIVATE)",
)
REPORTERS = ("guide", "learner")
SESSION_COLUMNS = (
    N_("session_id"),
    N_("week"),
    N_("session_date"),
    N_("pair_id"),
    N_("guide_user_id"),
    N_("guide_name"),
    N_("learner_user_id"),
    N_("learner_name"),
    N_("tools"),
    N_("learner_confidence_1_to_5"),
    # f"{role}_{field}" for each of REPORTERS and REPORT_FIELDS, spelled out for the catalog.
    N_("guide_reported_at"),
    N_("guide_covered_tool"),
    N_("guide_covered_other"),
    N_("guide_direction"),
    N_("guide_rating"),
    N_("guide_learned"),
    N_("guide_note_to_hr (PRIVATE)"),
    N_("learner_reported_at"),
    N_("learner_covered_tool"),
    N_("learner_covered_other"),
    N_("learner_direction"),
    N_("learner_rating"),
    N_("learner_learned"),
    N_("learner_note_to_hr (PRIVATE)"),
)
assert SESSION_COLUMNS[10:] == tuple(f"{r}_{n}" for r in REPORTERS for n in REPORT_FIELDS)
PAIR_COLUMNS = (
    N_("pair_id"),
    N_("round_id"),
    N_("guide_user_id"),
    N_("guide_name"),
    N_("learner_user_id"),
    N_("learner_name"),
    N_("shared_tools"),
    N_("started_at"),
    N_("ended_at"),
    N_("end_reason"),
    N_("weeks_prompted"),
    N_("weeks_met"),
    N_("sessions"),
    N_("last_session_week"),
)
PARTICIPANT_COLUMNS = (
    N_("user_id"),
    N_("name"),
    N_("role"),
    N_("status"),
    N_("department"),
    N_("time_zone"),
    N_("joined_at"),
    N_("paused_until"),
    N_("left_at"),
    N_("teaches"),
    N_("learns"),
)


def _report_cells(report: SessionReport | None) -> list[Any]:
    if report is None:
        return [""] * len(REPORT_FIELDS)
    return [
        _iso(report.created_at),
        report.tool_name or "",
        report.other_text or "",
        report.direction or "",
        report.rating,
        report.learned or "",
        report.hr_note or "",
    ]


def _with_partners(query: Select[Any]) -> Select[Any]:
    """`query` (over pairs) with each pair's guide and learner added as columns."""
    guide, learner = aliased(Participant), aliased(Participant)
    return (
        query.add_columns(guide, learner)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
    )


async def _session_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    sessions = (
        await session.execute(
            _with_partners(select(PairSession).join(Pair, Pair.id == PairSession.pair_id))
            .where(PairSession.team_id == team_id)
            .order_by(PairSession.id)
        )
    ).all()
    reports: dict[tuple[int, str], SessionReport] = {}
    for part in chunks([s.id for s, __, ___ in sessions]):
        for report in await session.scalars(
            select(SessionReport).where(SessionReport.session_id.in_(part))
        ):
            reports[(report.session_id, report.reporter_role)] = report
    rows: list[list[Any]] = []
    for s, g, lrn in sessions:
        mine = [reports.get((s.id, role)) for role in REPORTERS]
        tools = dict.fromkeys(r.tool_name for r in mine if r is not None and r.tool_name)
        confidence = mine[1].confidence if mine[1] is not None else None
        rows.append(
            [
                s.id,
                s.iso_week,
                _iso(s.created_at.date()),
                s.pair_id,
                g.user_id,
                g.display_name,
                lrn.user_id,
                lrn.display_name,
                "; ".join(tools),
                confidence or "",
                *(cell for report in mine for cell in _report_cells(report)),
            ]
        )
    return rows


async def _pair_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    pairs = (
        await session.execute(
            _with_partners(select(Pair)).where(Pair.team_id == team_id).order_by(Pair.id)
        )
    ).all()
    meetings = await meetings_by_pair(session, team_id)
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
            met.prompted,
            met.met,
            met.sessions,
            met.last_week or "",
        ]
        for pair, g, lrn in pairs
        for met in [meetings.get(pair.id, PairMeetings())]
    ]


async def _participant_rows(session: AsyncSession, team_id: str, now: datetime) -> list[list[Any]]:
    found = await session.execute(
        select(Participant, standing_of(now))
        .where(Participant.team_id == team_id)
        .order_by(Participant.id)
    )
    people = [(p, str(standing)) for p, standing in found.all()]
    tools: dict[tuple[int, str], list[str]] = defaultdict(list)
    for part in chunks([p.id for p, __ in people]):
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
            status,
            p.department,
            p.tz or "",
            _iso(p.joined_at),
            _iso(p.paused_until),
            _iso(p.left_at),
            "; ".join(tools[(p.id, Direction.TEACH)]),
            "; ".join(tools[(p.id, Direction.LEARN)]),
        ]
        for p, status in people
    ]


# The settings log, oldest first: a setting by its name (`cycle_weeks`), HR's wording as
# `wording.<message>.<language>`; an empty value is the default (texts cut at 100 characters).
CHANGE_COLUMNS = (
    N_("changed_at"),
    N_("changed_by_user_id"),
    N_("setting"),
    N_("old_value"),
    N_("new_value"),
)


async def _change_rows(session: AsyncSession, team_id: str) -> list[list[Any]]:
    found = await session.execute(
        select(SettingsChange)
        .where(SettingsChange.team_id == team_id)
        .order_by(SettingsChange.at, SettingsChange.id)
    )
    return [
        [_iso(c.at), c.actor_id or "", c.field, c.old_value or "", c.new_value or ""]
        for c in found.scalars()
    ]


async def export_rows(
    session: AsyncSession, team_id: str, kind: ExportKind, *, now: datetime
) -> tuple[Sequence[str], list[list[Any]]]:
    """The header and rows of one export (`now`: when participants' status is read)."""
    if kind == "sessions":
        return SESSION_COLUMNS, await _session_rows(session, team_id)
    if kind == "pairs":
        return PAIR_COLUMNS, await _pair_rows(session, team_id)
    if kind == "participants":
        return PARTICIPANT_COLUMNS, await _participant_rows(session, team_id, now)
    if kind == "outcomes":
        return outcomes.COLUMNS, await outcomes.outcome_rows(session, team_id)
    if kind == "changes":
        return CHANGE_COLUMNS, await _change_rows(session, team_id)
    raise ValueError(f"unknown export {kind!r}: one of {', '.join(EXPORTS)}")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell: Any) -> Any:
    """A cell people typed (names, tools, notes) kept as text when HR opens the file in Excel or
    Google Sheets: one that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def write_csv(
    out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], note: str | None = None
) -> int:
    """Write the note (a first line, if any), a header and the rows; how many rows were
    written. The note and the header (marked constants) are written in the language in force;
    text that a spreadsheet would run as a formula is neutralised (`_as_text`)."""
    writer = csv.writer(out)
    if note:
        writer.writerow([_(note)])
    writer.writerow([_(column) for column in header])
    count = 0
    for row in rows:
        writer.writerow([_as_text(cell) for cell in row])
        count += 1
    return count
