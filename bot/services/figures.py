"""The program's figures, defined once: every screen HR reads (the Home tab, `/rotnem admin
stats`, the report, the CSV exports, the demo summary) takes its numbers from here, so the same
figure has the same value and the same name everywhere. `DEFINITIONS` says what each one means
(the README and the report's footer print it).

A period is a run of ISO weeks: a session belongs to the week it was reported for, a prompt to
the week it was sent in (both the learner-local week, so a pair's session and prompt meet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.i18n import N_, short_date
from bot.services.calendar import add_weeks, iso_week, week_monday
from bot.services.enrollment.lifecycle import DEACTIVATED_VIA
from bot.services.program.settings import ProgramConfig
from models import (
    REPORTER_ROLES,
    Pair,
    PairSession,
    Participant,
    Round,
    RoundSource,
    RoundStatus,
    SessionReport,
    State,
    StateChange,
    WeeklyPrompt,
)

# (figure, definition): the words every screen uses, in the order the README lists them.
# Marked for the catalog (`N_`): a screen translates each name and definition where it shows them.
DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        N_("Participants"),
        N_(
            "people in the program (active or paused; not those who left). They split exactly "
            "into in a pair, waitlisted (a round could not place them), not yet matched (unpaired "
            "and not on the waitlist, e.g. joined since the last round) and paused; the parts add "
            "up to the total."
        ),
    ),
    (N_("Session"), N_("a pair met in a week, however many of the two reported it.")),
    (
        N_("Meet rate"),
        N_(
            "pair-weeks in which the pair reported a session ÷ pair-weeks in which the pair was "
            "prompted to meet (weeks paused are not prompted)."
        ),
    ),
    (
        N_("Sessions covering a tool"),
        N_("distinct sessions whose reports name the tool (not reports)."),
    ),
    (N_("Usefulness"), N_("the mean of the session reports' ratings, 1–5.")),
    (
        N_("Two-way share"),
        N_(
            "sessions whose learning went both ways (a report says both, or one says a tool and "
            "the other the mirror) ÷ sessions with a reported direction."
        ),
    ),
    (
        N_("Confidence before → now"),
        N_(
            "per learner and tool, the first rating (the baseline) and the latest later one, "
            "shown as the median and quartiles."
        ),
    ),
    (N_("Learned"), N_("a tool the learner showed back and the guide confirmed (teach-back).")),
    (N_("Still using"), N_("follow-ups answered yes or sometimes ÷ follow-ups answered.")),
    (
        N_("Fewer than k"),
        N_(
            "any breakdown over fewer than k people (a program setting, default 5) shows no number."
        ),
    ),
)


# ---- participants ----------------------------------------------------------------------------


class Standing(StrEnum):
    """Where a person stands in the program: the four parts participants split into, or left.
    The CSV's `status` column says these words."""

    IN_PAIR = "in_pair"
    WAITLISTED = "waitlisted"
    NOT_YET_MATCHED = "not_yet_matched"
    PAUSED = "paused"
    LEFT = "left"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").replace("in pair", "in a pair")


PARTS: tuple[Standing, ...] = (
    Standing.IN_PAIR,
    Standing.WAITLISTED,
    Standing.NOT_YET_MATCHED,
    Standing.PAUSED,
)


def standing_of(now: datetime) -> ColumnElement[str]:
    """A participant row's `Standing` as SQL: left, then paused (a pause whose date has passed
    is over, as `is_paused` says), then in an active pair, then waitlisted."""
    paused = and_(
        Participant.state == State.PAUSED,
        or_(Participant.paused_until.is_(None), Participant.paused_until > now),
    )
    running = Pair.ended_at.is_(None)
    # One set of everyone in a running pair (hashed once), not two probes per participant:
    # PostgreSQL ran the correlated EXISTS as a subplan per row.
    paired = union(select(Pair.guide_id).where(running), select(Pair.learner_id).where(running))
    in_pair = Participant.id.in_(paired)
    return case(
        (Participant.state == State.LEFT, Standing.LEFT.value),
        (paused, Standing.PAUSED.value),
        (in_pair, Standing.IN_PAIR.value),
        (Participant.waitlisted_since.is_not(None), Standing.WAITLISTED.value),
        else_=Standing.NOT_YET_MATCHED.value,
    )


@dataclass(frozen=True)
class Participants:
    """Participants counted by role and standing (those who left are kept apart)."""

    counts: Mapping[tuple[str, Standing], int] = field(default_factory=dict)

    def part(self, standing: Standing) -> int:
        return sum(n for (_, s), n in self.counts.items() if s is standing)

    @property
    def total(self) -> int:
        """Participants: the sum of the four parts."""
        return sum(self.part(s) for s in PARTS)

    @property
    def parts(self) -> tuple[tuple[Standing, int], ...]:
        return tuple((s, self.part(s)) for s in PARTS)

    @property
    def left(self) -> int:
        return self.part(Standing.LEFT)

    def by_role(self, role: str) -> int:
        """Participants (not left) with this role."""
        return sum(n for (r, s), n in self.counts.items() if r == role and s is not Standing.LEFT)


async def participants(session: AsyncSession, team_id: str, *, now: datetime) -> Participants:
    """Participants by role and standing."""
    people = (
        select(Participant.role.label("role"), standing_of(now).label("standing"))
        .where(Participant.team_id == team_id)
        .subquery()
    )
    rows = await session.execute(
        select(people.c.role, people.c.standing, func.count()).group_by(
            people.c.role, people.c.standing
        )
    )
    return Participants({(str(r), Standing(s)): int(n) for r, s, n in rows.all()})


# ---- meetings, week by week ------------------------------------------------------------------


@dataclass(frozen=True)
class WeekFigures:
    """One week of the program: sessions held, pair-weeks prompted and how many of those met."""

    week: str  # ISO week, for sorting and joins; people read `starts`
    sessions: int = 0
    prompted: int = 0
    met: int = 0

    @property
    def starts(self) -> date:
        """The Monday the week starts on."""
        return week_monday(self.week)

    @property
    def label(self) -> str:
        """The week as people read it, in the language in force: "23 Nov 2026"."""
        return short_date(self.starts)

    @property
    def meet_rate(self) -> float | None:
        return self.met / self.prompted if self.prompted else None


@dataclass(frozen=True)
class Meetings:
    """Sessions and the meet rate over a period, and the weeks they come from."""

    weeks: tuple[WeekFigures, ...] = ()

    @property
    def sessions(self) -> int:
        return sum(w.sessions for w in self.weeks)

    @property
    def prompted(self) -> int:
        return sum(w.prompted for w in self.weeks)

    @property
    def met(self) -> int:
        return sum(w.met for w in self.weeks)

    @property
    def meet_rate(self) -> float | None:
        return self.met / self.prompted if self.prompted else None


def _last(until: date) -> str:
    """The last week a period ending before `until` covers."""
    return iso_week(until - timedelta(days=1))


def _period(
    column: InstrumentedAttribute[str], since: date | None, until: date | None
) -> list[ColumnElement[bool]]:
    """`column` (an ISO week) within the period: ISO week strings sort as the weeks do."""
    where: list[ColumnElement[bool]] = []
    if since is not None:
        where.append(column >= iso_week(since))
    if until is not None:
        where.append(column <= _last(until))
    return where


def _prompted(key: InstrumentedAttribute[Any], team_id: str) -> Select[tuple[Any, int]]:
    """Per `key`: pair-weeks prompted (a prompt sent, not skipped), the meet rate's
    denominator: a count over one index, no join."""
    return select(key, func.count()).where(
        WeeklyPrompt.team_id == team_id, WeeklyPrompt.prompt_id.is_not(None)
    )


def _held(
    key: InstrumentedAttribute[Any],
    team_id: str,
    since: date | None = None,
    until: date | None = None,
    *columns: Any,
) -> Select[Any]:
    """Per `key`: the period's sessions, and how many of them were in a week the pair was
    prompted for (the meet rate's numerator: the prompted pair-weeks with a session). Driven by
    the sessions, fewer than the prompts; the prompts' side is narrowed to the same workspace
    and weeks (implied by the pair and the week) so PostgreSQL hashes one index range of them,
    not the whole table, and SQLite probes their unique (pair, week) key."""
    prompted = and_(
        WeeklyPrompt.pair_id == PairSession.pair_id,
        WeeklyPrompt.iso_week == PairSession.iso_week,
        WeeklyPrompt.team_id == team_id,
        WeeklyPrompt.prompt_id.is_not(None),
        *_period(WeeklyPrompt.iso_week, since, until),
    )
    return (
        select(key, func.count(), func.count(WeeklyPrompt.prompt_id), *columns)
        .select_from(PairSession)
        .outerjoin(WeeklyPrompt, prompted)
        .where(PairSession.team_id == team_id, *_period(PairSession.iso_week, since, until))
    )


async def weekly_meetings(
    session: AsyncSession, team_id: str, since: date | None = None, until: date | None = None
) -> list[WeekFigures]:
    """Every week from `since`'s week (or the first with data) to the week before `until` (or
    the last with data), gaps included, with its sessions, prompted pair-weeks and met ones."""
    held = {
        week: (int(n), int(met))
        for week, n, met in (
            await session.execute(
                _held(PairSession.iso_week, team_id, since, until).group_by(PairSession.iso_week)
            )
        ).all()
    }
    prompted = dict(
        (
            await session.execute(
                _prompted(WeeklyPrompt.iso_week, team_id)
                .where(*_period(WeeklyPrompt.iso_week, since, until))
                .group_by(WeeklyPrompt.iso_week)
            )
        ).all()
    )
    seen = sorted(set(held) | set(prompted))
    first = iso_week(since) if since is not None else (seen[0] if seen else None)
    last = _last(until) if until is not None else (seen[-1] if seen else None)
    if first is None or last is None:
        return []
    weeks: list[WeekFigures] = []
    week = first
    while week <= last:
        sessions, met = held.get(week, (0, 0))
        weeks.append(WeekFigures(week, sessions, int(prompted.get(week, 0)), met))
        week = add_weeks(week, 1)
    return weeks


@dataclass(frozen=True)
class PairMeetings:
    """One pair's side of the meet rate, and its sessions (also those of unprompted weeks)."""

    prompted: int = 0
    met: int = 0
    sessions: int = 0
    last_week: str | None = None


async def meetings_by_pair(session: AsyncSession, team_id: str) -> dict[int, PairMeetings]:
    """Every pair's prompted and met pair-weeks and sessions, all weeks (the pairs export)."""
    prompted = dict(
        (
            await session.execute(
                _prompted(WeeklyPrompt.pair_id, team_id).group_by(WeeklyPrompt.pair_id)
            )
        ).all()
    )
    held = {
        int(pair_id): (int(met), int(n), last)
        for pair_id, n, met, last in (
            await session.execute(
                _held(
                    PairSession.pair_id, team_id, None, None, func.max(PairSession.iso_week)
                ).group_by(PairSession.pair_id)
            )
        ).all()
    }
    return {
        pair_id: PairMeetings(int(prompted.get(pair_id, 0)), *held.get(pair_id, (0, 0, None)))
        for pair_id in set(prompted) | set(held)
    }


async def meetings(
    session: AsyncSession, team_id: str, since: date | None = None, until: date | None = None
) -> Meetings:
    """Sessions and the meet rate of the period, week by week."""
    return Meetings(tuple(await weekly_meetings(session, team_id, since, until)))


# ---- what sessions covered and how useful they were ------------------------------------------


def _reports(team_id: str, since: date | None, until: date | None, *columns: Any) -> Select[Any]:
    """`columns` over the reports of the workspace's sessions in the period: one week range of
    an index that covers them."""
    return (
        select(*columns)
        .select_from(SessionReport)
        .where(SessionReport.team_id == team_id, *_period(SessionReport.iso_week, since, until))
    )


@dataclass(frozen=True)
class Usefulness:
    """The mean rating of session reports, overall and by who reported."""

    reports: int = 0
    total: int = 0
    by_role: Mapping[str, float] = field(default_factory=dict)

    @property
    def mean(self) -> float | None:
        return self.total / self.reports if self.reports else None


async def _reported(
    session: AsyncSession, team_id: str, since: date | None, until: date | None
) -> tuple[tuple[tuple[str, int], ...], Usefulness]:
    """Sessions covering each tool and the usefulness of the period's reports, from one pass
    over the reports in index order (week, tool, session): grouped by week and tool first,
    nothing is sorted, and a session (all its reports are in its week) counts once per tool;
    then the few (week, tool) rows are summed per tool, most sessions first, ties by name."""
    by_role = []
    for role in REPORTER_ROLES:
        theirs = SessionReport.reporter_role == role
        by_role += [func.count(case((theirs, 1))), func.sum(case((theirs, SessionReport.rating)))]
    weekly = (
        _reports(
            team_id,
            since,
            until,
            SessionReport.tool_name.label("tool"),
            func.count(func.distinct(SessionReport.session_id)).label("sessions"),
            *(column.label(f"c{i}") for i, column in enumerate(by_role)),
        )
        .group_by(SessionReport.iso_week, SessionReport.tool_name)
        .subquery()
    )
    sessions = func.sum(weekly.c.sessions)
    rows = await session.execute(
        select(weekly.c.tool, sessions, *(func.sum(weekly.c[f"c{i}"]) for i in range(len(by_role))))
        .group_by(weekly.c.tool)
        .order_by(sessions.desc(), weekly.c.tool)
    )
    tools: list[tuple[str, int]] = []
    reports = dict.fromkeys(REPORTER_ROLES, 0)
    ratings = dict.fromkeys(REPORTER_ROLES, 0)
    for tool, covered, *counts in rows.all():
        if tool is not None:
            tools.append((str(tool), int(covered)))
        for i, role in enumerate(REPORTER_ROLES):
            reports[role] += int(counts[2 * i] or 0)
            ratings[role] += int(counts[2 * i + 1] or 0)
    useful = Usefulness(
        reports=sum(reports.values()),
        total=sum(ratings.values()),
        by_role={role: ratings[role] / n for role, n in reports.items() if n},
    )
    return tuple(tools), useful


async def sessions_by_tool(
    session: AsyncSession, team_id: str, since: date | None = None, until: date | None = None
) -> tuple[tuple[str, int], ...]:
    """(tool, sessions covering it), most first, ties by name: distinct sessions, so a session
    both partners reported counts once."""
    return (await _reported(session, team_id, since, until))[0]


async def usefulness(
    session: AsyncSession, team_id: str, since: date | None = None, until: date | None = None
) -> Usefulness:
    """The mean rating of the period's session reports, overall and by reporter role."""
    return (await _reported(session, team_id, since, until))[1]


# ---- all of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pairs:
    """Pairs running now, and all pairs ever made."""

    active: int = 0
    made: int = 0


@dataclass(frozen=True)
class ProgramFigures:
    """The program's figures over a period (participants and active pairs are as of now)."""

    since: date | None
    participants: Participants
    pairs: Pairs
    meetings: Meetings
    tools: Sequence[tuple[str, int]]
    usefulness: Usefulness
    # Participants who left in the period because Slack deactivated their account.
    deactivated: int = 0

    def top_tools(self, count: int = 5) -> Sequence[tuple[str, int]]:
        return self.tools[:count]


async def pairs(session: AsyncSession, team_id: str) -> Pairs:
    made, active = (
        await session.execute(
            select(func.count(), func.count(case((Pair.ended_at.is_(None), 1)))).where(
                Pair.team_id == team_id
            )
        )
    ).one()
    return Pairs(active=int(active), made=int(made))


async def deactivated(session: AsyncSession, team_id: str, since: date | None) -> int:
    """Participants who left since `since` (UTC midnight) because their account was
    deactivated."""
    query = (
        select(func.count())
        .select_from(StateChange)
        .join(Participant, Participant.id == StateChange.participant_id)
        .where(Participant.team_id == team_id, StateChange.via == DEACTIVATED_VIA)
    )
    if since is not None:
        query = query.where(StateChange.at >= datetime.combine(since, time.min, UTC))
    return int(await session.scalar(query) or 0)


async def program_figures(
    session: AsyncSession,
    team_id: str,
    *,
    now: datetime,
    since: date | None = None,
    until: date | None = None,
) -> ProgramFigures:
    """Every headline figure of the program for [since, until) (all weeks by default)."""
    tools, useful = await _reported(session, team_id, since, until)
    return ProgramFigures(
        since=since,
        participants=await participants(session, team_id, now=now),
        pairs=await pairs(session, team_id),
        meetings=await meetings(session, team_id, since, until),
        tools=tools,
        usefulness=useful,
        deactivated=await deactivated(session, team_id, since),
    )


async def cycle_start(
    session: AsyncSession, team_id: str, config: ProgramConfig, now: datetime
) -> date:
    """The current cycle's first day: the earliest running round's start; between cycles, the
    last cycle's (so HR still sees what it achieved); else `cycle_weeks` ago. HR's screens show
    the figures of this cycle."""
    approved = (Round.team_id == team_id, Round.status == RoundStatus.APPROVED)
    running = await session.scalar(
        select(func.min(Round.started_on)).where(*approved, Round.ended_at.is_(None))
    )
    if running is not None:
        return running
    # Re-pairs and hand-made pairs start mid-cycle: the cycle is the matching round's.
    last = await session.scalar(
        select(func.max(Round.started_on)).where(*approved, Round.source == RoundSource.MATCHING)
    )
    return last or (now - timedelta(weeks=config.cycle_weeks)).date()


__all__ = [
    "DEFINITIONS",
    "PARTS",
    "Meetings",
    "Pairs",
    "Participants",
    "ProgramFigures",
    "Standing",
    "Usefulness",
    "WeekFigures",
    "cycle_start",
    "PairMeetings",
    "meetings",
    "meetings_by_pair",
    "pairs",
    "participants",
    "program_figures",
    "sessions_by_tool",
    "standing_of",
    "usefulness",
    "weekly_meetings",
]
