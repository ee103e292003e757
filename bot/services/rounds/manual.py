"""Pairs made by hand, unpairing, ending pairs (when someone leaves or pauses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import pairing
from bot.delivery.outbox import enqueue
from bot.i18n import _
from bot.pairing.rules import Rules
from bot.services.errors import AlreadyPaired, NoActivePair, NotAParticipant, PairingRuleBroken
from bot.services.program.programs import check_open
from bot.services.program.settings import ProgramConfig, program_config
from bot.services.rounds import loading
from bot.services.rounds.approve import CreatedPair, create_pair, cycle_dates
from bot.services.rounds.ending import PairEndedNotice, end_pairs
from models import EndReason, Pair, Participant, Round, RoundSource, RoundStatus, State


@dataclass(frozen=True)
class ManualPair:
    """A pair made by hand, the cycle it joined, and whether it repeats an old pair."""

    pair: CreatedPair
    round_id: int
    ends_on: date
    repeat: bool


@dataclass(frozen=True)
class EndedPair:
    """A pair that ended, and why."""

    pair_id: int
    guide: str
    learner: str
    reason: EndReason


async def current_cycle(session: AsyncSession, team_id: str, today: date) -> Round | None:
    query = (
        select(Round)
        .where(
            Round.team_id == team_id,
            Round.status == RoundStatus.APPROVED,
            Round.ended_at.is_(None),
            Round.ends_on > today,
        )
        .order_by(Round.ends_on.desc(), Round.id.desc())
        .limit(1)
    )
    return (await session.scalars(query)).first()


async def create_manual_pair(
    session: AsyncSession,
    team_id: str,
    guide_user_id: str,
    learner_user_id: str,
    *,
    actor_id: str,
    now: datetime,
    defaults: ProgramConfig,
    zone: ZoneInfo,
) -> ManualPair:
    """Pair two people by hand; hard rules still apply and a refusal names the rule.

    The pair joins the cycle that is running (and ends with it); with none running it gets a
    cycle of its own.
    """
    await check_open(session, team_id)
    if guide_user_id == learner_user_id:
        raise PairingRuleBroken(
            _("That's the same person twice: name a guide and a different learner."), "self"
        )
    people = await loading.people(
        session, team_id, user_ids=[guide_user_id, learner_user_id], lock=True
    )
    guide, learner = people.get(guide_user_id), people.get(learner_user_id)
    for role, person in (("guide", guide), ("learner", learner)):
        if person is None or person.state == State.LEFT:
            # A refusal is plain text (see bot.services.errors): no `<@…>` mention.
            raise NotAParticipant(
                _("The guide you named isn't in the program, so they can't be paired.")
                if role == "guide"
                else _("The learner you named isn't in the program, so they can't be paired.")
            )
        if not person.available(now):
            raise AlreadyPaired(
                _("{name} is paused at the moment; pair them once they're back.").format(
                    name=person.name
                )
            )
        if person.guest:
            raise NotAParticipant(
                _("{name} has a guest account now, so they can't start a new pair.").format(
                    name=person.name
                )
            )
    assert guide is not None and learner is not None
    if guide.role == "learner":
        raise PairingRuleBroken(
            _(
                "{name} joined as a learner, so they can't guide (rule: roles). Put the guide "
                "first: `admin pair @guide @learner`."
            ).format(name=guide.name),
            "role",
        )
    if learner.role == "guide":
        raise PairingRuleBroken(
            _(
                "{name} joined as a guide, so they can't be the learner (rule: roles). Put the "
                "guide first: `admin pair @guide @learner`."
            ).format(name=learner.name),
            "role",
        )
    load = loading.Load.of(await loading.active_pair_rows(session, team_id))
    busy = load.busy_reason(guide, learner, refusal=True)
    if busy is not None:
        raise AlreadyPaired(busy)
    engine_people = [
        loading.engine_person(person, loading.Load(), now)
        for person in (guide, learner)
        if person is not None
    ]
    config = await program_config(session, team_id, defaults)
    request = await loading.rules_request(
        session,
        team_id,
        [p for p in engine_people if p is not None],
        require_shared_tool=config.require_shared_tool,
    )
    rules = Rules.of(request)
    g, lrn = engine_people
    if g is None or lrn is None:  # neither can happen once the roles are checked
        raise PairingRuleBroken(loading.rule_refusal("no_overlap", guide, learner), "no_overlap")
    blocked = rules.block(
        pairing.Participant(**{**_fields(g), "role": "guide"}),
        pairing.Participant(**{**_fields(lrn), "role": "learner"}),
    )
    if blocked is not None:
        raise PairingRuleBroken(loading.rule_refusal(blocked, guide, learner), blocked)
    today = now.astimezone(zone).date()
    cycle = await current_cycle(session, team_id, today)
    if cycle is None:
        started_on, ends_on = cycle_dates(now, zone, config.cycle_weeks)
        cycle = Round(
            team_id=team_id,
            status=RoundStatus.APPROVED,
            source=RoundSource.MANUAL,
            proposal={"pairs": [], "unmatched": [], "names": {}},
            proposed_by=actor_id,
            approved_by=actor_id,
            decided_at=now,
            started_on=started_on,
            ends_on=ends_on,
            created_at=now,
        )
        session.add(cycle)
        await session.flush()
    shared = tuple(sorted(set(guide.teaches) & set(learner.learns)))
    pair = await create_pair(
        session,
        team_id=team_id,
        round_id=cycle.id,
        guide=guide,
        learner=learner,
        shared_tools=shared,
        explanation=f"paired by hand by <@{actor_id}>",
        now=now,
        template=config.template,
        ends_on=cycle.ends_on,
    )
    assert cycle.ends_on is not None
    return ManualPair(
        pair=pair, round_id=cycle.id, ends_on=cycle.ends_on, repeat=rules.is_repeat(g.id, lrn.id)
    )


def _fields(person: pairing.Participant) -> dict[str, Any]:
    return {name: getattr(person, name) for name in pairing.Participant.__slots__}


async def _pairs_of(session: AsyncSession, participant_id: int) -> list[Pair]:
    query = select(Pair).where(_running_with(participant_id)).order_by(Pair.id)
    return list((await session.scalars(query)).all())


def _running_with(participant_id: int) -> ColumnElement[bool]:
    """A pair that is running with the participant in it."""
    return and_(
        Pair.ended_at.is_(None),
        or_(Pair.guide_id == participant_id, Pair.learner_id == participant_id),
    )


async def notify_ended(
    session: AsyncSession,
    team_id: str,
    pairs: Sequence[Pair],
    *,
    reason: EndReason,
    now: datetime,
    leaving_participant_id: int | None = None,
) -> None:
    """Tell the people of ended pairs, privately; a partner left behind goes first in line."""
    ids = {p.guide_id for p in pairs} | {p.learner_id for p in pairs}
    people = {
        p.participant_id: p
        for p in (await loading.people(session, team_id, participant_ids=ids)).values()
    }
    for pair in pairs:
        for me_id, other_id in ((pair.guide_id, pair.learner_id), (pair.learner_id, pair.guide_id)):
            if me_id == leaving_participant_id:
                continue
            me, other = people[me_id], people[other_id]
            if me.state == State.LEFT:
                continue
            if reason in (EndReason.LEFT, EndReason.DEACTIVATED):
                # First in line, unless still in another pair (a guide of two, someone who
                # guides and learns): rounds never waitlist someone in a running pair, and
                # their Home would say "waitlisted" beside their partner.
                await session.execute(
                    update(Participant)
                    .where(
                        Participant.id == me_id,
                        Participant.waitlisted_since.is_(None),
                        ~exists().where(_running_with(me_id)),
                    )
                    .values(waitlisted_since=now)
                )
            await enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"pair-ended:{pair.id}:{me.user_id}",
                notice=PairEndedNotice(partner=other.user_id, why=reason.value),
                channel=me.user_id,
                now=now,
            )


async def unpair(
    session: AsyncSession, team_id: str, user_id: str, *, actor_id: str, now: datetime
) -> list[EndedPair]:
    """End the person's current pair(s) ("unpaired by admin"); both people are told privately."""
    people = await loading.people(session, team_id, user_ids=[user_id], lock=True)
    person = people.get(user_id)
    if person is None:
        raise NotAParticipant(_("The person you named has never joined the program."))
    pairs = await end_pairs(
        session,
        await _pairs_of(session, person.participant_id),
        reason=EndReason.UNPAIRED,
        now=now,
        ended_by=actor_id,
    )
    if not pairs:
        raise NoActivePair(
            _("{name} isn't in a pair right now, so there's nothing to end.").format(
                name=person.name
            )
        )
    await notify_ended(session, team_id, pairs, reason=EndReason.UNPAIRED, now=now)
    return await _describe(session, pairs, EndReason.UNPAIRED)


async def end_pairs_of(
    session: AsyncSession,
    participant: Participant,
    *,
    reason: EndReason,
    now: datetime,
    actor_id: str | None = None,
) -> list[EndedPair]:
    """End `participant`'s current pairs (they left, or paused for long); partners are told."""
    pairs = await end_pairs(
        session, await _pairs_of(session, participant.id), reason=reason, now=now, ended_by=actor_id
    )
    if pairs:
        await notify_ended(
            session,
            participant.team_id,
            pairs,
            reason=reason,
            now=now,
            leaving_participant_id=participant.id,
        )
    return await _describe(session, pairs, reason)


async def _describe(
    session: AsyncSession, pairs: Sequence[Pair], reason: EndReason
) -> list[EndedPair]:
    ids = {p.guide_id for p in pairs} | {p.learner_id for p in pairs}
    if not ids:
        return []
    query = select(Participant.id, Participant.user_id).where(Participant.id.in_(ids))
    users = {pid: uid for pid, uid in (await session.execute(query)).all()}
    return [EndedPair(p.id, users[p.guide_id], users[p.learner_id], reason) for p in pairs]
