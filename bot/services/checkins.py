"""Check-ins: a DM to each person of a pair some days after the week's prompt, their answer,
the sessions they report, and the "Not yet" reminder.

Concurrency is the database's: one check-in per person and week (unique), an answer moves a
check-in out of "asked" with `UPDATE … WHERE status = 'asked'` and its row count, both
partners' "We met" land on one session (unique per pair and week, inserted ignoring
duplicates) with one report each (unique per session and person).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter
from typing import Any, ClassVar, Literal

from sqlalchemy import and_, exists, or_, select, text, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.db import chunks, insert_ignoring_duplicates, insert_many_ignoring_duplicates
from bot.delivery.outbox import Outgoing, enqueue, enqueue_many, enqueue_to_each
from bot.i18n import _
from bot.services.enrollment.queries import is_paused
from bot.services.errors import AlreadyDecided, InvalidInput, NotAllowed, NotFound
from bot.services.fit import ask_fit
from bot.services.notices import AfterSend, Notice, remember_message
from bot.services.program.settings import hr_recipients
from bot.services.report.learning import refresh_latest_confidence
from bot.services.rounds import loading
from bot.services.rounds.ending import (
    CHECKIN,
    CHECKIN_AGAIN,
    PairEndedNotice,
    end_pairs,
    weekly_key,
)
from bot.services.rounds.queries import PairPeople
from models import (
    CheckIn,
    CheckInStatus,
    EndReason,
    LearningWay,
    Pair,
    PairSession,
    Participant,
    SessionReport,
    WeeklyPrompt,
)
from models.checkins import REMINDER_PENDING_SQL
from models.prompts import CHECKINS_PENDING_SQL

REMIND_AFTER = timedelta(days=2)
# What the "We met" and "We can't make this work" modals accept (the columns' sizes).
MAX_OTHER = 150
MAX_LEARNED = 200
MAX_NOTE = 500
# Weekly prompts whose check-ins are written per slice of the tick.
PROMPTS_PER_BATCH = 1000
# `rotnem checkin --now` asks about prompts of the last seven days.
CURRENT_WEEK = timedelta(days=7)


class CheckInNotFound(NotFound):
    """No such check-in in this workspace."""


class CheckInClosed(AlreadyDecided):
    """The check-in was already answered (or the button belongs to an older message)."""


class CheckinNotice(Notice):
    """The DM asking one person of a pair whether they met this week (attempt 2: the reminder)."""

    kind: ClassVar[str] = "checkin"

    checkin_id: int
    attempt: int
    partner: str


class CantMakeItNotice(Notice):
    """To an HR admin: someone says their pair can't work, with their private reason."""

    kind: ClassVar[str] = "checkin_cant_make_it"

    user: str
    partner: str
    choice: Literal["end", "tell_hr"]
    reason: str | None
    week: str


remember_checkin_message: AfterSend[CheckinNotice] = remember_message(
    CheckIn, lambda notice: notice.checkin_id
)


def _session_exists(pair_id: Any, week: Any) -> Any:
    return exists().where(PairSession.pair_id == pair_id, PairSession.iso_week == week)


# ---- the tick -----------------------------------------------------------------------------


def _by_id(rows: Sequence[Any]) -> list[Any]:
    """Rows in the order of their first column (the row ID). Sorted here, not by ORDER BY id:
    with it SQLite reads the whole table in ID order (hundreds of thousands of rows, every
    minute) instead of the small partial index of what is due."""
    return sorted(rows, key=itemgetter(0))


async def enqueue_due_checkins(
    session: AsyncSession, team_id: str, *, now: datetime, force: bool = False, skip: bool = False
) -> int:
    """Ask each person of a pair whose check-in is due (or, with `force`, whose prompt came in
    the last seven days); none for a week the pair already reported, none to a paused person.
    `skip` (the program is on a break): the due check-ins are settled without asking anyone,
    rather than asked about a week long past once the break ends."""
    people = PairPeople()
    due = WeeklyPrompt.due_at >= now - CURRENT_WEEK if force else WeeklyPrompt.checkin_due_at <= now
    columns = (
        WeeklyPrompt.id,
        WeeklyPrompt.pair_id,
        WeeklyPrompt.iso_week,
        Pair.ended_at,
        _session_exists(WeeklyPrompt.pair_id, WeeklyPrompt.iso_week),
        Pair.guide_id,
        Pair.learner_id,
    )
    query = people.join(
        select(*columns, *people.availability()).join(Pair, Pair.id == WeeklyPrompt.pair_id)
    ).where(text(CHECKINS_PENDING_SQL), WeeklyPrompt.team_id == team_id, due)
    # Core rows (no ORM result processing), handled a slice at a time so the tick's memory
    # stays bounded; all in the caller's transaction.
    connection = await session.connection()
    rows = _by_id((await connection.execute(query)).all())
    sent = 0
    for part in chunks(rows, PROMPTS_PER_BATCH):
        sent += await _ask(session, team_id, part, now=now, skip=skip)
    return sent


async def _ask(
    session: AsyncSession, team_id: str, rows: Sequence[Any], *, now: datetime, skip: bool
) -> int:
    new: list[dict[str, Any]] = []
    for row in rows:
        weekly_id, pair_id, week, ended_at, reported, guide_id, learner_id = row[:7]
        if skip or ended_at is not None or reported:
            continue
        people = ((guide_id, *row[7:10]), (learner_id, *row[10:13]))
        for participant_id, user_id, state, until in people:
            if is_paused(state, until, now):
                continue
            new.append(
                {
                    "team_id": team_id,
                    "pair_id": pair_id,
                    "weekly_prompt_id": weekly_id,
                    "participant_id": participant_id,
                    "user_id": user_id,
                    "iso_week": week,
                    "status": CheckInStatus.ASKED.value,
                    "attempt": 1,
                    "asked_at": now,
                }
            )
    partners = {row[1]: (row[7], row[10]) for row in rows}
    written = await insert_many_ignoring_duplicates(
        session,
        CheckIn,
        new,
        returning=(CheckIn.id, CheckIn.pair_id, CheckIn.user_id, CheckIn.iso_week),
    )
    outgoing: list[Outgoing] = []
    for checkin_id, pair_id, user_id, week in written:
        guide_user, learner_user = partners[pair_id]
        partner = learner_user if user_id == guide_user else guide_user
        outgoing.append(
            Outgoing(
                dedupe_key=weekly_key(CHECKIN, pair_id, user_id, week),
                notice=CheckinNotice(checkin_id=checkin_id, attempt=1, partner=partner),
                channel=user_id,
            )
        )
    sent = await enqueue_many(session, team_id, outgoing, now=now)
    connection = await session.connection()
    ids = [row[0] for row in rows]
    for part in chunks(ids):
        await connection.execute(
            update(WeeklyPrompt)
            .where(WeeklyPrompt.id.in_(part), WeeklyPrompt.checkins_enqueued_at.is_(None))
            .values(checkins_enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
    return sent


async def enqueue_due_reminders(
    session: AsyncSession, team_id: str, *, now: datetime, skip: bool = False
) -> int:
    """Ask again those who said "Not yet" two days ago, unless the pair has reported since or
    they have paused since; `skip` (the program is on a break): nobody is asked again."""
    me, other = aliased(Participant), aliased(Participant)
    query = (
        select(
            CheckIn.id,
            CheckIn.pair_id,
            CheckIn.user_id,
            CheckIn.iso_week,
            Pair.ended_at,
            _session_exists(CheckIn.pair_id, CheckIn.iso_week),
            other.user_id,
            me.state,
            me.paused_until,
        )
        .join(Pair, Pair.id == CheckIn.pair_id)
        .join(me, me.id == CheckIn.participant_id)
        .join(
            other,
            or_(
                and_(Pair.guide_id == CheckIn.participant_id, other.id == Pair.learner_id),
                and_(Pair.learner_id == CheckIn.participant_id, other.id == Pair.guide_id),
            ),
        )
        .where(
            text(REMINDER_PENDING_SQL), CheckIn.team_id == team_id, CheckIn.reminder_due_at <= now
        )
    )
    sent = 0
    for checkin_id, pair_id, user_id, week, ended_at, reported, partner, state, until in _by_id(
        (await session.execute(query)).all()
    ):
        values: dict[str, Any] = {"reminded_at": now}
        ask_again = not (skip or ended_at or reported or is_paused(state, until, now))
        if ask_again:
            values |= {"status": CheckInStatus.ASKED.value, "attempt": 2}
        claimed = await session.execute(
            update(CheckIn)
            .where(
                CheckIn.id == checkin_id,
                CheckIn.status == CheckInStatus.NOT_YET,
                CheckIn.reminded_at.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount or not ask_again:  # type: ignore[attr-defined]
            continue
        sent += await enqueue(
            session,
            team_id=team_id,
            dedupe_key=weekly_key(CHECKIN_AGAIN, pair_id, user_id, week),
            notice=CheckinNotice(checkin_id=checkin_id, attempt=2, partner=partner),
            channel=user_id,
            now=now,
        )
    return sent


# ---- answers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInInfo:
    """A check-in as its own person may see it: the pair, the partner, the state."""

    id: int
    pair_id: int
    user_id: str
    partner: str
    iso_week: str
    status: str
    attempt: int
    tools: tuple[str, ...]
    channel: str | None
    ts: str | None
    pair_active: bool
    participant_id: int
    reporter_role: str


async def get_checkin(
    session: AsyncSession, team_id: str, checkin_id: int, user_id: str
) -> CheckInInfo:
    """The check-in, as its own person sees it (NotAllowed for anyone else)."""
    row = (
        await session.execute(
            select(CheckIn, Pair)
            .join(Pair, Pair.id == CheckIn.pair_id)
            .where(CheckIn.id == checkin_id, CheckIn.team_id == team_id)
        )
    ).one_or_none()
    if row is None:
        raise CheckInNotFound(_("I can't find that check-in any more."))
    checkin, pair = row
    if checkin.user_id != user_id:
        raise NotAllowed(_("This check-in is someone else's, so I left it as it was."))
    other_id = pair.learner_id if checkin.participant_id == pair.guide_id else pair.guide_id
    partner = await session.scalar(select(Participant.user_id).where(Participant.id == other_id))
    return CheckInInfo(
        id=checkin.id,
        pair_id=pair.id,
        user_id=checkin.user_id,
        partner=str(partner),
        iso_week=checkin.iso_week,
        status=checkin.status,
        attempt=checkin.attempt,
        # a pair without a shared tool covers the guide's tools (as its prompts do)
        tools=tuple(pair.shared_tools or ())
        or (await loading.guide_tools(session, team_id, [pair.guide_id])).get(pair.guide_id, ()),
        channel=checkin.channel,
        ts=checkin.ts,
        pair_active=pair.ended_at is None,
        participant_id=checkin.participant_id,
        reporter_role="guide" if checkin.participant_id == pair.guide_id else "learner",
    )


async def _closed(session: AsyncSession, info: CheckInInfo) -> CheckInClosed:
    """Why an answer changed nothing, from the check-in as it is now: the loser of a double
    submit (whose read came before the winner's write) is told what was recorded."""
    row = (
        await session.execute(
            select(CheckIn.status, Pair.ended_at)
            .join(Pair, Pair.id == CheckIn.pair_id)
            .where(CheckIn.id == info.id)
        )
    ).one()
    status = row.status if row.ended_at is None else "pair_ended"
    return CheckInClosed(_("That check-in was already answered."), status)


async def open_checkin(
    session: AsyncSession, team_id: str, checkin_id: int, attempt: int, user_id: str
) -> CheckInInfo:
    """The check-in if this button may still answer it (CheckInClosed if not)."""
    info = await get_checkin(session, team_id, checkin_id, user_id)
    if info.status != CheckInStatus.ASKED or info.attempt != attempt or not info.pair_active:
        raise await _closed(session, info)
    return info


async def _close(
    session: AsyncSession,
    checkin_id: int,
    status: CheckInStatus,
    now: datetime,
    *,
    attempt: int | None = None,
    **values: Any,
) -> bool:
    statement = update(CheckIn).where(
        CheckIn.id == checkin_id, CheckIn.status == CheckInStatus.ASKED
    )
    if attempt is not None:
        statement = statement.where(CheckIn.attempt == attempt)
    result = await session.execute(
        statement.values(status=status.value, answered_at=now, **values).execution_options(
            synchronize_session=False
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Answer:
    """What an answer did: the check-in, the answer to show, a reminder if one is due."""

    info: CheckInInfo
    answer: str  # the ANSWER_TEXT key to show
    remind_at: datetime | None = None


async def answer_simple(
    session: AsyncSession,
    team_id: str,
    checkin_id: int,
    attempt: int,
    user_id: str,
    answer: Literal["not_yet", "skipped"],
    *,
    now: datetime,
) -> Answer:
    """ "Not yet" (asked again once, two days later) or "Skip this week" (nothing more)."""
    status = CheckInStatus(answer)
    info = await get_checkin(session, team_id, checkin_id, user_id)
    remind_at = None
    if status == CheckInStatus.NOT_YET and attempt == 1:
        remind_at = now + REMIND_AFTER
    if not info.pair_active or not await _close(
        session, checkin_id, status, now, attempt=attempt, reminder_due_at=remind_at
    ):
        raise await _closed(session, info)
    shown = status.value
    if status == CheckInStatus.NOT_YET and remind_at is None:
        shown = "not_yet_final"
    return Answer(info, shown, remind_at)


@dataclass(frozen=True)
class MetAnswers:
    """The "We met" modal's answers (the note to HR is private to HR)."""

    tool: str | None
    other: str | None
    rating: int
    learned: str | None
    hr_note: str | None
    # Learning outcomes: the learner's confidence in `tool` now, and which way it went.
    confidence: int | None = None
    direction: str | None = None


@dataclass(frozen=True)
class Met:
    """A recorded "We met": the week's session, and whether the partner reported it first."""

    info: CheckInInfo
    session_id: int
    partner_reported_first: bool


async def record_met(
    session: AsyncSession,
    team_id: str,
    checkin_id: int,
    user_id: str,
    answers: MetAnswers,
    *,
    now: datetime,
) -> Met:
    """ "We met": close the check-in, and add this person's report to the week's session (the
    partner's "We met" on the same week links to the same session)."""
    info = await get_checkin(session, team_id, checkin_id, user_id)
    if answers.tool is not None and answers.tool not in info.tools:
        # The modal offers the pair's tools only: anything else is an old or forged form.
        raise InvalidInput(_("Pick what you covered from the list, or “Something else”."))
    if answers.confidence is not None and (info.reporter_role != "learner" or not answers.tool):
        # Only the learner's modal asks, about a tool of the pair: an old or forged form.
        raise InvalidInput(_("Only the learner rates their confidence, in a tool they covered."))
    if answers.direction is not None and answers.direction not in set(LearningWay):
        raise InvalidInput(_("Pick which way the learning went."))
    if not info.pair_active or not await _close(session, checkin_id, CheckInStatus.MET, now):
        raise await _closed(session, info)
    created = await insert_ignoring_duplicates(
        session,
        PairSession,
        {"team_id": team_id, "pair_id": info.pair_id, "iso_week": info.iso_week, "created_at": now},
    )
    session_id = await session.scalar(
        select(PairSession.id).where(
            PairSession.pair_id == info.pair_id, PairSession.iso_week == info.iso_week
        )
    )
    assert session_id is not None
    await insert_ignoring_duplicates(
        session,
        SessionReport,
        {
            "team_id": team_id,
            "session_id": session_id,
            "iso_week": info.iso_week,
            "participant_id": info.participant_id,
            "reporter_role": info.reporter_role,
            "tool_name": answers.tool,
            "other_text": answers.other,
            "rating": answers.rating,
            "learned": answers.learned,
            "hr_note": answers.hr_note,
            "confidence": answers.confidence,
            "direction": answers.direction,
            "created_at": now,
        },
    )
    if answers.confidence is not None:
        await refresh_latest_confidence(session, team_id, info.participant_id)
    if created:
        await ask_fit(session, team_id, info.pair_id, now=now)
    return Met(info, int(session_id), partner_reported_first=not created)


async def record_cant_make_it(
    session: AsyncSession,
    team_id: str,
    checkin_id: int,
    user_id: str,
    *,
    choice: Literal["end", "tell_hr"],
    reason: str | None,
    now: datetime,
    admins: Iterable[str],
) -> Answer:
    """ "We can't make this work": end the pair (the partner is told it ended, not why) or just
    tell HR; HR admins get a DM with the private reason."""
    info = await get_checkin(session, team_id, checkin_id, user_id)
    closed = await _close(
        session,
        checkin_id,
        CheckInStatus.CANT_MAKE_IT,
        now,
        cant_make_it_choice=choice,
        private_reason=reason,
    )
    if not info.pair_active or not closed:
        raise await _closed(session, info)
    if choice == "end":
        pair = await session.get(Pair, info.pair_id)
        assert pair is not None
        # Pairing's conditional end (once, even with two clicks at once); the partner is told
        # that it ended, without the reason.
        ended = await end_pairs(
            session, [pair], reason=EndReason.UNPAIRED, now=now, ended_by=user_id
        )
        if ended:
            await enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"pair-ended:{pair.id}:{info.partner}",
                notice=PairEndedNotice(partner=user_id, why="partner_ended"),
                channel=info.partner,
                now=now,
            )
    notice = CantMakeItNotice(
        user=user_id, partner=info.partner, choice=choice, reason=reason, week=info.iso_week
    )
    await enqueue_to_each(
        session,
        team_id=team_id,
        dedupe_key=f"cant-make-it:{checkin_id}",
        notice=notice,
        users=await hr_recipients(session, team_id, admins),
        now=now,
    )
    return Answer(info, CheckInStatus.CANT_MAKE_IT.value)


async def last_answers(
    session: AsyncSession, pair_ids: Sequence[int]
) -> dict[int, list[tuple[str, str, str]]]:
    """Per pair, each person's latest check-in: (user, week, status). Never notes or reasons."""
    answers: dict[int, list[tuple[str, str, str]]] = {}
    connection = await session.connection()  # Core rows
    for part in chunks(sorted(set(pair_ids))):
        # Each person's latest check-in id, one backward step in the unique (pair, participant,
        # week) index per person (the pair names its two people), then only those rows by key.
        # Stall detection asks about ~1,700 pairs (~40,000 check-ins of history): grouping them
        # all and joining back made PostgreSQL hash-join a scan of every check-in (72 ms a
        # chunk on a fresh copy, 9 ms this way).
        latest = union_all(
            *(
                select(
                    select(CheckIn.id)
                    .where(CheckIn.pair_id == Pair.id, CheckIn.participant_id == person)
                    .order_by(CheckIn.iso_week.desc())
                    .limit(1)
                    .correlate(Pair)
                    .scalar_subquery()
                ).where(Pair.id.in_(part))
                for person in (Pair.guide_id, Pair.learner_id)
            )
        )
        rows = await connection.execute(
            select(CheckIn.pair_id, CheckIn.user_id, CheckIn.iso_week, CheckIn.status).where(
                CheckIn.id.in_(latest)
            )
        )
        for pair_id, user, week, status in sorted(rows.all()):
            answers.setdefault(pair_id, []).append((user, week, status))
    return answers
