"""Data in and out of the matching engine: frozen dataclasses only, no behaviour beyond checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Role = Literal["guide", "learner", "both"]
TzMode = Literal["prefer_close", "ignore"]

MAX_CAPACITY = 3


@dataclass(frozen=True, slots=True)
class Participant:
    """One active participant of this round (not paused, not left, not in an active pair).

    ``utc_offset_minutes`` is the person's UTC offset *at matching time* (the caller resolves an
    IANA zone with ``zoneinfo`` for the round's date), so the engine never needs a tz database.
    ``capacity`` only matters on the guide side: a learner is always in at most one pair.
    """

    id: str
    name: str
    role: Role
    capacity: int = 1
    teaches: frozenset[str] = frozenset()
    learns: frozenset[str] = frozenset()
    department: str = ""
    utc_offset_minutes: int = 0
    waitlisted: bool = False

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("participant id must not be empty")
        if self.role not in ("guide", "learner", "both"):
            raise ValueError(f"unknown role {self.role!r} for {self.id}")
        if not 1 <= self.capacity <= MAX_CAPACITY:
            raise ValueError(f"capacity of {self.id} must be 1..{MAX_CAPACITY}")
        if not -14 * 60 <= self.utc_offset_minutes <= 14 * 60:
            raise ValueError(f"utc offset of {self.id} out of range")

    @property
    def can_guide(self) -> bool:
        return self.role != "learner" and bool(self.teaches)

    @property
    def can_learn(self) -> bool:
        return self.role != "guide" and bool(self.learns)


@dataclass(frozen=True, slots=True)
class PastPair:
    """A pair from an earlier cycle. Repeats are judged regardless of who guided whom."""

    guide_id: str
    learner_id: str
    cycle: int = 0


@dataclass(frozen=True, slots=True)
class Exclusion:
    """``by_id`` asked never to be paired with ``other_id``; it blocks both directions."""

    by_id: str
    other_id: str


# Each person's manager, or managers: a person may name a different one in each of the
# workspace's programs, and every one of them counts.
Managers = Mapping[str, str | tuple[str, ...]]


def _frozen_map(m: Managers) -> Managers:
    return MappingProxyType(dict(m))


@dataclass(frozen=True, slots=True)
class MatchRequest:
    """Everything one matching round needs.

    ``managers`` maps user id -> manager id (or ids, when several are known) for the whole
    organisation as far as it is known, including people who are not participating: reporting
    chains pass through them.
    ``require_shared_tool`` makes "at least one tool in common" a hard rule (a program setting);
    otherwise it is the first preference after the number of pairs and repeats.
    """

    participants: tuple[Participant, ...]
    managers: Managers = field(default_factory=dict)
    history: tuple[PastPair, ...] = ()
    exclusions: tuple[Exclusion, ...] = ()
    require_shared_tool: bool = False

    def __post_init__(self) -> None:
        ids = [p.id for p in self.participants]
        if len(set(ids)) != len(ids):
            raise ValueError("participant ids must be unique")
        object.__setattr__(self, "managers", _frozen_map(self.managers))
        object.__setattr__(self, "participants", tuple(self.participants))
        object.__setattr__(self, "history", tuple(self.history))
        object.__setattr__(self, "exclusions", tuple(self.exclusions))


@dataclass(frozen=True, slots=True)
class MatchConfig:
    """Knobs of a round.

    ``effort`` bounds the exact search over "both ways" side choices, counted in matrix cells
    handed to the assignment solver (deterministic, unlike a time limit); ``max_solves`` caps
    the number of full solves. The first solve and the cheap repairs always run. When the budget
    runs out the best feasible assignment found is returned and ``MatchResult.proven_optimal``
    is False (``pairs_proven``/``repeats_proven``/``score_gap`` say what still holds).

    The defaults allow about 40 full solves at 1,000 participants (a typical round proves
    optimality in 6-8), about 10 at 2,000, and only the first solve from about 5,000 up, where
    one solve already takes seconds; tiny rounds are capped by ``max_solves``.
    """

    tz_mode: TzMode = "prefer_close"
    effort: int = 24_000_000
    max_solves: int = 64


@dataclass(frozen=True, slots=True)
class Why:
    """Why a pair was made, as values: whoever shows it writes the sentence, in its reader's
    language. ``shared_tools`` is sorted and empty for a pair without a shared tool,
    ``minutes_apart`` None when time zones are ignored, ``waited`` the names of who waited last
    round (the learner first)."""

    guide_name: str
    learner_name: str
    shared_tools: tuple[str, ...] = ()
    departments_differ: bool = False
    minutes_apart: int | None = None
    waited: tuple[str, ...] = ()
    repeat: bool = False
    repeat_unavoidable: bool = True


@dataclass(frozen=True, slots=True)
class Pair:
    """A guide and a learner the engine paired, with why (for HR) and what they share
    (``shared_tools`` is empty for a pair without a shared tool)."""

    guide_id: str
    learner_id: str
    score: int
    shared_tools: tuple[str, ...]
    repeat: bool
    why: Why


@dataclass(frozen=True, slots=True)
class Reason:
    """Why someone was left without a pair, as values: whoever shows it writes the sentence, to
    the person ("you") or to HR about them (``name``), in its reader's language.

    ``code`` says which case it is (the engine's codes, see ``Unmatched``); ``role`` is the
    person's; ``count`` the guides or learners the case counts; ``learns`` / ``teaches`` the
    person's tools (sorted) where the sentence quotes them, else empty."""

    code: str
    name: str
    role: Role = "both"
    count: int = 0
    learns: tuple[str, ...] = ()
    teaches: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unmatched:
    """Someone left without a pair. ``code`` is stable for programs (no_tools, reporting_line,
    excluded, blocked, no_overlap, oversubscribed, at_capacity, undersubscribed,
    learners_taken); ``why`` holds what a sentence about it needs."""

    person_id: str
    code: str
    why: Reason


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The round's outcome.

    ``proven_optimal`` means the (pairs, repeats, pairs with a shared tool, score) objective is
    certified optimal. Otherwise ``pairs_proven`` / ``repeats_proven`` / ``shared_proven`` say
    which leading tiers still are, and ``score_gap`` bounds how many score points an optimal
    assignment could have in addition.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: int
    repeats: int
    proven_optimal: bool = True
    pairs_proven: bool = True
    repeats_proven: bool = True
    shared_proven: bool = True
    score_gap: int | None = 0
    solves: int = 0
