"""Pairing rounds: propose, approve or discard; pairs made by hand; unpairing; the end of a cycle.

A round is proposed (the engine's answer, stored as a snapshot), then approved or discarded by an
HR admin. Approval turns exactly the snapshot into pairs, minus anyone who left, paused or was
paired since, and queues every message it causes in the same transaction: each pair's
introduction in a new group DM, the channel announcement, a DM to each person left on the
waitlist. The round leaves "proposed" through `UPDATE … WHERE status = 'proposed'`, so a double
click or two admins at once approve it once; the partial unique index on a learner's active pair
backs that up across rounds.

What other features read: `active_pairs` (every running pair with its group DM, both people's
time zones and the tools they share), `current_partners` / `past_partners` (one person's view).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot import pairing
from bot.blocks import rounds as blocks
from bot.delivery.outbox import enqueue, register_kind
from bot.pairing.rules import Rules
from bot.services.errors import (
    AlreadyPaired,
    NoActivePair,
    NotAllowed,
    NotAParticipant,
    PairingRuleBroken,
    RoundAlreadyDecided,
    RoundNotFound,
)
from bot.services.program import ProgramConfig, program_config
from models import (
    Direction,
    EndReason,
    OutboxMessage,
    Pair,
    PairExclusion,
    Participant,
    ParticipantTool,
    Round,
    RoundSource,
    RoundStatus,
    State,
    Tool,
)

# ---- outbox kinds -------------------------------------------------------------------------------


async def _store_group_channel(session: AsyncSession, row: OutboxMessage) -> None:
    """After the introduction is posted: keep its group DM on the pair for every later message."""
    pair_id = (row.context or {}).get("pair_id")
    if pair_id is None or row.slack_channel is None:
        return
    await session.execute(
        update(Pair)
        .where(Pair.id == int(pair_id), Pair.group_channel_id.is_(None))
        .values(group_channel_id=row.slack_channel)
    )


KIND_INTRO = register_kind("pair_intro", after_send=_store_group_channel).name
KIND_ANNOUNCE = register_kind("round_announcement").name
KIND_WAITLIST = register_kind("round_waitlist").name
KIND_PAIR_ENDED = register_kind("pair_ended").name
KIND_CYCLE_END = register_kind("cycle_end").name
KIND_PROPOSAL = register_kind("round_proposal").name


# ---- read models --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A participant as the pairing feature reads them (manager only for the rules)."""

    participant_id: int
    user_id: str
    name: str
    role: str
    tz: str
    department: str
    capacity: int
    state: str
    teaches: tuple[str, ...] = ()
    learns: tuple[str, ...] = ()
    share: str | None = None
    manager_id: str | None = None
    paused_until: datetime | None = None
    waitlisted_since: datetime | None = None

    def available(self, now: datetime) -> bool:
        """Active, or paused with the pause already over."""
        if self.state == State.ACTIVE:
            return True
        return (
            self.state == State.PAUSED
            and self.paused_until is not None
            and self.paused_until <= now
        )

    def intro(self, role: str, now: datetime) -> blocks.IntroPerson:
        return blocks.IntroPerson(
            user_id=self.user_id,
            role=role,
            tz=self.tz,
            utc_offset_minutes=_offset_minutes(self.tz, now),
            teaches=self.teaches,
            learns=self.learns,
            share=self.share,
        )


@dataclass(frozen=True)
class ProposedPair:
    guide: str
    learner: str
    shared_tools: tuple[str, ...] = ()
    repeat: bool = False
    explanation: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "guide": self.guide,
            "learner": self.learner,
            "shared_tools": list(self.shared_tools),
            "repeat": self.repeat,
            "explanation": self.explanation,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProposedPair:
        return cls(
            guide=str(data["guide"]),
            learner=str(data["learner"]),
            shared_tools=tuple(str(t) for t in data.get("shared_tools", ())),
            repeat=bool(data.get("repeat", False)),
            explanation=str(data.get("explanation", "")),
        )


@dataclass(frozen=True)
class Unplaced:
    """Someone without a pair this round, and why (`code` for programs, `reason` for people)."""

    user_id: str
    code: str
    reason: str


@dataclass(frozen=True)
class Proposal:
    """What the admin is shown: the pairs with their explanations, the unmatched with reasons."""

    round_id: int
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[Unplaced, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    proven_optimal: bool = True
    cycle_weeks: int = 12

    def snapshot(self, seed: int, tz_mode: str) -> dict[str, Any]:
        return {
            "seed": seed,
            "tz_mode": tz_mode,
            "cycle_weeks": self.cycle_weeks,
            "proven_optimal": self.proven_optimal,
            "pairs": [pair.to_json() for pair in self.pairs],
            "unmatched": [
                {"user": u.user_id, "code": u.code, "reason": u.reason} for u in self.unmatched
            ],
            "names": dict(self.names),
        }

    @classmethod
    def of(cls, round_: Round) -> Proposal:
        data = round_.proposal
        return cls(
            round_id=round_.id,
            pairs=tuple(ProposedPair.from_json(p) for p in data.get("pairs", ())),
            unmatched=tuple(
                Unplaced(str(u["user"]), str(u["code"]), str(u["reason"]))
                for u in data.get("unmatched", ())
            ),
            names={str(k): str(v) for k, v in data.get("names", {}).items()},
            proven_optimal=bool(data.get("proven_optimal", True)),
            cycle_weeks=int(data.get("cycle_weeks", 12)),
        )


@dataclass(frozen=True)
class DroppedPair:
    """A proposed pair not created at approval, because the state changed since."""

    guide: str
    learner: str
    reason: str


@dataclass(frozen=True)
class CreatedPair:
    pair_id: int
    guide: str
    learner: str
    shared_tools: tuple[str, ...]


@dataclass(frozen=True)
class Approval:
    round_id: int
    started_on: date
    ends_on: date
    pairs: tuple[CreatedPair, ...]
    dropped: tuple[DroppedPair, ...]
    waitlisted: tuple[str, ...]


@dataclass(frozen=True)
class ManualPair:
    pair: CreatedPair
    round_id: int
    ends_on: date
    repeat: bool


@dataclass(frozen=True)
class EndedPair:
    pair_id: int
    guide: str
    learner: str
    reason: EndReason


@dataclass(frozen=True)
class ActivePair:
    """A running pair as the keep-alive features need it."""

    pair_id: int
    team_id: str
    round_id: int
    guide_user_id: str
    learner_user_id: str
    guide_tz: str
    learner_tz: str
    shared_tools: tuple[str, ...]
    started_at: datetime
    ends_on: date | None
    # None until the introduction has been posted (the group DM is opened then).
    group_channel_id: str | None
    first_session_scheduled_at: datetime | None


@dataclass(frozen=True)
class PartnerInfo:
    """Someone a person is (or was) paired with, as that person may see them."""

    pair_id: int
    user_id: str
    their_role: str
    tools: tuple[str, ...]
    started_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None


# ---- loading ------------------------------------------------------------------------------------


async def _tool_names(
    session: AsyncSession, participant_ids: Iterable[int]
) -> dict[int, dict[str, list[str]]]:
    ids = list(participant_ids)
    names: dict[int, dict[str, list[str]]] = {
        pid: {Direction.TEACH: [], Direction.LEARN: []} for pid in ids
    }
    if not ids:
        return names
    query = (
        select(ParticipantTool.participant_id, ParticipantTool.direction, Tool.name)
        .add_columns(ParticipantTool.other_name)
        .outerjoin(Tool, Tool.id == ParticipantTool.tool_id)
        .where(ParticipantTool.participant_id.in_(ids))
        .order_by(ParticipantTool.participant_id, ParticipantTool.id)
    )
    for pid, direction, tool_name, other in (await session.execute(query)).all():
        name = tool_name or other
        if name:
            names[pid][direction].append(name)
    return names


def _person(row: Participant, tools: Mapping[str, list[str]]) -> Person:
    return Person(
        participant_id=row.id,
        user_id=row.user_id,
        name=row.display_name or row.user_id,
        role=row.role,
        tz=row.tz or "UTC",
        department=row.department,
        capacity=row.capacity,
        state=row.state,
        teaches=tuple(tools.get(Direction.TEACH, ())),
        learns=tuple(tools.get(Direction.LEARN, ())),
        share=row.share,
        manager_id=row.manager_id,
        paused_until=row.paused_until,
        waitlisted_since=row.waitlisted_since,
    )


async def _people(
    session: AsyncSession,
    team_id: str,
    *,
    user_ids: Iterable[str] | None = None,
    participant_ids: Iterable[int] | None = None,
    lock: bool = False,
) -> dict[str, Person]:
    """Participants by user ID (left ones included); `lock` takes their rows FOR UPDATE."""
    query = select(Participant).where(Participant.team_id == team_id).order_by(Participant.id)
    if user_ids is not None:
        query = query.where(Participant.user_id.in_(sorted(set(user_ids))))
    if participant_ids is not None:
        query = query.where(Participant.id.in_(sorted(set(participant_ids))))
    if lock:
        # Always in id order, so two transactions locking overlapping sets cannot deadlock.
        query = query.with_for_update().execution_options(populate_existing=True)
    rows = (await session.scalars(query)).all()
    tools = await _tool_names(session, [row.id for row in rows])
    return {row.user_id: _person(row, tools[row.id]) for row in rows}


async def _active_pair_rows(session: AsyncSession, team_id: str) -> list[Pair]:
    query = (
        select(Pair)
        .where(Pair.team_id == team_id, Pair.ended_at.is_(None))
        .order_by(Pair.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(query)).all())


@dataclass
class _Load:
    """Who is already busy: learners in a pair, and how many learners each guide has."""

    learning: set[int] = field(default_factory=set)
    guiding: dict[int, int] = field(default_factory=dict)

    @classmethod
    def of(cls, pairs: Iterable[Pair]) -> _Load:
        load = cls()
        for pair in pairs:
            load.add(pair.guide_id, pair.learner_id)
        return load

    def add(self, guide_id: int, learner_id: int) -> None:
        self.learning.add(learner_id)
        self.guiding[guide_id] = self.guiding.get(guide_id, 0) + 1

    def busy_reason(self, guide: Person, learner: Person) -> str | None:
        """Why this pair cannot start now because of pairs that already exist."""
        if learner.participant_id in self.learning:
            return f"{learner.name} is already in a pair"
        if learner.participant_id in self.guiding:
            return f"{learner.name} is already guiding someone"
        if guide.participant_id in self.learning:
            return f"{guide.name} is already in a pair as a learner"
        if self.guiding.get(guide.participant_id, 0) >= guide.capacity:
            places = "learner" if guide.capacity == 1 else f"{guide.capacity} learners"
            return f"{guide.name} already guides {places}, their limit"
        return None


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _offset_minutes(tz: str, now: datetime) -> int:
    offset = now.astimezone(_zone(tz)).utcoffset() or timedelta(0)
    return max(-14 * 60, min(14 * 60, int(offset.total_seconds() // 60)))


def _engine_person(person: Person, load: _Load, now: datetime) -> pairing.Participant | None:
    """The engine's view of someone available this round, or None when they have no place."""
    if person.participant_id in load.learning:
        return None
    role = person.role
    capacity = person.capacity if role != "learner" else 1
    guiding = load.guiding.get(person.participant_id, 0)
    if guiding:
        # Already guiding: only more learners, up to their limit, and never a learner too.
        if role == "learner" or guiding >= capacity:
            return None
        role, capacity = "guide", capacity - guiding
    return pairing.Participant(
        id=person.user_id,
        name=person.name,
        role=role,  # type: ignore[arg-type]
        capacity=max(1, min(pairing.model.MAX_CAPACITY, capacity)),
        teaches=frozenset(person.teaches),
        learns=frozenset(person.learns),
        department=person.department,
        utc_offset_minutes=_offset_minutes(person.tz, now),
        waitlisted=person.waitlisted_since is not None,
    )


async def _history(session: AsyncSession, team_id: str) -> tuple[pairing.PastPair, ...]:
    guide, learner = aliased(Participant), aliased(Participant)
    query = (
        select(guide.user_id, learner.user_id, Pair.round_id)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .where(Pair.team_id == team_id)
    )
    return tuple(
        pairing.PastPair(g, lrn, cycle=r) for g, lrn, r in (await session.execute(query)).all()
    )


async def _exclusions(session: AsyncSession, team_id: str) -> tuple[pairing.Exclusion, ...]:
    query = (
        select(Participant.user_id, PairExclusion.excluded_user_id)
        .join(Participant, Participant.id == PairExclusion.participant_id)
        .where(Participant.team_id == team_id)
    )
    return tuple(pairing.Exclusion(by, other) for by, other in (await session.execute(query)))


async def _managers(session: AsyncSession, team_id: str) -> dict[str, str]:
    """The org chart as participants gave it, left people included (chains pass through them)."""
    query = select(Participant.user_id, Participant.manager_id).where(
        Participant.team_id == team_id, Participant.manager_id.is_not(None)
    )
    return {user: manager for user, manager in (await session.execute(query)).all() if manager}


async def _rules_request(
    session: AsyncSession, team_id: str, people: Iterable[pairing.Participant]
) -> pairing.MatchRequest:
    return pairing.MatchRequest(
        participants=tuple(people),
        managers=await _managers(session, team_id),
        history=await _history(session, team_id),
        exclusions=await _exclusions(session, team_id),
    )


RULE_NAMES = {
    "self": "a person can't be paired with themselves",
    "reporting_line": "no pairs inside a reporting line",
    "excluded": "a personal exclusion",
    "no_overlap": "at least one tool in common",
}


def _rule_refusal(rule: str, guide: Person, learner: Person) -> str:
    if rule == "self":
        return "That's the same person twice: name a guide and a different learner."
    if rule == "reporting_line":
        return (
            f"{guide.name} and {learner.name} are in the same reporting line, and pairs never "
            "are (rule: no pairs inside a reporting line)."
        )
    if rule == "excluded":
        return (
            f"One of {guide.name} and {learner.name} asked not to be paired with the other "
            "(rule: personal exclusion)."
        )
    return (
        f"{guide.name} doesn't teach anything {learner.name} wants to learn "
        f"(rule: at least one tool in common). {guide.name} teaches "
        f"{blocks.tools_phrase(guide.teaches)}; {learner.name} wants "
        f"{blocks.tools_phrase(learner.learns)}."
    )


# ---- propose ------------------------------------------------------------------------------------


async def propose_round(
    session: AsyncSession,
    team_id: str,
    *,
    now: datetime,
    defaults: ProgramConfig,
    proposed_by: str | None,
    seed: int | None = None,
    store: bool = True,
) -> Proposal:
    """Compute the best pairs for everyone available now and store them as a proposed round.

    An older proposal still waiting is discarded, so only the newest one can be approved.
    `store=False` computes without writing anything (`rotnem pair --dry-run`).
    """
    config = await program_config(session, team_id, defaults)
    people = await _people(session, team_id)
    load = _Load.of(await _active_pair_rows(session, team_id))
    candidates = [
        engine_person
        for person in people.values()
        if person.available(now)
        and (engine_person := _engine_person(person, load, now)) is not None
    ]
    request = await _rules_request(session, team_id, candidates)
    seed = int(now.timestamp()) if seed is None else seed
    result = await asyncio.to_thread(
        pairing.match, request, seed, pairing.MatchConfig(tz_mode=config.tz_preference)
    )
    pairs = tuple(
        ProposedPair(p.guide_id, p.learner_id, p.shared_tools, p.repeat, p.explanation)
        for p in result.pairs
    )
    unmatched = tuple(Unplaced(u.person_id, u.code, u.reason) for u in result.unmatched)
    names = {p.id: p.name for p in candidates}
    proposal = Proposal(
        round_id=0,
        pairs=pairs,
        unmatched=unmatched,
        names=names,
        proven_optimal=result.proven_optimal,
        cycle_weeks=config.cycle_weeks,
    )
    if not store:
        return proposal
    await session.execute(
        update(Round)
        .where(Round.team_id == team_id, Round.status == RoundStatus.PROPOSED)
        .values(status=RoundStatus.DISCARDED, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    round_ = Round(
        team_id=team_id,
        status=RoundStatus.PROPOSED,
        source=RoundSource.MATCHING,
        proposal=proposal.snapshot(seed, config.tz_preference),
        proposed_by=proposed_by,
        created_at=now,
    )
    session.add(round_)
    await session.flush()
    return Proposal.of(round_)


async def get_proposal(session: AsyncSession, team_id: str, round_id: int) -> Proposal:
    round_ = await _round(session, team_id, round_id)
    return Proposal.of(round_)


async def _round(session: AsyncSession, team_id: str, round_id: int) -> Round:
    round_ = await session.get(Round, round_id, populate_existing=True)
    if round_ is None or round_.team_id != team_id:
        raise RoundNotFound("That pairing round doesn't exist (any more).")
    return round_


async def _decide(
    session: AsyncSession, team_id: str, round_id: int, values: dict[str, Any]
) -> Round:
    """Move the round out of "proposed" exactly once; the loser of a race gets a Conflict."""
    result = await session.execute(
        update(Round)
        .where(
            Round.id == round_id,
            Round.team_id == team_id,
            Round.status == RoundStatus.PROPOSED,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    round_ = await _round(session, team_id, round_id)
    if not result.rowcount:  # type: ignore[attr-defined]
        if round_.status == RoundStatus.APPROVED:
            raise RoundAlreadyDecided(
                "This proposal was already approved, so its pairs exist and were introduced.",
                round_.status,
            )
        raise RoundAlreadyDecided(
            "This proposal was discarded (or replaced by a newer one); nothing was changed.",
            round_.status,
        )
    return round_


async def discard_round(
    session: AsyncSession, team_id: str, round_id: int, *, actor_id: str | None, now: datetime
) -> None:
    """Throw a proposal away; nobody is told anything."""
    await _decide(
        session,
        team_id,
        round_id,
        {"status": RoundStatus.DISCARDED, "discarded_by": actor_id, "decided_at": now},
    )


# ---- approve ------------------------------------------------------------------------------------


def cycle_dates(now: datetime, zone: ZoneInfo, weeks: int) -> tuple[date, date]:
    """A cycle starting today (in the program's zone) and lasting `weeks` weeks."""
    start = now.astimezone(zone).date()
    return start, start + timedelta(weeks=weeks)


def _unavailable_reason(person: Person | None, now: datetime, name: str) -> str | None:
    if person is None or person.state == State.LEFT:
        return f"{name} left the program"
    if not person.available(now):
        return f"{name} paused their participation"
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
    round_ = await _decide(
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
    involved = {p.guide for p in proposal.pairs} | {p.learner for p in proposal.pairs}
    involved |= {u.user_id for u in proposal.unmatched}
    people = await _people(session, team_id, user_ids=involved, lock=True)
    load = _Load.of(await _active_pair_rows(session, team_id))
    engine_people = [
        p for person in people.values() if (p := _engine_person(person, _Load(), now)) is not None
    ]
    rules = Rules.of(await _rules_request(session, team_id, engine_people))
    by_id = {p.id: p for p in engine_people}

    created: list[CreatedPair] = []
    dropped: list[DroppedPair] = []
    for proposed in proposal.pairs:
        guide, learner = people.get(proposed.guide), people.get(proposed.learner)
        names = proposal.names
        reason = _unavailable_reason(
            guide, now, names.get(proposed.guide, proposed.guide)
        ) or _unavailable_reason(learner, now, names.get(proposed.learner, proposed.learner))
        if reason is None:
            assert guide is not None and learner is not None
            reason = load.busy_reason(guide, learner)
        if reason is None:
            assert guide is not None and learner is not None
            blocked = rules.block(by_id[guide.user_id], by_id[learner.user_id])
            if blocked is not None:
                reason = f"a pairing rule now forbids it ({RULE_NAMES[blocked]})"
        if reason is not None:
            dropped.append(DroppedPair(proposed.guide, proposed.learner, reason))
            continue
        assert guide is not None and learner is not None
        shared = tuple(sorted(set(guide.teaches) & set(learner.learns))) or proposed.shared_tools
        pair = await _create_pair(
            session,
            team_id=team_id,
            round_id=round_.id,
            guide=guide,
            learner=learner,
            shared_tools=shared,
            explanation=proposed.explanation,
            now=now,
        )
        load.add(guide.participant_id, learner.participant_id)
        created.append(pair)

    paired = {p.guide for p in created} | {p.learner for p in created}
    waiting: dict[str, str] = {}
    for unplaced in proposal.unmatched:
        waiting[unplaced.user_id] = unplaced.reason
    for drop in dropped:
        for user_id in (drop.guide, drop.learner):
            waiting.setdefault(user_id, "your proposed partner is no longer available")
    waitlisted: list[str] = []
    for user_id, reason in sorted(waiting.items()):
        person = people.get(user_id)
        if user_id in paired or person is None or not person.available(now):
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
            kind=KIND_WAITLIST,
            message=blocks.waitlist_message(reason),
            channel=user_id,
            now=now,
        )
        waitlisted.append(user_id)

    if announce_channel and created:
        await enqueue(
            session,
            team_id=team_id,
            dedupe_key=f"announce:{round_.id}",
            kind=KIND_ANNOUNCE,
            message=blocks.announcement_message(
                [(p.guide, p.learner) for p in created], config.cycle_weeks
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


async def _create_pair(
    session: AsyncSession,
    *,
    team_id: str,
    round_id: int,
    guide: Person,
    learner: Person,
    shared_tools: Sequence[str],
    explanation: str,
    now: datetime,
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
        kind=KIND_INTRO,
        message=blocks.intro_message(
            pair.id, guide.intro("guide", now), learner.intro("learner", now), tuple(shared_tools)
        ),
        open_users=[guide.user_id, learner.user_id],
        context={"pair_id": pair.id},
        now=now,
    )
    return CreatedPair(pair.id, guide.user_id, learner.user_id, tuple(shared_tools))


# ---- manual pairs and unpairing --------------------------------------------------------------


async def _current_cycle(session: AsyncSession, team_id: str, today: date) -> Round | None:
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
    if guide_user_id == learner_user_id:
        raise PairingRuleBroken(
            "That's the same person twice: name a guide and a different learner.", "self"
        )
    people = await _people(session, team_id, user_ids=[guide_user_id, learner_user_id], lock=True)
    guide, learner = people.get(guide_user_id), people.get(learner_user_id)
    for user_id, person in ((guide_user_id, guide), (learner_user_id, learner)):
        if person is None or person.state == State.LEFT:
            raise NotAParticipant(f"<@{user_id}> isn't in the program, so they can't be paired.")
        if not person.available(now):
            raise AlreadyPaired(
                f"{person.name} is paused at the moment; pair them once they're back."
            )
    assert guide is not None and learner is not None
    if guide.role == "learner":
        raise PairingRuleBroken(
            f"{guide.name} joined as a learner, so they can't guide (rule: roles). Put the "
            "guide first: `admin pair @guide @learner`.",
            "role",
        )
    if learner.role == "guide":
        raise PairingRuleBroken(
            f"{learner.name} joined as a guide, so they can't be the learner (rule: roles). Put "
            "the guide first: `admin pair @guide @learner`.",
            "role",
        )
    load = _Load.of(await _active_pair_rows(session, team_id))
    busy = load.busy_reason(guide, learner)
    if busy is not None:
        raise AlreadyPaired(f"{busy}. End that pair first with `admin unpair`.")
    engine_people = [
        _engine_person(person, _Load(), now) for person in (guide, learner) if person is not None
    ]
    request = await _rules_request(session, team_id, [p for p in engine_people if p is not None])
    rules = Rules.of(request)
    g, lrn = engine_people
    if g is None or lrn is None:  # neither can happen once the roles are checked
        raise PairingRuleBroken(_rule_refusal("no_overlap", guide, learner), "no_overlap")
    blocked = rules.block(
        pairing.Participant(**{**_fields(g), "role": "guide"}),
        pairing.Participant(**{**_fields(lrn), "role": "learner"}),
    )
    if blocked is not None:
        raise PairingRuleBroken(_rule_refusal(blocked, guide, learner), blocked)
    config = await program_config(session, team_id, defaults)
    today = now.astimezone(zone).date()
    cycle = await _current_cycle(session, team_id, today)
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
    pair = await _create_pair(
        session,
        team_id=team_id,
        round_id=cycle.id,
        guide=guide,
        learner=learner,
        shared_tools=shared,
        explanation=f"paired by hand by <@{actor_id}>",
        now=now,
    )
    assert cycle.ends_on is not None
    return ManualPair(
        pair=pair, round_id=cycle.id, ends_on=cycle.ends_on, repeat=rules.is_repeat(g.id, lrn.id)
    )


def _fields(person: pairing.Participant) -> dict[str, Any]:
    return {name: getattr(person, name) for name in pairing.Participant.__slots__}


async def end_pairs(
    session: AsyncSession,
    pairs: Sequence[Pair],
    *,
    reason: EndReason,
    now: datetime,
    ended_by: str | None,
) -> list[Pair]:
    """End the given pairs (each once, even if two processes try); those this call ended."""
    ended: list[Pair] = []
    for pair in pairs:
        result = await session.execute(
            update(Pair)
            .where(Pair.id == pair.id, Pair.ended_at.is_(None))
            .values(ended_at=now, end_reason=reason, ended_by=ended_by)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            ended.append(pair)
    return ended


async def _pairs_of(session: AsyncSession, participant_id: int) -> list[Pair]:
    query = (
        select(Pair)
        .where(
            Pair.ended_at.is_(None),
            or_(Pair.guide_id == participant_id, Pair.learner_id == participant_id),
        )
        .order_by(Pair.id)
    )
    return list((await session.scalars(query)).all())


async def _notify_ended(
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
        p.participant_id: p for p in (await _people(session, team_id, participant_ids=ids)).values()
    }
    for pair in pairs:
        for me_id, other_id in ((pair.guide_id, pair.learner_id), (pair.learner_id, pair.guide_id)):
            if me_id == leaving_participant_id:
                continue
            me, other = people[me_id], people[other_id]
            if me.state == State.LEFT:
                continue
            if reason == EndReason.LEFT:
                await session.execute(
                    update(Participant)
                    .where(Participant.id == me_id, Participant.waitlisted_since.is_(None))
                    .values(waitlisted_since=now)
                )
            await enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"pair-ended:{pair.id}:{me.user_id}",
                kind=KIND_PAIR_ENDED,
                message=blocks.pair_ended_message(other.user_id, reason),
                channel=me.user_id,
                now=now,
            )


async def unpair(
    session: AsyncSession, team_id: str, user_id: str, *, actor_id: str, now: datetime
) -> list[EndedPair]:
    """End the person's current pair(s) ("unpaired by admin"); both people are told privately."""
    people = await _people(session, team_id, user_ids=[user_id], lock=True)
    person = people.get(user_id)
    if person is None:
        raise NotAParticipant(f"<@{user_id}> has never joined the program.")
    pairs = await end_pairs(
        session,
        await _pairs_of(session, person.participant_id),
        reason=EndReason.UNPAIRED,
        now=now,
        ended_by=actor_id,
    )
    if not pairs:
        raise NoActivePair(f"{person.name} isn't in a pair right now, so there's nothing to end.")
    await _notify_ended(session, team_id, pairs, reason=EndReason.UNPAIRED, now=now)
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
        session,
        await _pairs_of(session, participant.id),
        reason=reason,
        now=now,
        ended_by=actor_id,
    )
    if pairs:
        await _notify_ended(
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


# ---- the first session, the end of a cycle -----------------------------------------------------


async def mark_first_session(
    session: AsyncSession, team_id: str, pair_id: int, user_id: str, *, now: datetime
) -> bool:
    """Record that the pair scheduled its first session; False if it was already recorded.

    Only the pair's two people may record it (NotAllowed otherwise).
    """
    pair = await session.get(Pair, pair_id)
    if pair is None or pair.team_id != team_id:
        raise NoActivePair("That pair doesn't exist any more.")
    members = await _people(session, team_id, participant_ids=[pair.guide_id, pair.learner_id])
    if user_id not in members:
        raise NotAllowed("Only the two people of this pair can record their first session.")
    result = await session.execute(
        update(Pair)
        .where(Pair.id == pair_id, Pair.first_session_scheduled_at.is_(None))
        .values(first_session_scheduled_at=now, first_session_marked_by=user_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CycleEnd:
    round_id: int
    team_id: str
    ended_pairs: int
    proposal: Proposal | None


async def end_due_cycles(
    session: AsyncSession,
    *,
    now: datetime,
    defaults: ProgramConfig,
    zone: ZoneInfo,
    admins: Iterable[str] = (),
) -> list[CycleEnd]:
    """End every cycle whose end date has come: pairs end ("cycle ended"), each person is thanked
    and asked about the next cycle; with `auto_propose_next_round`, admins get the next proposal.

    Safe to run twice or in two processes: a round is claimed by setting `ended_at` only where
    it is still empty, and every message has a dedupe key.
    """
    today = now.astimezone(zone).date()
    due = (
        await session.scalars(
            select(Round)
            .where(
                Round.status == RoundStatus.APPROVED,
                Round.ended_at.is_(None),
                Round.ends_on <= today,
            )
            .order_by(Round.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    outcomes: list[CycleEnd] = []
    teams_done: set[str] = set()
    for round_ in due:
        claimed = await session.execute(
            update(Round)
            .where(Round.id == round_.id, Round.ended_at.is_(None))
            .values(ended_at=now)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            continue
        pairs = list(
            (
                await session.scalars(
                    select(Pair)
                    .where(Pair.round_id == round_.id, Pair.ended_at.is_(None))
                    .order_by(Pair.id)
                )
            ).all()
        )
        ended = await end_pairs(
            session, pairs, reason=EndReason.CYCLE_ENDED, now=now, ended_by=None
        )
        await _thank(session, round_, ended, now=now, defaults=defaults)
        outcomes.append(CycleEnd(round_.id, round_.team_id, len(ended), None))
        teams_done.add(round_.team_id)
    for team_id in sorted(teams_done):
        config = await program_config(session, team_id, defaults)
        if not config.auto_propose_next_round:
            continue
        if await _current_cycle(session, team_id, today) is not None:
            continue
        proposal = await propose_round(
            session, team_id, now=now, defaults=defaults, proposed_by=None
        )
        for admin in sorted(set(admins)):
            await enqueue(
                session,
                team_id=team_id,
                dedupe_key=f"proposal:{proposal.round_id}:{admin}",
                kind=KIND_PROPOSAL,
                message=blocks.proposal_message(proposal, automatic=True),
                channel=admin,
                now=now,
            )
        outcomes = [
            CycleEnd(
                o.round_id,
                o.team_id,
                o.ended_pairs,
                proposal if o.team_id == team_id else o.proposal,
            )
            for o in outcomes
        ]
    return outcomes


async def _thank(
    session: AsyncSession,
    round_: Round,
    pairs: Sequence[Pair],
    *,
    now: datetime,
    defaults: ProgramConfig,
) -> None:
    """One DM per person of the cycle: thanks, their partners, and "continue?" buttons."""
    ids = {p.guide_id for p in pairs} | {p.learner_id for p in pairs}
    people = {
        p.participant_id: p
        for p in (await _people(session, round_.team_id, participant_ids=ids)).values()
    }
    partners: dict[int, list[str]] = {}
    for pair in pairs:
        partners.setdefault(pair.guide_id, []).append(people[pair.learner_id].user_id)
        partners.setdefault(pair.learner_id, []).append(people[pair.guide_id].user_id)
    config = await program_config(session, round_.team_id, defaults)
    for participant_id, others in sorted(partners.items()):
        person = people[participant_id]
        if person.state == State.LEFT:
            continue
        await enqueue(
            session,
            team_id=round_.team_id,
            dedupe_key=f"cycle-end:{round_.id}:{person.user_id}",
            kind=KIND_CYCLE_END,
            message=blocks.cycle_end_message(round_.id, others, config.cycle_weeks),
            channel=person.user_id,
            now=now,
        )


# ---- what other features read --------------------------------------------------------------------


async def active_pairs(session: AsyncSession, team_id: str | None = None) -> list[ActivePair]:
    """Every running pair (of one workspace, or all), with its group DM and both time zones."""
    guide, learner = aliased(Participant), aliased(Participant)
    query = (
        select(Pair, guide, learner, Round.ends_on)
        .join(guide, guide.id == Pair.guide_id)
        .join(learner, learner.id == Pair.learner_id)
        .join(Round, Round.id == Pair.round_id)
        .where(Pair.ended_at.is_(None))
        .order_by(Pair.id)
    )
    if team_id is not None:
        query = query.where(Pair.team_id == team_id)
    return [
        ActivePair(
            pair_id=pair.id,
            team_id=pair.team_id,
            round_id=pair.round_id,
            guide_user_id=g.user_id,
            learner_user_id=lrn.user_id,
            guide_tz=g.tz or "UTC",
            learner_tz=lrn.tz or "UTC",
            shared_tools=tuple(pair.shared_tools),
            started_at=pair.started_at,
            ends_on=ends_on,
            group_channel_id=pair.group_channel_id,
            first_session_scheduled_at=pair.first_session_scheduled_at,
        )
        for pair, g, lrn, ends_on in (await session.execute(query)).all()
    ]


async def _partners(
    session: AsyncSession, team_id: str, user_id: str, *, active: bool
) -> list[PartnerInfo]:
    me = (
        await session.scalars(
            select(Participant).where(
                Participant.team_id == team_id, Participant.user_id == user_id
            )
        )
    ).one_or_none()
    if me is None:
        return []
    other = aliased(Participant)
    condition = Pair.ended_at.is_(None) if active else Pair.ended_at.is_not(None)
    query = (
        select(Pair, other)
        .join(
            other,
            or_(
                (Pair.guide_id == me.id) & (other.id == Pair.learner_id),
                (Pair.learner_id == me.id) & (other.id == Pair.guide_id),
            ),
        )
        .where(condition)
        .order_by(Pair.started_at.desc(), Pair.id.desc())
    )
    return [
        PartnerInfo(
            pair_id=pair.id,
            user_id=partner.user_id,
            their_role="learner" if pair.guide_id == me.id else "guide",
            tools=tuple(pair.shared_tools),
            started_at=pair.started_at,
            ended_at=pair.ended_at,
            end_reason=pair.end_reason,
        )
        for pair, partner in (await session.execute(query)).all()
    ]


async def current_partners(session: AsyncSession, team_id: str, user_id: str) -> list[PartnerInfo]:
    """Who the person is paired with now (a guide may have several learners)."""
    return await _partners(session, team_id, user_id, active=True)


async def past_partners(session: AsyncSession, team_id: str, user_id: str) -> list[PartnerInfo]:
    """The person's ended pairs, newest first."""
    return await _partners(session, team_id, user_id, active=False)


async def count_active_pairs(session: AsyncSession, team_id: str) -> int:
    query = select(func.count()).where(Pair.team_id == team_id, Pair.ended_at.is_(None))
    return int(await session.scalar(query) or 0)
