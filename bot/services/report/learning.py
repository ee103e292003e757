"""What people learned, as HR's report shows it: confidence before → now per tool, tools
learned (teach-backs) and still used (follow-ups), fit answers, survey scores, the two-way share
of sessions and the skills gap. The words are `bot.services.figures.DEFINITIONS`.

Anonymity is applied here, before any screen sees a number: a count of people below the
program's k comes out as None ("fewer than k"), and so does every figure computed over them.
Zero stays 0 (nobody is not somebody). Nothing returned names a person or carries one
person's rating.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, case, func, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.services.calendar import iso_week
from models import (
    Direction,
    FitAnswer,
    FitCheck,
    FollowUp,
    LearningWay,
    Participant,
    ParticipantTool,
    SessionReport,
    State,
    StillUsing,
    Survey,
    SurveyConfidence,
    SurveyStage,
    TeachBack,
    Tool,
    ToolBaseline,
)

T = TypeVar("T")


def masked(count: int, k: int) -> int | None:
    """`count` people, or None when there are some but fewer than k."""
    return None if 0 < count < k else count


def given(people: int | None, value: T) -> T | None:
    """A figure computed over `people` (already masked): None when they are hidden."""
    return None if people is None else value


@dataclass(frozen=True)
class Spread:
    """The median and quartiles of some 1–5 ratings."""

    median: float
    q1: float
    q3: float


def spread(ratings: Sequence[int]) -> Spread:
    if len(ratings) == 1:
        return Spread(ratings[0], ratings[0], ratings[0])
    q1, median, q3 = statistics.quantiles(ratings, n=4, method="inclusive")
    return Spread(median=median, q1=q1, q3=q3)


# ---- confidence before → now -----------------------------------------------------------------


@dataclass(frozen=True)
class ToolConfidence:
    """Confidence before → now in one tool (before/now are None below k learners)."""

    tool: str
    learners: int | None
    before: Spread | None = None
    now: Spread | None = None


@dataclass(frozen=True)
class Confidence:
    """Confidence before → now over every learner and tool, and per tool."""

    learners: int | None = 0
    before: Spread | None = None
    now: Spread | None = None
    tools: tuple[ToolConfidence, ...] = ()


@dataclass(frozen=True)
class Progress:
    """How many learners of one tool went from one baseline rating to one latest rating."""

    tool: str
    baseline: int
    latest: int
    learners: int


@dataclass(frozen=True)
class Rating:
    """A confidence rating and when it was given."""

    rating: int
    at: datetime


def _newest(
    dialect: str,
    person: InstrumentedAttribute[Any],
    tool: InstrumentedAttribute[Any],
    at: InstrumentedAttribute[Any],
    rating: InstrumentedAttribute[Any],
) -> Select[Any, Any, Any, Any]:
    """The newest (person, tool, at, rating) per person and tool, read in index order, not
    ranked: PostgreSQL's DISTINCT ON; SQLite's max(), whose bare columns come from the row
    holding the maximum."""
    if dialect == "postgresql":
        return (
            select(person, tool, at, rating)
            .ext(distinct_on(person, tool))
            .order_by(person, tool, at.desc())
        )
    return select(person, tool, func.max(at), rating).group_by(person, tool)


def _newest_ratings(
    dialect: str, team_id: str, stage: SurveyStage | None
) -> tuple[Select[Any, Any, Any, Any], Select[Any, Any, Any, Any] | None]:
    """Each person's newest survey confidence per tool (with `stage`: that stage's), and newest
    session report confidence per tool (None with `stage`): (person, tool, at, rating)."""
    surveys = (
        _newest(
            dialect,
            Survey.participant_id,
            SurveyConfidence.tool_name,
            Survey.answered_at,
            SurveyConfidence.rating,
        )
        .join(Survey, Survey.id == SurveyConfidence.survey_id)
        .where(Survey.team_id == team_id, Survey.answered_at.is_not(None))
    )
    if stage is not None:
        return surveys.where(Survey.stage == stage), None
    reports = _newest(
        dialect,
        SessionReport.participant_id,
        SessionReport.tool_name,
        SessionReport.created_at,
        SessionReport.confidence,
    ).where(
        SessionReport.team_id == team_id,
        SessionReport.confidence.is_not(None),
        SessionReport.tool_name.is_not(None),
    )
    return surveys, reports


async def latest_ratings(
    session: AsyncSession,
    team_id: str,
    *,
    stage: SurveyStage | None = None,
    participant_id: int | None = None,
) -> dict[tuple[int, str], Rating]:
    """Each person's (or one person's) latest confidence rating per tool after the baseline's
    question: a session report's or an answered survey's (with `stage`: that stage's surveys
    only)."""
    surveys, reports = _newest_ratings(session.get_bind().dialect.name, team_id, stage)
    if participant_id is not None:
        surveys = surveys.where(Survey.participant_id == participant_id)
        if reports is not None:
            reports = reports.where(SessionReport.participant_id == participant_id)
    latest = {
        (int(p), str(t)): Rating(int(r), at) for p, t, at, r in await session.execute(surveys)
    }
    for p, t, at, r in await session.execute(reports) if reports is not None else ():
        key = (int(p), str(t))
        survey = latest.get(key)
        if survey is None or at >= survey.at:
            latest[key] = Rating(int(r), at)
    return latest


async def refresh_latest_confidence(
    session: AsyncSession, team_id: str, participant_id: int | None = None
) -> None:
    """Keep each learning baseline's latest later rating (`latest_rating`, `latest_at`) as
    `latest_ratings` defines it: after one person's "We met" or survey, or for everyone (rows
    written in bulk). Ranking a year of ratings for every report took most of a second."""
    latest = await latest_ratings(session, team_id, participant_id=participant_id)
    baselines = select(
        ToolBaseline.id,
        ToolBaseline.participant_id,
        ToolBaseline.tool_name,
        ToolBaseline.rated_at,
        ToolBaseline.latest_rating,
        ToolBaseline.latest_at,
    ).where(ToolBaseline.team_id == team_id, ToolBaseline.direction == Direction.LEARN)
    if participant_id is not None:
        baselines = baselines.where(ToolBaseline.participant_id == participant_id)
    changes: list[dict[str, Any]] = []
    for row_id, person, tool, rated_at, rating, at in await session.execute(baselines):
        newest = latest.get((int(person), str(tool)))
        now = (newest.rating, newest.at) if newest and newest.at > rated_at else (None, None)
        if now != (rating, at):
            changes.append({"id": row_id, "latest_rating": now[0], "latest_at": now[1]})
    if changes:
        await session.execute(update(ToolBaseline), changes)


async def confidence_progress(session: AsyncSession, team_id: str) -> tuple[list[Progress], int]:
    """Learners per tool, baseline and latest later rating (counted in the database: a few
    hundred rows instead of one per learner and tool), and how many learners that is."""
    rated = (
        ToolBaseline.team_id == team_id,
        ToolBaseline.direction == Direction.LEARN,
        ToolBaseline.latest_rating.is_not(None),
    )
    rows = await session.execute(
        select(
            ToolBaseline.tool_name, ToolBaseline.rating, ToolBaseline.latest_rating, func.count()
        )
        .where(*rated)
        .group_by(ToolBaseline.tool_name, ToolBaseline.rating, ToolBaseline.latest_rating)
    )
    learners = await session.scalar(
        select(func.count(func.distinct(ToolBaseline.participant_id))).where(*rated)
    )
    progress = [Progress(str(t), int(b), int(n), int(c)) for t, b, n, c in rows if n is not None]
    return progress, int(learners or 0)


def _confidence(progress: Sequence[Progress], learners: int, k: int) -> Confidence:
    by_tool: dict[str, list[Progress]] = defaultdict(list)
    for row in progress:
        by_tool[row.tool].append(row)

    def spreads(rows: Iterable[Progress]) -> tuple[Spread, Spread]:
        before: list[int] = []
        now: list[int] = []
        for row in rows:
            before += [row.baseline] * row.learners
            now += [row.latest] * row.learners
        return spread(before), spread(now)

    def count(rows: list[Progress]) -> int:
        return sum(row.learners for row in rows)

    def summary(
        rows: Sequence[Progress], people: int
    ) -> tuple[int | None, Spread | None, Spread | None]:
        shown = masked(people, k)
        return (shown, *spreads(rows)) if shown else (shown, None, None)

    tools = [
        ToolConfidence(tool, *summary(by_tool[tool], count(by_tool[tool])))
        for tool in sorted(by_tool, key=lambda name: (-count(by_tool[name]), name.casefold()))
    ]
    return Confidence(*summary(progress, learners), tuple(tools))


# ---- tools learned and still used ------------------------------------------------------------


@dataclass(frozen=True)
class ToolUse:
    """One tool: learners who showed it back, follow-ups answered, and how many still use it."""

    tool: str
    learned: int | None
    answered: int | None = 0
    still_using: int | None = 0


@dataclass(frozen=True)
class Learned:
    """Teach-backs and follow-ups, overall and per tool."""

    learned: int | None = 0  # tools learned: (learner, tool) teach-backs
    learners: int | None = 0
    answered: int | None = 0
    still_using: int | None = 0
    tools: tuple[ToolUse, ...] = ()

    @property
    def still_using_share(self) -> float | None:
        if not self.answered or self.still_using is None:
            return None
        return self.still_using / self.answered


async def _learned(session: AsyncSession, team_id: str, k: int) -> Learned:
    learned = {
        str(tool): (int(backs), int(people))
        for tool, backs, people in (
            await session.execute(
                select(
                    TeachBack.tool_name, func.count(), func.count(TeachBack.learner_id.distinct())
                )
                .where(TeachBack.team_id == team_id)
                .group_by(TeachBack.tool_name)
            )
        ).all()
    }
    learners = masked(
        int(
            await session.scalar(
                select(func.count(TeachBack.learner_id.distinct())).where(
                    TeachBack.team_id == team_id
                )
            )
            or 0
        ),
        k,
    )
    still = (StillUsing.YES, StillUsing.SOMETIMES)
    followed = {
        str(tool): (int(answered), int(using or 0))
        for tool, answered, using in (
            await session.execute(
                select(
                    FollowUp.tool_name,
                    func.count(),
                    func.sum(case((FollowUp.answer.in_(still), 1), else_=0)),
                )
                .where(FollowUp.team_id == team_id, FollowUp.answer.is_not(None))
                .group_by(FollowUp.tool_name)
            )
        ).all()
    }
    tools = []
    for tool in sorted(set(learned) | set(followed), key=lambda t: (-learned.get(t, (0, 0))[0], t)):
        answered, using = followed.get(tool, (0, 0))
        shown = masked(answered, k)
        tools.append(
            ToolUse(tool, masked(learned.get(tool, (0, 0))[1], k), shown, given(shown, using))
        )
    all_answered = masked(sum(a for a, _ in followed.values()), k)
    return Learned(
        # (learner, tool) once, however many guides confirmed it: per tool, its learners.
        learned=given(learners, sum(people for _, people in learned.values())),
        learners=learners,
        answered=all_answered,
        still_using=given(all_answered, sum(using for _, using in followed.values())),
        tools=tuple(tools),
    )


# ---- fit and surveys -------------------------------------------------------------------------


@dataclass(frozen=True)
class FitAnswers:
    """ "How is the fit?": asked, answered, and the answers (None below k answers)."""

    asked: int = 0
    answered: int | None = 0
    good: int | None = 0
    deciding: int | None = 0
    bad: int | None = 0


async def _fit(session: AsyncSession, team_id: str, k: int) -> FitAnswers:
    rows = (
        await session.execute(
            select(FitCheck.answer, func.count())
            .where(FitCheck.team_id == team_id)
            .group_by(FitCheck.answer)
        )
    ).all()
    counts = {answer: int(n) for answer, n in rows}
    answered = sum(n for answer, n in counts.items() if answer is not None)
    shown = masked(answered, k)

    def part(answer: FitAnswer) -> int | None:
        return given(shown, counts.get(answer, 0))

    return FitAnswers(
        asked=sum(counts.values()),
        answered=shown,
        good=part(FitAnswer.GOOD),
        deciding=part(FitAnswer.DECIDING),
        bad=part(FitAnswer.BAD),
    )


@dataclass(frozen=True)
class StageScores:
    """One survey stage's answers: mean usefulness, share who would recommend it, and (end of
    cycle) the share who want to continue with their partner; None below k answers."""

    stage: SurveyStage
    answered: int | None = 0
    usefulness: float | None = None
    recommend: float | None = None
    continue_pair: float | None = None


def _share(yes: int | None, of: int | None) -> float | None:
    return (yes or 0) / of if of else None


async def _surveys(session: AsyncSession, team_id: str, k: int) -> tuple[StageScores, ...]:
    rows = (
        await session.execute(
            select(
                Survey.stage,
                func.count(),
                func.avg(Survey.usefulness),
                func.sum(case((Survey.recommend.is_(True), 1), else_=0)),
                func.count(Survey.recommend),
                func.sum(case((Survey.continue_pair.is_(True), 1), else_=0)),
                func.count(Survey.continue_pair),
            )
            .where(Survey.team_id == team_id, Survey.answered_at.is_not(None))
            .group_by(Survey.stage)
        )
    ).all()
    found = {str(stage): row for stage, *row in rows}
    stages = []
    for stage in SurveyStage:
        if stage not in found:
            stages.append(StageScores(stage))
            continue
        answered, useful, recommend, recommend_of, stay, stay_of = found[stage]
        shown = masked(int(answered), k)
        if not shown:
            stages.append(StageScores(stage, shown))
            continue
        stages.append(
            StageScores(
                stage,
                shown,
                usefulness=None if useful is None else float(useful),
                recommend=_share(recommend, recommend_of),
                continue_pair=_share(stay, stay_of),
            )
        )
    return tuple(stages)


# ---- which way the learning went ----------------------------------------------------------


@dataclass(frozen=True)
class TwoWay:
    """Sessions with a reported direction, and those whose learning went both ways."""

    sessions: int = 0
    two_way: int = 0

    @property
    def share(self) -> float | None:
        return self.two_way / self.sessions if self.sessions else None


async def _two_way(session: AsyncSession, team_id: str, since: date | None) -> TwoWay:
    """Sessions of the weeks since `since` (the period of the report's sessions; None: all)."""

    def said(way: LearningWay) -> ColumnElement[int]:
        return func.max(case((SessionReport.direction == way, 1), else_=0))

    per_session = (
        select(
            said(LearningWay.BOTH).label("both"),
            said(LearningWay.TOOL).label("tool"),
            said(LearningWay.MIRROR).label("mirror"),
        )
        .where(
            SessionReport.team_id == team_id,
            SessionReport.iso_week >= (iso_week(since) if since else ""),
            SessionReport.direction.is_not(None),
        )
        .group_by(SessionReport.session_id)
        .subquery()
    )
    both_ways = (per_session.c.both == 1) | (
        (per_session.c.tool == 1) & (per_session.c.mirror == 1)
    )
    sessions, two_way = (
        await session.execute(
            select(func.count(), func.sum(case((both_ways, 1), else_=0))).select_from(per_session)
        )
    ).one()
    return TwoWay(int(sessions), int(two_way or 0))


# ---- the skills gap --------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolDemand:
    """One tool: active people who want to learn it, active guides who teach it and how many
    learners those guides can take at most (None below k people)."""

    tool: str
    wanted: int | None
    guides: int | None
    room: int | None
    # Nobody teaches it, or its guides cannot take everyone who wants it.
    unmet: bool


async def _skills_gap(session: AsyncSession, team_id: str, k: int) -> tuple[ToolDemand, ...]:
    name = func.coalesce(Tool.name, ParticipantTool.other_name)
    rows = await session.execute(
        select(
            name,
            ParticipantTool.direction,
            func.count(Participant.id.distinct()),
            func.sum(Participant.capacity),
        )
        .join(Participant, Participant.id == ParticipantTool.participant_id)
        .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
        .where(Participant.team_id == team_id, Participant.state == State.ACTIVE)
        .group_by(name, ParticipantTool.direction)
    )
    # A typed-in "power bi" and the catalogue's "Power BI" are one tool; the catalogue's
    # spelling (capitalised) wins.
    names: dict[str, str] = {}
    counts: dict[tuple[str, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for tool, direction, people, room in rows.all():
        key = str(tool).casefold()
        names[key] = min(names.get(key, str(tool)), str(tool))
        n, r = counts[(key, direction)]
        counts[(key, direction)] = (n + int(people), r + int(room or 0))
    demand = []
    for key, tool in names.items():
        wanted, _ = counts[(key, Direction.LEARN)]
        guides, room = counts[(key, Direction.TEACH)]
        shown_guides = masked(guides, k)
        demand.append(
            (
                (wanted - room, wanted),
                ToolDemand(
                    tool=tool,
                    wanted=masked(wanted, k),
                    guides=shown_guides,
                    room=given(shown_guides, room),
                    unmet=wanted > room,
                ),
            )
        )
    demand.sort(key=lambda item: (-item[0][0], -item[0][1], item[1].tool.casefold()))
    return tuple(d for _, d in demand if d.wanted != 0)


# ---- all of it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningFigures:
    """Every learning figure of the report."""

    confidence: Confidence
    learned: Learned
    fit: FitAnswers
    surveys: tuple[StageScores, ...]
    two_way: TwoWay
    skills_gap: tuple[ToolDemand, ...]


async def learning_figures(
    session: AsyncSession, team_id: str, *, k: int, since: date | None
) -> LearningFigures:
    """What people learned, anonymised at `k` people (the two-way share over the sessions since
    `since`, everything else since people joined)."""
    return LearningFigures(
        confidence=_confidence(*await confidence_progress(session, team_id), k),
        learned=await _learned(session, team_id, k),
        fit=await _fit(session, team_id, k),
        surveys=await _surveys(session, team_id, k),
        two_way=await _two_way(session, team_id, since),
        skills_gap=await _skills_gap(session, team_id, k),
    )
