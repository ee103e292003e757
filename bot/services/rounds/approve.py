"""Approving a proposed round.

A round is proposed (the engine's answer, stored as a snapshot), then approved or discarded by an
HR admin. Approval turns exactly the snapshot into pairs, minus anyone who left, paused or was
paired since, and queues every message it causes in the same transaction: each pair's
introduction in a new group DM, the channel announcement, a DM to each person left on the
waitlist. The round leaves "proposed" through `UPDATE … WHERE status = 'proposed'`, so a double
click or two admins at once approve it once; the partial unique index on a learner's active pair
backs that up across rounds.

A re-pair proposal (after "Not a good fit") is approved the same way; approving it first ends the
pair it replaces, kindly (both told in neutral words), and its new pairs run until that pair's
cycle ends. It is not announced in the channel: that would tell everyone a pair broke up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import insert_ignoring_duplicates
from bot.delivery.outbox import enqueue
from bot.explain import pair_explanation
from bot.i18n import _, speaking
from bot.pairing.model import Reason
from bot.pairing.rules import Rules
from bot.services.notices import Notice, Sent
from bot.services.program.settings import ProgramConfig, program_config
from bot.services.rounds import loading
from bot.services.rounds.ending import PairEndedNotice, end_pairs
from bot.services.rounds.loading import Person, offset_minutes
from bot.services.rounds.propose import Proposal, ProposedPair, Replaced, Unplaced, decide
from models import (
    EndReason,
    FitAnswer,
    FitCheck,
    Pair,
    PairExclusion,
    Participant,
    Role,
    Round,
    RoundStatus,
    State,
)


@dataclass(frozen=True)
class DroppedPair:
    """A proposed pair not created at approval, because the state changed since."""

    guide: str
    learner: str
    reason: str


@dataclass(frozen=True)
class CreatedPair:
    """A pair an approval (or an admin) created."""

    pair_id: int
    guide: str
    learner: str
    shared_tools: tuple[str, ...]


@dataclass(frozen=True)
class Approval:
    """What approving a round did: the cycle, the pairs made, those dropped, the waitlist."""

    round_id: int
    started_on: date
    ends_on: date
    pairs: tuple[CreatedPair, ...]
    dropped: tuple[DroppedPair, ...]
    waitlisted: tuple[str, ...]


@dataclass(frozen=True)
class IntroPerson:
    """What a partner may see of the other: role, tools, time zone. Never goals or manager."""

    user_id: str
    role: str
    tz: str
    utc_offset_minutes: int = 0
    teaches: tuple[str, ...] = ()
    learns: tuple[str, ...] = ()
    share: str | None = None


class IntroNotice(Notice):
    """The pair's introduction in a new group DM, with the kickoff agreement."""

    kind: ClassVar[str] = "intro"

    pair_id: int
    guide: IntroPerson
    learner: IntroPerson
    shared_tools: tuple[str, ...]
    # The program template whose kickoff agreement it shows (None: ours, or HR's).
    template: str | None = None
    # The cycle's last day, for HR's wording (`{ends_on}`); None in rows queued before it.
    ends_on: date | None = None


class AnnouncementNotice(Notice):
    """The new pairs, celebrated in the program's channel: names only."""

    kind: ClassVar[str] = "announcement"

    pairs: tuple[tuple[str, str], ...]  # (guide, learner)
    cycle_weeks: int
    ends_on: date | None = None


class WaitlistNotice(Notice):
    """To someone a round could not place: why, and that they go first next time."""

    kind: ClassVar[str] = "waitlist"

    # Why, as the pairing engine's values (the message writes the sentence in their language);
    # notices queued before `why` existed carry the engine's English sentence in `reason`. Neither
    # when the proposed partner is no longer available: the message says so.
    reason: str = ""
    partner_unavailable: bool = False
    why: Reason | None = None


async def remember_group_dm(session: AsyncSession, notice: IntroNotice, sent: Sent) -> None:
    """After the introduction is posted: keep its group DM on the pair for every later message."""
    await session.execute(
        update(Pair)
        .where(Pair.id == notice.pair_id, Pair.group_channel_id.is_(None))
        .values(group_channel_id=sent.channel)
    )


def cycle_dates(now: datetime, zone: ZoneInfo, weeks: int) -> tuple[date, date]:
    """A cycle starting today (in the program's zone) and lasting `weeks` weeks."""
    start = now.astimezone(zone).date()
    return start, start + timedelta(weeks=weeks)


def _unavailable_reason(person: Person | None, now: datetime, name: str) -> str | None:
    if person is None or person.state == State.LEFT:
        return _("{name} left the program").format(name=name)
    if not person.available(now):
        return _("{name} paused their participation").format(name=name)
    if person.guest:
        return _("{name} is now a guest account").format(name=name)
    return None


def _role_change(guide: Person, learner: Person) -> tuple[str, str] | None:
    """Who of the pair took a role since the proposal that it no longer fits, and why."""
    if guide.role == Role.LEARNER:
        return guide.user_id, _("{name} now takes part as a learner only").format(name=guide.name)
    if learner.role == Role.GUIDE:
        return learner.user_id, _("{name} now takes part as a guide only").format(name=learner.name)
    return None


async def approve_round(
    session: AsyncSession,
    team_id: str,
    round_id: int,
    *,
    approver: str | None,
    now: datetime,
    defaults: ProgramConfig,
    zone: ZoneInfo,
) -> Approval:
    """Create the proposal's pairs and queue their introductions, the announcement (in the
    program's announcement channel, if any) and the waitlist DMs, all in the caller's
    transaction; re-checked against the current state."""
    config = await program_config(session, team_id, defaults)
    announce_channel = config.announce_channel
    started_on, ends_on = cycle_dates(now, zone, config.cycle_weeks)
    round_ = await decide(
        session,
        team_id,
        round_id,
        {
            "status": RoundStatus.APPROVED,
            "approved_by": approver,
            "decided_at": now,
            "started_on": started_on,
            "ends_on": ends_on,
        },
    )
    proposal = Proposal.of(round_)
    if proposal.replaced is not None:
        ends_on = await _replace(
            session,
            round_,
            proposal.replaced,
            approver=approver,
            now=now,
            cycle=(started_on, ends_on),
        )
        announce_channel = None
    involved = {p.guide for p in proposal.pairs} | {p.learner for p in proposal.pairs}
    involved |= {u.user_id for u in proposal.unmatched}
    people = await loading.people(session, team_id, user_ids=involved, lock=True)
    load = loading.Load.of(await loading.active_pair_rows(session, team_id))
    engine_people = [
        p
        for person in people.values()
        if (p := loading.engine_person(person, loading.Load(), now)) is not None
    ]
    request = await loading.rules_request(
        session, team_id, engine_people, require_shared_tool=config.require_shared_tool
    )
    rules = Rules.of(request)
    by_id = {p.id: p for p in engine_people}

    created: list[CreatedPair] = []
    dropped: list[DroppedPair] = []
    # Those whose own change dropped their pair: not told their partner is unavailable.
    changed_role: set[str] = set()
    for proposed in proposal.pairs:
        guide, learner = people.get(proposed.guide), people.get(proposed.learner)
        names = proposal.names
        reason = _unavailable_reason(
            guide, now, names.get(proposed.guide, proposed.guide)
        ) or _unavailable_reason(learner, now, names.get(proposed.learner, proposed.learner))
        if reason is None:
            assert guide is not None and learner is not None
            changed = _role_change(guide, learner)
            if changed is not None:
                changed_role.add(changed[0])
            reason = changed[1] if changed else load.busy_reason(guide, learner)
        if reason is None:
            assert guide is not None and learner is not None
            blocked = rules.block(by_id[guide.user_id], by_id[learner.user_id])
            if blocked is not None:
                reason = _("a pairing rule now forbids it ({rule})").format(
                    rule=_(loading.RULE_NAMES[blocked])
                )
        if reason is not None:
            dropped.append(DroppedPair(proposed.guide, proposed.learner, reason))
            continue
        assert guide is not None and learner is not None
        # Their tools as they are now: a tool the guide stopped teaching is not their first idea.
        shared = tuple(sorted(set(guide.teaches) & set(learner.learns)))
        pair = await create_pair(
            session,
            team_id=team_id,
            round_id=round_.id,
            guide=guide,
            learner=learner,
            shared_tools=shared,
            explanation=_stored_explanation(proposed),
            now=now,
            template=config.template,
            ends_on=ends_on,
        )
        load.add(guide.participant_id, learner.participant_id)
        created.append(pair)

    paired = {p.guide for p in created} | {p.learner for p in created}
    # None: the proposed partner is no longer available
    waiting: dict[str, Unplaced | None] = {}
    for unplaced in proposal.unmatched:
        waiting[unplaced.user_id] = unplaced
    for drop in dropped:
        for user_id in (drop.guide, drop.learner):
            waiting.setdefault(user_id, None)
    waitlisted: list[str] = []
    for user_id, why in sorted(waiting.items(), key=lambda item: item[0]):
        person = people.get(user_id)
        if user_id in paired or user_id in changed_role or person is None:
            continue
        if person.guest or not person.available(now):  # the waitlist is for the next round
            continue
        if person.participant_id in load.learning or person.participant_id in load.guiding:
            continue
        await session.execute(
            update(Participant)
            .where(Participant.id == person.participant_id, Participant.waitlisted_since.is_(None))
            .values(waitlisted_since=now)
        )
        await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"waitlist:{round_.id}:{user_id}",
            notice=WaitlistNotice(
                reason=why.reason if why and not why.why else "",
                partner_unavailable=why is None,
                why=why.why if why else None,
            ),
            channel=user_id,
            now=now,
        )
        waitlisted.append(user_id)

    if announce_channel and created:
        await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"announce:{round_.id}",
            notice=AnnouncementNotice(
                pairs=tuple((p.guide, p.learner) for p in created),
                cycle_weeks=config.cycle_weeks,
                ends_on=ends_on,
            ),
            channel=announce_channel,
            now=now,
        )
    await session.flush()
    return Approval(
        round_id=round_.id,
        started_on=started_on,
        ends_on=ends_on,
        pairs=tuple(created),
        dropped=tuple(dropped),
        waitlisted=tuple(waitlisted),
    )


async def _replace(
    session: AsyncSession,
    round_: Round,
    replaced: Replaced,
    *,
    approver: str | None,
    now: datetime,
    cycle: tuple[date, date],
) -> date:
    """End the pair a re-pair replaces ("not a fit"; each person told in the same neutral words,
    whoever said it) before its people are paired again; the round's end: the old cycle's, unless
    that is already over."""
    pair = await session.get(Pair, replaced.pair_id)
    if pair is not None and await end_pairs(
        session, [pair], reason=EndReason.NOT_A_FIT, now=now, ended_by=approver
    ):
        await _never_again(session, pair, replaced, now)
        for me, other in ((replaced.guide, replaced.learner), (replaced.learner, replaced.guide)):
            await enqueue(
                session,
                team_id=round_.team_id,
                dedupe_key=f"pair-ended:{pair.id}:{me}",
                notice=PairEndedNotice(partner=other, why="not_a_fit"),
                channel=me,
                now=now,
            )
    started_on, ends_on = cycle
    if replaced.ends_on <= started_on or replaced.ends_on == ends_on:
        return ends_on
    await session.execute(
        update(Round).where(Round.id == round_.id).values(ends_on=replaced.ends_on)
    )
    return replaced.ends_on


async def _never_again(
    session: AsyncSession, pair: Pair, replaced: Replaced, now: datetime
) -> None:
    """A pair that was not a good fit is never proposed (nor made by hand) again: an exclusion
    by whoever said so (it blocks both ways, and HR is told only "one of them asked")."""
    said = await session.scalar(
        select(FitCheck.participant_id)
        .where(FitCheck.pair_id == pair.id, FitCheck.answer == FitAnswer.BAD)
        .order_by(FitCheck.answered_at)
        .limit(1)
    )
    by = said or pair.learner_id
    excluded = replaced.guide if by == pair.learner_id else replaced.learner
    await insert_ignoring_duplicates(
        session,
        PairExclusion,
        {"participant_id": by, "excluded_user_id": excluded, "created_at": now},
    )


def _stored_explanation(proposed: ProposedPair) -> str:
    """The pair's explanation as the database keeps it: in English, like every stored value."""
    if proposed.why is None:
        return proposed.explanation
    with speaking("en"):
        return pair_explanation(proposed.why)


async def create_pair(
    session: AsyncSession,
    *,
    team_id: str,
    round_id: int,
    guide: Person,
    learner: Person,
    shared_tools: Sequence[str],
    explanation: str,
    now: datetime,
    template: str | None = None,
    ends_on: date | None = None,
) -> CreatedPair:
    """Insert the pair, take both people off the waitlist and queue the introduction."""
    pair = Pair(
        team_id=team_id,
        round_id=round_id,
        guide_id=guide.participant_id,
        learner_id=learner.participant_id,
        shared_tools=list(shared_tools),
        explanation=explanation[:500],
        started_at=now,
    )
    session.add(pair)
    await session.flush()
    await session.execute(
        update(Participant)
        .where(Participant.id.in_([guide.participant_id, learner.participant_id]))
        .values(waitlisted_since=None)
    )
    await enqueue(
        session,
        team_id=team_id,
        dedupe_key=f"intro:{pair.id}",
        notice=IntroNotice(
            pair_id=pair.id,
            guide=_intro_person(guide, "guide", now),
            learner=_intro_person(learner, "learner", now),
            shared_tools=tuple(shared_tools),
            template=template,
            ends_on=ends_on,
        ),
        open_users=[guide.user_id, learner.user_id],
        now=now,
    )
    return CreatedPair(pair.id, guide.user_id, learner.user_id, tuple(shared_tools))


def _intro_person(person: Person, role: str, now: datetime) -> IntroPerson:
    return IntroPerson(
        user_id=person.user_id,
        role=role,
        tz=person.tz,
        utc_offset_minutes=offset_minutes(person.tz, now),
        teaches=person.teaches,
        learns=person.learns,
        share=person.share,
    )
