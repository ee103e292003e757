"""Mid- and end-of-cycle surveys: a DM with a button to each person of every running pair of a
cycle, a short modal, one reminder if unanswered, answers changeable until the next stage.

When, in the program's zone, for a cycle from `started_on` to `ends_on` (`stage_window`):
- *mid*: from the halfway day, open until the end survey starts;
- *end*: from `END_LEAD_DAYS` before `ends_on` (a quarter of the cycle for short ones), so it
  reaches people while their pair still runs — the end-of-cycle job ends pairs on `ends_on` —
  and open for `END_GRACE` after the cycle, so a late answer still counts.
Surveys are asked of pairs still running on the stage's first tick (not of someone paused), once
per person and stage (`surveys` is unique per pair, person and stage; rows are inserted ignoring
duplicates), so a late, doubled or concurrent tick asks once. Answers are private: HR reads them
in aggregate; the partner never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_many_ignoring_duplicates
from bot.delivery.outbox import Outgoing, enqueue, enqueue_many
from bot.i18n import _, long_date
from bot.services.enrollment.queries import is_paused
from bot.services.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.services.notices import AfterSend, Notice, remember_message
from bot.services.report.learning import refresh_latest_confidence
from bot.services.rounds import loading
from bot.services.rounds.queries import PairPeople, user_ids
from bot.services.text import typed
from models import Pair, Participant, Round, RoundStatus, Survey, SurveyConfidence, SurveyStage

REMIND_AFTER = timedelta(days=3)
END_LEAD_DAYS = 5
END_GRACE = timedelta(days=7)
MAX_OTHER_SIDE = 200
# The confidence question is asked for at most this many of a learner's tools (the pair's first).
MAX_TOOLS = 8


def stage_window(stage: str, started_on: date, ends_on: date) -> tuple[date, date]:
    """The first day a stage's survey is asked, and the day it closes (exclusive)."""
    length = (ends_on - started_on).days
    mid = started_on + timedelta(days=length // 2)
    end = max(ends_on - timedelta(days=min(END_LEAD_DAYS, length // 4)), mid + timedelta(days=1))
    return (mid, end) if stage == SurveyStage.MID else (end, ends_on + END_GRACE)


def _closes_on(stage: str, started_on: date | None, ends_on: date | None) -> date:
    assert started_on is not None and ends_on is not None, "an approved round has its dates"
    return stage_window(stage, started_on, ends_on)[1]


def _other(pair: Pair, participant_id: int) -> int:
    return pair.learner_id if participant_id == pair.guide_id else pair.guide_id


class SurveyNotice(Notice):
    """The DM with the survey's button (attempt 2: the one reminder)."""

    kind: ClassVar[str] = "survey"

    survey_id: int
    stage: str
    partner: str
    attempt: int
    closes_on: date


class SurveyClosed(AlreadyDecided):
    """The survey's stage is over (the next one started), so it can't be answered any more."""


class SurveyNotFound(NotFound):
    """No such survey in this workspace."""


remember_survey_message: AfterSend[SurveyNotice] = remember_message(
    Survey, lambda notice: notice.survey_id
)


# ---- the tick -----------------------------------------------------------------------------


async def enqueue_due_surveys(
    session: AsyncSession, team_id: str, *, now: datetime, zone: ZoneInfo
) -> int:
    """Ask every person of the running pairs of each cycle whose stage has begun; how many."""
    today = now.astimezone(zone).date()
    cycles = await session.execute(
        select(Round.id, Round.started_on, Round.ends_on)
        .where(
            Round.team_id == team_id,
            Round.status == RoundStatus.APPROVED,
            Round.ended_at.is_(None),
            Round.started_on.is_not(None),
            Round.ends_on > today,
        )
        .order_by(Round.id)
    )
    sent = 0
    for round_id, started_on, ends_on in cycles.all():
        assert started_on is not None and ends_on is not None, "an approved round has its dates"
        for stage in SurveyStage:
            opens_on, closes_on = stage_window(stage, started_on, ends_on)
            if opens_on <= today < closes_on:
                # A pair HR made by hand after the stage opened has hardly begun: not asked.
                before = datetime.combine(opens_on, time(0), zone)
                sent += await _ask(session, team_id, round_id, stage, before, closes_on, now=now)
    return sent


async def _ask(
    session: AsyncSession,
    team_id: str,
    round_id: int,
    stage: SurveyStage,
    started_before: datetime,
    closes_on: date,
    *,
    now: datetime,
) -> int:
    people = PairPeople()
    asked = select(Survey.id).where(Survey.pair_id == Pair.id, Survey.stage == stage).exists()
    query = people.join(
        select(Pair.id, Pair.guide_id, Pair.learner_id, *people.availability())
    ).where(
        Pair.round_id == round_id, Pair.ended_at.is_(None), Pair.started_at < started_before, ~asked
    )
    rows = (await session.execute(query)).all()
    remind_at = now + REMIND_AFTER
    new: list[dict[str, Any]] = []
    partners: dict[tuple[int, int], str] = {}
    users: dict[int, str] = {}
    for pair_id, guide_id, learner_id, g_user, g_state, g_until, l_user, l_state, l_until in rows:
        two = (
            (guide_id, g_user, g_state, g_until, l_user),
            (learner_id, l_user, l_state, l_until, g_user),
        )
        for participant_id, user, state, until, partner in two:
            if is_paused(state, until, now):
                continue
            partners[(pair_id, participant_id)] = partner
            users[participant_id] = user
            new.append(
                {
                    "team_id": team_id,
                    "pair_id": pair_id,
                    "participant_id": participant_id,
                    "stage": stage.value,
                    "asked_at": now,
                    "reminder_due_at": remind_at if remind_at.date() < closes_on else None,
                }
            )
    written = await insert_many_ignoring_duplicates(
        session, Survey, new, returning=(Survey.id, Survey.pair_id, Survey.participant_id)
    )
    outgoing = [
        Outgoing(
            dedupe_key=f"survey:{pair_id}:{participant_id}:{stage.value}",
            notice=SurveyNotice(
                survey_id=survey_id,
                stage=stage.value,
                partner=partners[(pair_id, participant_id)],
                attempt=1,
                closes_on=closes_on,
            ),
            channel=users[participant_id],
        )
        for survey_id, pair_id, participant_id in written
    ]
    return await enqueue_many(session, team_id, outgoing, now=now)


async def enqueue_due_survey_reminders(
    session: AsyncSession, team_id: str, *, now: datetime, zone: ZoneInfo
) -> int:
    """Ask once more whoever has not answered three days later, if the pair still runs, the
    survey is still open and they have not paused since; how many."""
    query = (
        select(
            Survey,
            Pair,
            Round.started_on,
            Round.ends_on,
            Participant.state,
            Participant.paused_until,
        )
        .join(Pair, Pair.id == Survey.pair_id)
        .join(Round, Round.id == Pair.round_id)
        .join(Participant, Participant.id == Survey.participant_id)
        .where(
            Survey.team_id == team_id,
            Survey.reminder_due_at <= now,
            Survey.reminded_at.is_(None),
            Survey.answered_at.is_(None),
        )
        .order_by(Survey.id)
    )
    today = now.astimezone(zone).date()
    sent = 0
    for survey, pair, started_on, ends_on, state, until in (await session.execute(query)).all():
        claimed = await session.execute(
            update(Survey)
            .where(
                Survey.id == survey.id, Survey.reminded_at.is_(None), Survey.answered_at.is_(None)
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        closes_on = _closes_on(survey.stage, started_on, ends_on)
        if (
            not claimed.rowcount  # type: ignore[attr-defined]
            or pair.ended_at is not None
            or today >= closes_on
            or is_paused(state, until, now)
        ):
            continue
        users = await user_ids(session, (pair.guide_id, pair.learner_id))
        me = users[survey.participant_id]
        partner = users[
            pair.learner_id if survey.participant_id == pair.guide_id else pair.guide_id
        ]
        sent += await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"survey-again:{pair.id}:{survey.participant_id}:{survey.stage}",
            notice=SurveyNotice(
                survey_id=survey.id,
                stage=survey.stage,
                partner=partner,
                attempt=2,
                closes_on=closes_on,
            ),
            channel=me,
            now=now,
        )
    return sent


# ---- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyAnswers:
    """One person's answers; `continue_pair` is asked (and required) at the end only."""

    usefulness: int
    recommend: bool
    confidence: tuple[tuple[str, int], ...] = ()
    learned_other_side: str | None = None
    continue_pair: bool | None = None


@dataclass(frozen=True)
class SurveyForm:
    """A survey as its person sees it: the stage, the partner, the tools asked about (the
    learner's), until when it can be changed, and the answers given so far."""

    survey_id: int
    stage: str
    partner: str
    tools: tuple[str, ...]
    closes_on: date
    answers: SurveyAnswers | None = None
    channel: str | None = None
    ts: str | None = None


async def open_survey(
    session: AsyncSession,
    team_id: str,
    survey_id: int,
    user_id: str,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> SurveyForm:
    """The survey, with the answers so far, while it is open (SurveyClosed after)."""
    row = (
        await session.execute(
            select(Survey, Pair, Round.started_on, Round.ends_on)
            .join(Pair, Pair.id == Survey.pair_id)
            .join(Round, Round.id == Pair.round_id)
            .where(Survey.id == survey_id, Survey.team_id == team_id)
        )
    ).one_or_none()
    if row is None:
        raise SurveyNotFound(_("I can't find that survey any more."))
    survey, pair, started_on, ends_on = row
    users = await user_ids(session, (pair.guide_id, pair.learner_id))
    if users[survey.participant_id] != user_id:
        raise NotAllowed(_("This survey is someone else's, so I left it as it was."))
    closes_on = _closes_on(survey.stage, started_on, ends_on)
    if now.astimezone(zone).date() >= closes_on:
        last = long_date(closes_on - timedelta(days=1))
        raise SurveyClosed(
            _(
                "This survey closed after {day}, so your answers stay as they were. Thank you!"
            ).format(day=last),
            "closed",
        )
    return SurveyForm(
        survey_id=survey.id,
        stage=survey.stage,
        partner=users[_other(pair, survey.participant_id)],
        tools=await _tools(session, team_id, pair, survey.participant_id),
        closes_on=closes_on,
        answers=await _answers(session, survey),
        channel=survey.channel,
        ts=survey.ts,
    )


async def _tools(
    session: AsyncSession, team_id: str, pair: Pair, participant_id: int
) -> tuple[str, ...]:
    """What the confidence question is asked about: the learner's tools, the pair's first."""
    if participant_id != pair.learner_id:
        return ()
    people = await loading.people(session, team_id, participant_ids=[participant_id])
    learns = next(iter(people.values())).learns if people else ()
    shared = [tool for tool in pair.shared_tools if tool in learns]
    return tuple(dict.fromkeys([*shared, *learns]))[:MAX_TOOLS]


async def _answers(session: AsyncSession, survey: Survey) -> SurveyAnswers | None:
    if survey.answered_at is None or survey.usefulness is None or survey.recommend is None:
        return None
    ratings = await session.execute(
        select(SurveyConfidence.tool_name, SurveyConfidence.rating)
        .where(SurveyConfidence.survey_id == survey.id)
        .order_by(SurveyConfidence.id)
    )
    return SurveyAnswers(
        usefulness=survey.usefulness,
        recommend=survey.recommend,
        confidence=tuple((tool, rating) for tool, rating in ratings.all()),
        learned_other_side=survey.learned_other_side,
        continue_pair=survey.continue_pair,
    )


def _checked(form: SurveyForm, answers: SurveyAnswers) -> SurveyAnswers:
    """The answers as stored, or InvalidInput (the modal checks the same, field by field)."""
    if not 1 <= answers.usefulness <= 5:
        raise InvalidInput(_("Rate how useful it is from 1 to 5."))
    if (answers.continue_pair is None) == (form.stage == SurveyStage.END):
        raise InvalidInput(_("Say whether you'd like to continue with your partner."))
    if any(tool not in form.tools or not 1 <= rating <= 5 for tool, rating in answers.confidence):
        raise InvalidInput(_("Your tools changed since this survey opened; please open it again."))
    learned = typed(answers.learned_other_side, limit=MAX_OTHER_SIDE)
    return replace(answers, learned_other_side=learned)


async def record_survey(
    session: AsyncSession,
    team_id: str,
    survey_id: int,
    user_id: str,
    answers: SurveyAnswers,
    *,
    now: datetime,
    zone: ZoneInfo,
) -> SurveyForm:
    """Store (or replace) the person's answers while the survey is open."""
    form = await open_survey(session, team_id, survey_id, user_id, now=now, zone=zone)
    answers = _checked(form, answers)
    await session.execute(
        update(Survey)
        .where(Survey.id == survey_id)
        .values(
            usefulness=answers.usefulness,
            recommend=answers.recommend,
            learned_other_side=answers.learned_other_side,
            continue_pair=answers.continue_pair,
            answered_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    await session.execute(delete(SurveyConfidence).where(SurveyConfidence.survey_id == survey_id))
    await insert_many_ignoring_duplicates(
        session,
        SurveyConfidence,
        [
            {"survey_id": survey_id, "tool_name": tool, "rating": rating}
            for tool, rating in answers.confidence
        ],
        returning=(SurveyConfidence.id,),
    )
    person = await session.scalar(select(Survey.participant_id).where(Survey.id == survey_id))
    await refresh_latest_confidence(session, team_id, person)
    return replace(form, answers=answers)
