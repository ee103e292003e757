"""The read models of pairing rounds: people, proposals, pairs made, pairs ended."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from models import EndReason, Round, State


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


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def offset_minutes(tz: str, now: datetime) -> int:
    offset = now.astimezone(_zone(tz)).utcoffset() or timedelta(0)
    return max(-14 * 60, min(14 * 60, int(offset.total_seconds() // 60)))
