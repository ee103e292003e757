"""What people learn: a confidence baseline per tool from the profile, the teach-back a guide
confirms after a session, and the follow-up 30 days after the cycle ("Still using it?").

The rules that must hold under double clicks and two workers are the database's: the first
rating per person, direction and tool is the baseline (inserted ignoring duplicates, so editing
the profile never moves it); one teach-back and one follow-up per pair and tool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import Select, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_ignoring_duplicates, insert_many_ignoring_duplicates
from bot.delivery.outbox import enqueue
from bot.i18n import _
from bot.services.enrollment.queries import Profile, read_profile
from bot.services.errors import AlreadyDecided, InvalidInput, NotAllowed, NotAParticipant, NotFound
from bot.services.notices import AfterSend, Notice, remember_message
from bot.services.rounds.queries import PairPeople
from models import (
    Direction,
    EndReason,
    FollowUp,
    Pair,
    PairSession,
    Participant,
    ProgramSettings,
    SessionReport,
    State,
    StillUsing,
    TeachBack,
    ToolBaseline,
)

# The rating step asks about at most this many tools per direction (a modal holds 100 blocks,
# and a longer form would not be answered).
MAX_RATED = 10
# "What did they do?" on a teach-back: one line.
MAX_WHAT = 150
FOLLOW_UP_AFTER = timedelta(days=30)


# ---- the baseline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolToRate:
    """A tool on someone's profile with no baseline yet (`direction`: "learn" or "teach")."""

    direction: str
    tool: str


@dataclass(frozen=True)
class Rating:
    direction: str
    tool: str
    rating: int


class ToolNotChosen(InvalidInput):
    """A rating for a tool that is not on the person's profile; `index` is its position."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


async def _rated(session: AsyncSession, participant_id: int) -> set[tuple[str, str]]:
    found = await session.execute(
        select(ToolBaseline.direction, ToolBaseline.tool_name).where(
            ToolBaseline.participant_id == participant_id
        )
    )
    return {(direction, tool) for direction, tool in found}


async def _participant(session: AsyncSession, team_id: str, user_id: str) -> Participant:
    participant = await session.scalar(
        select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    )
    if participant is None or participant.state == State.LEFT:
        raise NotAParticipant(_("You're not in the program, so there is nothing to rate."))
    return participant


async def tools_to_rate(session: AsyncSession, profile: Profile) -> tuple[ToolToRate, ...]:
    """The tools on the profile without a baseline yet: those to learn first, then those to
    teach, at most `MAX_RATED` of each."""
    participant = await _participant(session, profile.team_id, profile.user_id)
    rated = await _rated(session, participant.id)
    wanted: list[ToolToRate] = []
    for direction, refs in ((Direction.LEARN, profile.learns), (Direction.TEACH, profile.teaches)):
        names = [ref.name for ref in refs if (direction.value, ref.name) not in rated]
        wanted += [ToolToRate(direction.value, name) for name in dict.fromkeys(names)][:MAX_RATED]
    return tuple(wanted)


async def record_baselines(
    session: AsyncSession, team_id: str, user_id: str, ratings: Sequence[Rating], *, now: datetime
) -> int:
    """Keep each rating as the baseline of its tool unless the tool has one (the first rating
    stays); how many were new. A tool not on the person's profile (an old or forged form) is
    refused with `ToolNotChosen`, and nothing is written."""
    participant = await _participant(session, team_id, user_id)
    profile = await read_profile(session, participant, now)
    chosen = {
        Direction.LEARN.value: {ref.name for ref in profile.learns},
        Direction.TEACH.value: {ref.name for ref in profile.teaches},
    }
    for index, rating in enumerate(ratings):
        if rating.tool not in chosen.get(rating.direction, set()):
            raise ToolNotChosen(
                _(
                    "{tool} is not among the tools on your profile any more; "
                    "close this and edit your profile instead."
                ).format(tool=rating.tool),
                index,
            )
        if not 1 <= rating.rating <= 5:
            raise InvalidInput(_("Pick a number from 1 to 5."))
    rows = [
        {
            "team_id": team_id,
            "participant_id": participant.id,
            "direction": rating.direction,
            "tool_name": rating.tool,
            "rating": rating.rating,
            "rated_at": now,
        }
        for rating in ratings
    ]
    written = await insert_many_ignoring_duplicates(
        session, ToolBaseline, rows, returning=(ToolBaseline.id,)
    )
    return len(written)


# ---- the teach-back -------------------------------------------------------------------------


class TeachBackNotice(Notice):
    """To the pair's group DM: the guide confirmed that the learner showed a tool back."""

    kind: ClassVar[str] = "learning_teach_back"

    guide: str
    learner: str
    tool: str
    what: str | None


class TeachBackConfirmed(AlreadyDecided):
    """The teach-back of this pair and tool was already confirmed."""


@dataclass(frozen=True)
class TeachBackOffer:
    """What the guide may confirm after reporting a session: the learner showed `tool` back.

    `rating` is the guide's usefulness rating of the session, for redrawing their check-in.
    """

    session_id: int
    pair_id: int
    guide: str
    learner: str
    learner_name: str
    tool: str
    rating: int
    confirmed: bool


async def teach_back_offer(
    session: AsyncSession, team_id: str, session_id: int, user_id: str
) -> TeachBackOffer | None:
    """The teach-back the pair's guide may confirm for this session (the tool their report
    named); None when their report named none. NotAllowed for anyone but the pair's guide."""
    people = PairPeople()
    columns: tuple[Any, ...] = (
        Pair,
        people.guide.user_id,
        people.learner.user_id,
        people.learner.display_name,
    )
    query = select(*columns)
    row = (
        await session.execute(
            people.join(
                query.select_from(PairSession).join(Pair, Pair.id == PairSession.pair_id)
            ).where(PairSession.id == session_id, PairSession.team_id == team_id)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(_("I can't find that session any more."))
    pair, guide_user, learner_user, learner_name = row
    if guide_user != user_id:
        raise NotAllowed(_("Only the pair's guide can confirm a teach-back."))
    report = (
        await session.execute(
            select(SessionReport.tool_name, SessionReport.rating).where(
                SessionReport.session_id == session_id,
                SessionReport.participant_id == pair.guide_id,
            )
        )
    ).one_or_none()
    if report is None or report.tool_name is None:
        return None
    confirmed = await session.scalar(
        select(
            exists().where(TeachBack.pair_id == pair.id, TeachBack.tool_name == report.tool_name)
        )
    )
    return TeachBackOffer(
        session_id=session_id,
        pair_id=pair.id,
        guide=guide_user,
        learner=learner_user,
        learner_name=learner_name,
        tool=report.tool_name,
        rating=report.rating,
        confirmed=bool(confirmed),
    )


async def confirm_teach_back(
    session: AsyncSession,
    team_id: str,
    session_id: int,
    user_id: str,
    what: str | None,
    *,
    now: datetime,
) -> TeachBackOffer:
    """The guide confirms the learner showed the session's tool back: the tool counts as
    learned, and the pair's group DM says so. Once per pair and tool (TeachBackConfirmed)."""
    offer = await teach_back_offer(session, team_id, session_id, user_id)
    if offer is None:
        raise NotFound(_("Your report of that session names no tool to confirm."))
    pair = await session.get(Pair, offer.pair_id)
    assert pair is not None
    created = await insert_ignoring_duplicates(
        session,
        TeachBack,
        {
            "team_id": team_id,
            "pair_id": pair.id,
            "learner_id": pair.learner_id,
            "tool_name": offer.tool,
            "session_id": session_id,
            "confirmed_by": user_id,
            "confirmed_at": now,
        },
    )
    if not created:
        raise TeachBackConfirmed(_("You already confirmed this teach-back."), "confirmed")
    notice = TeachBackNotice(guide=offer.guide, learner=offer.learner, tool=offer.tool, what=what)
    channel = pair.group_channel_id
    await enqueue(
        session,
        team_id=team_id,
        dedupe_key=f"teachback:{pair.id}:{offer.tool}",
        notice=notice,
        # The pair's group DM; one is opened if the introduction never recorded it.
        channel=channel,
        open_users=None if channel else [offer.guide, offer.learner],
        now=now,
    )
    return replace(offer, confirmed=True)


# ---- the follow-up --------------------------------------------------------------------------


class FollowUpNotice(Notice):
    """To the learner, 30 days after the cycle: still using a tool they learned?"""

    kind: ClassVar[str] = "learning_follow_up"

    follow_up_id: int
    tool: str
    guide: str


@dataclass(frozen=True)
class FollowUpAnswer:
    """A recorded answer (a later click changes it)."""

    follow_up_id: int
    tool: str
    guide: str
    answer: str


remember_follow_up_message: AfterSend[FollowUpNotice] = remember_message(
    FollowUp, lambda notice: notice.follow_up_id
)


async def schedule_follow_ups(session: AsyncSession) -> int:
    """A follow-up for each tool learned in a pair whose cycle ended, due 30 days after; one
    per learner and tool (a tool a second guide confirmed is asked about once, and counted
    once, as "tools learned" counts it)."""
    learned = (
        await session.execute(
            select(
                TeachBack.team_id,
                TeachBack.pair_id,
                TeachBack.learner_id,
                TeachBack.tool_name,
                Pair.ended_at,
            )
            .join(Pair, Pair.id == TeachBack.pair_id)
            .where(
                Pair.end_reason == EndReason.CYCLE_ENDED,
                ~exists().where(
                    FollowUp.participant_id == TeachBack.learner_id,
                    FollowUp.tool_name == TeachBack.tool_name,
                ),
            )
            .order_by(TeachBack.id)
        )
    ).all()
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for team_id, pair_id, learner_id, tool, ended_at in learned:
        assert ended_at is not None, "an ended pair has its end"
        rows.setdefault(
            (learner_id, tool),
            {
                "team_id": team_id,
                "pair_id": pair_id,
                "participant_id": learner_id,
                "tool_name": tool,
                "due_at": ended_at + FOLLOW_UP_AFTER,
            },
        )
    written = await insert_many_ignoring_duplicates(
        session, FollowUp, list(rows.values()), returning=(FollowUp.id,)
    )
    return len(written)


def _follow_up_people(people: PairPeople, *columns: Any) -> Select[Any]:
    """Follow-ups' `columns`, then the learner's and the guide's user IDs."""
    query = select(*columns, people.learner.user_id, people.guide.user_id)
    return people.join(query.join(Pair, Pair.id == FollowUp.pair_id))


async def ask_due_follow_ups(session: AsyncSession, *, now: datetime) -> int:
    """DM each learner whose follow-up is due (not those who left the program, nor anyone of a
    program that has closed: it sends nothing more)."""
    people = PairPeople()
    columns = (FollowUp.id, FollowUp.team_id, FollowUp.pair_id, FollowUp.tool_name)
    closed = select(ProgramSettings.team_id).where(ProgramSettings.closed_at.is_not(None))
    due = (
        await session.execute(
            _follow_up_people(people, *columns)
            .where(
                FollowUp.due_at <= now,
                FollowUp.asked_at.is_(None),
                people.learner.state != State.LEFT,
                FollowUp.team_id.not_in(closed),
            )
            .order_by(FollowUp.id)
        )
    ).all()
    asked = 0
    for follow_up_id, team_id, pair_id, tool, learner_user, guide_user in due:
        claimed = await session.execute(
            update(FollowUp)
            .where(FollowUp.id == follow_up_id, FollowUp.asked_at.is_(None))
            .values(asked_at=now)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        asked += await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"followup:{pair_id}:{tool}",
            notice=FollowUpNotice(follow_up_id=follow_up_id, tool=tool, guide=guide_user),
            channel=learner_user,
            now=now,
        )
    return asked


async def answer_follow_up(
    session: AsyncSession,
    team_id: str,
    follow_up_id: int,
    user_id: str,
    answer: str,
    *,
    now: datetime,
) -> FollowUpAnswer:
    """Record (or change) the learner's answer (`StillUsing`); only the learner asked may
    answer."""
    try:
        still_using = StillUsing(answer)
    except ValueError:
        raise InvalidInput(_("Answer yes, sometimes or no.")) from None
    query = _follow_up_people(PairPeople(), FollowUp.tool_name)
    row = (
        await session.execute(query.where(FollowUp.id == follow_up_id, FollowUp.team_id == team_id))
    ).one_or_none()
    if row is None:
        raise NotFound(_("I can't find that question any more."))
    tool, learner_user, guide_user = row
    if learner_user != user_id:
        raise NotAllowed(_("This question is someone else's, so I left it as it was."))
    await session.execute(
        update(FollowUp)
        .where(FollowUp.id == follow_up_id)
        .values(answer=still_using.value, answered_at=now)
        .execution_options(synchronize_session=False)
    )
    return FollowUpAnswer(follow_up_id, tool, guide_user, still_using.value)
