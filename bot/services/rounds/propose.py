"""Proposing a round (the engine's answer, stored as a snapshot), or discarding it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import pairing
from bot.delivery.outbox import enqueue_to_each
from bot.i18n import _
from bot.services.errors import RoundAlreadyDecided, RoundNotFound
from bot.services.notices import Notice
from bot.services.program.programs import check_open
from bot.services.program.settings import ProgramConfig, hr_recipients, program_config
from bot.services.rounds import loading
from models import Round, RoundSource, RoundStatus


def _why_to_json(why: pairing.Why) -> dict[str, Any]:
    return {
        "guide_name": why.guide_name,
        "learner_name": why.learner_name,
        "shared_tools": list(why.shared_tools),
        "departments_differ": why.departments_differ,
        "minutes_apart": why.minutes_apart,
        "waited": list(why.waited),
        "repeat": why.repeat,
        "repeat_unavoidable": why.repeat_unavoidable,
    }


def _why_from_json(data: Mapping[str, Any]) -> pairing.Why:
    minutes = data.get("minutes_apart")
    return pairing.Why(
        guide_name=str(data["guide_name"]),
        learner_name=str(data["learner_name"]),
        shared_tools=tuple(str(t) for t in data.get("shared_tools", ())),
        departments_differ=bool(data.get("departments_differ", False)),
        minutes_apart=None if minutes is None else int(minutes),
        waited=tuple(str(n) for n in data.get("waited", ())),
        repeat=bool(data.get("repeat", False)),
        repeat_unavoidable=bool(data.get("repeat_unavoidable", True)),
    )


def reason_to_json(why: pairing.Reason) -> dict[str, Any]:
    return {
        "code": why.code,
        "name": why.name,
        "role": why.role,
        "count": why.count,
        "learns": list(why.learns),
        "teaches": list(why.teaches),
    }


def reason_from_json(data: Mapping[str, Any]) -> pairing.Reason:
    role = data.get("role")
    return pairing.Reason(
        code=str(data["code"]),
        name=str(data.get("name", "")),
        role="guide" if role == "guide" else "learner" if role == "learner" else "both",
        count=int(data.get("count", 0)),
        learns=tuple(str(t) for t in data.get("learns", ())),
        teaches=tuple(str(t) for t in data.get("teaches", ())),
    )


@dataclass(frozen=True)
class ProposedPair:
    """A pair of a proposal, with why the engine made it (`why`, written for HR when shown;
    proposals stored before it existed keep the English sentence in `explanation`)."""

    guide: str
    learner: str
    shared_tools: tuple[str, ...] = ()
    repeat: bool = False
    explanation: str = ""
    why: pairing.Why | None = None

    def to_json(self) -> dict[str, Any]:
        why = {"why": _why_to_json(self.why)} if self.why else {}
        return {
            "guide": self.guide,
            "learner": self.learner,
            "shared_tools": list(self.shared_tools),
            "repeat": self.repeat,
            "explanation": self.explanation,
            **why,
        }

    @classmethod
    def of(cls, pair: pairing.Pair) -> ProposedPair:
        """The engine's pair, as a proposal keeps it."""
        return cls(pair.guide_id, pair.learner_id, pair.shared_tools, pair.repeat, why=pair.why)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProposedPair:
        return cls(
            guide=str(data["guide"]),
            learner=str(data["learner"]),
            shared_tools=tuple(str(t) for t in data.get("shared_tools", ())),
            repeat=bool(data.get("repeat", False)),
            explanation=str(data.get("explanation", "")),
            why=_why_from_json(data["why"]) if data.get("why") else None,
        )


@dataclass(frozen=True)
class Unplaced:
    """Someone without a pair this round, and why: `code` for programs, `why` the values of the
    sentence written to the person or about them to HR when shown. Proposals stored before
    `why` existed keep the English sentences: `reason` to the person, `hr_reason` for HR."""

    user_id: str
    code: str
    why: pairing.Reason | None = None
    reason: str = ""
    hr_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        why = {"why": reason_to_json(self.why)} if self.why else {}
        text = {"reason": self.reason, "hr_reason": self.hr_reason} if self.reason else {}
        return {"user": self.user_id, "code": self.code, **text, **why}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Unplaced:
        reason = str(data.get("reason", ""))
        return cls(
            user_id=str(data["user"]),
            code=str(data["code"]),
            why=reason_from_json(data["why"]) if data.get("why") else None,
            reason=reason,
            # Proposals stored before `hr_reason` existed show HR the person's sentence.
            hr_reason=str(data.get("hr_reason") or reason),
        )


@dataclass(frozen=True)
class Replaced:
    """The pair a re-pair proposal replaces (after "Not a good fit"): approving it ends that
    pair, and the new pairs run until its cycle's end."""

    pair_id: int
    guide: str
    learner: str
    ends_on: date

    def to_json(self) -> dict[str, Any]:
        return {
            "pair_id": self.pair_id,
            "guide": self.guide,
            "learner": self.learner,
            "ends_on": self.ends_on.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Replaced:
        return cls(
            pair_id=int(data["pair_id"]),
            guide=str(data["guide"]),
            learner=str(data["learner"]),
            ends_on=date.fromisoformat(str(data["ends_on"])),
        )


@dataclass(frozen=True)
class Proposal:
    """What the admin is shown: the pairs with their explanations, the unmatched with reasons."""

    round_id: int
    pairs: tuple[ProposedPair, ...]
    unmatched: tuple[Unplaced, ...]
    names: Mapping[str, str] = field(default_factory=dict)
    proven_optimal: bool = True
    cycle_weeks: int = 12
    replaced: Replaced | None = None

    def snapshot(self, seed: int, tz_mode: str) -> dict[str, Any]:
        replaced = {"replaces": self.replaced.to_json()} if self.replaced else {}
        return {
            **replaced,
            "seed": seed,
            "tz_mode": tz_mode,
            "cycle_weeks": self.cycle_weeks,
            "proven_optimal": self.proven_optimal,
            "pairs": [pair.to_json() for pair in self.pairs],
            "unmatched": [u.to_json() for u in self.unmatched],
            "names": dict(self.names),
        }

    @classmethod
    def of(cls, round_: Round) -> Proposal:
        data = round_.proposal
        return cls(
            round_id=round_.id,
            pairs=tuple(ProposedPair.from_json(p) for p in data.get("pairs", ())),
            unmatched=tuple(Unplaced.from_json(u) for u in data.get("unmatched", ())),
            names={str(k): str(v) for k, v in data.get("names", {}).items()},
            proven_optimal=bool(data.get("proven_optimal", True)),
            cycle_weeks=int(data.get("cycle_weeks", 12)),
            replaced=Replaced.from_json(data["replaces"]) if data.get("replaces") else None,
        )


class ProposalNotice(Notice):
    """A proposed round for an HR admin to approve or discard."""

    kind: ClassVar[str] = "proposal"

    proposal: Proposal
    automatic: bool = False


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

    An older proposal still waiting is discarded, so only the newest one can be approved (a
    re-pair proposal waiting is not: it concerns two people, and approval re-checks it).
    `store=False` computes without writing anything (`rotnem pair --dry-run`).
    """
    await check_open(session, team_id)
    config = await program_config(session, team_id, defaults)
    people = await loading.people(session, team_id)
    load = loading.Load.of(await loading.active_pair_rows(session, team_id))
    candidates = [
        engine_person
        for person in people.values()
        if person.available(now)
        and not person.guest
        and (engine_person := loading.engine_person(person, load, now)) is not None
    ]
    request = await loading.rules_request(
        session, team_id, candidates, require_shared_tool=config.require_shared_tool
    )
    seed = int(now.timestamp()) if seed is None else seed
    result = await asyncio.to_thread(
        pairing.match, request, seed, pairing.MatchConfig(tz_mode=config.tz_preference)
    )
    pairs = tuple(ProposedPair.of(p) for p in result.pairs)
    unmatched = tuple(Unplaced(u.person_id, u.code, u.why) for u in result.unmatched)
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
        .where(
            Round.team_id == team_id,
            Round.status == RoundStatus.PROPOSED,
            Round.source == RoundSource.MATCHING,
        )
        .values(status=RoundStatus.DISCARDED, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    return await store_proposal(
        session,
        team_id,
        proposal,
        source=RoundSource.MATCHING,
        seed=seed,
        tz_mode=config.tz_preference,
        proposed_by=proposed_by,
        now=now,
    )


async def store_proposal(
    session: AsyncSession,
    team_id: str,
    proposal: Proposal,
    *,
    source: RoundSource,
    seed: int,
    tz_mode: str,
    proposed_by: str | None,
    now: datetime,
) -> Proposal:
    """Keep the proposal as a proposed round (the snapshot approval creates); it, with its ID."""
    round_ = Round(
        team_id=team_id,
        status=RoundStatus.PROPOSED,
        source=source,
        proposal=proposal.snapshot(seed, tz_mode),
        proposed_by=proposed_by,
        created_at=now,
    )
    session.add(round_)
    await session.flush()
    return Proposal.of(round_)


async def send_proposal(
    session: AsyncSession,
    team_id: str,
    proposal: Proposal,
    *,
    admins: Iterable[str],
    now: datetime,
    automatic: bool = False,
) -> None:
    """Queue the proposal to each HR admin's (and program manager's) DM, with Approve / Discard
    (once per admin)."""
    await enqueue_to_each(
        session,
        team_id=team_id,
        dedupe_key=f"proposal:{proposal.round_id}",
        notice=ProposalNotice(proposal=proposal, automatic=automatic),
        users=await hr_recipients(session, team_id, admins),
        now=now,
    )


async def _round(session: AsyncSession, team_id: str, round_id: int) -> Round:
    round_ = await session.get(Round, round_id, populate_existing=True)
    if round_ is None or round_.team_id != team_id:
        raise RoundNotFound(_("That pairing round doesn't exist (any more)."))
    return round_


async def decide(
    session: AsyncSession, team_id: str, round_id: int, values: dict[str, Any]
) -> Round:
    """Move the round out of "proposed" exactly once; the loser of a race gets a Conflict."""
    result = await session.execute(
        update(Round)
        .where(Round.id == round_id, Round.team_id == team_id, Round.status == RoundStatus.PROPOSED)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    round_ = await _round(session, team_id, round_id)
    if not result.rowcount:  # type: ignore[attr-defined]
        if round_.status == RoundStatus.APPROVED:
            raise RoundAlreadyDecided(
                _("This proposal was already approved, so its pairs exist and were introduced."),
                round_.status,
            )
        raise RoundAlreadyDecided(
            _("This proposal was discarded (or replaced by a newer one); nothing was changed."),
            round_.status,
        )
    return round_


async def discard_round(
    session: AsyncSession, team_id: str, round_id: int, *, actor_id: str | None, now: datetime
) -> None:
    """Throw a proposal away; nobody is told anything."""
    await decide(
        session,
        team_id,
        round_id,
        {"status": RoundStatus.DISCARDED, "discarded_by": actor_id, "decided_at": now},
    )
