"""Hard rules: who may never be paired, and a checker that a result breaks none of them.

A pair (guide, learner) is *valid* when
- they are different people,
- neither is in the other's reporting line (the manager chain followed as far as it is known,
  through people who are not participating, and through each of a person's managers when
  several are known; cycles in bad data are cut where they close),
- neither excluded the other,
- only when the request says ``require_shared_tool``: the guide teaches at least one tool the
  learner wants to learn. Otherwise a pair without a shared tool is valid, and the engine forms
  one only when no assignment as large (with as few repeats) has more pairs sharing a tool.
A valid pair that was together in any earlier cycle is a *repeat*: allowed only as a last
resort. Both preferences are enforced through the engine's objective (see ``assign``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from bot.pairing.model import Exclusion, Managers, MatchRequest, Pair, Participant, PastPair

Block = Literal["self", "no_overlap", "reporting_line", "excluded"]


def _managers_of(user: str, managers: Managers) -> tuple[str, ...]:
    found = managers.get(user)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else found


def manager_chain(user: str, managers: Managers) -> tuple[str, ...]:
    """``user``'s managers, nearest first (level by level where someone has several), stopping
    at the top or where the chain loops."""
    chain: list[str] = []
    seen = {user}
    above = deque(_managers_of(user, managers))
    while above:
        current = above.popleft()
        if current in seen:
            continue
        chain.append(current)
        seen.add(current)
        above.extend(_managers_of(current, managers))
    return tuple(chain)


def reporting_pairs(people: Iterable[str], managers: Managers) -> Iterator[tuple[str, str]]:
    """(person, manager-above-them) for every participant pair inside one reporting line."""
    ids = set(people)
    for person in sorted(ids):
        for boss in manager_chain(person, managers):
            if boss in ids:
                yield person, boss


def unordered(pairs: Iterable[tuple[str, str]]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(p) for p in pairs if p[0] != p[1])


def past_pairs(history: Iterable[PastPair]) -> frozenset[frozenset[str]]:
    return unordered((h.guide_id, h.learner_id) for h in history)


def excluded_pairs(exclusions: Iterable[Exclusion]) -> frozenset[frozenset[str]]:
    return unordered((e.by_id, e.other_id) for e in exclusions)


@dataclass(frozen=True, slots=True)
class Rules:
    """The hard rules of one request, precomputed for fast scalar checks."""

    reporting: frozenset[frozenset[str]]
    excluded: frozenset[frozenset[str]]
    past: frozenset[frozenset[str]]
    require_shared_tool: bool = False

    @classmethod
    def of(cls, request: MatchRequest) -> Rules:
        ids = [p.id for p in request.participants]
        return cls(
            reporting=unordered(reporting_pairs(ids, request.managers)),
            excluded=excluded_pairs(request.exclusions),
            past=past_pairs(request.history),
            require_shared_tool=request.require_shared_tool,
        )

    def block(self, guide: Participant, learner: Participant) -> Block | None:
        """Why ``guide`` may not guide ``learner`` (hard rules only), or None when valid."""
        if guide.id == learner.id:
            return "self"
        key = frozenset((guide.id, learner.id))
        if key in self.reporting:
            return "reporting_line"
        if key in self.excluded:
            return "excluded"
        if self.require_shared_tool and not (guide.teaches & learner.learns):
            return "no_overlap"
        return None

    def is_repeat(self, a: str, b: str) -> bool:
        return frozenset((a, b)) in self.past


def violations(request: MatchRequest, pairs: Iterable[Pair]) -> list[str]:
    """Every hard-rule or side/capacity breach in ``pairs`` (empty list = clean)."""
    people = {p.id: p for p in request.participants}
    rules = Rules.of(request)
    found: list[str] = []
    guided: dict[str, int] = {}
    learned: dict[str, int] = {}
    seen: set[frozenset[str]] = set()
    for pair in pairs:
        g, learner = people.get(pair.guide_id), people.get(pair.learner_id)
        if g is None or learner is None:
            found.append(f"unknown participant in {pair.guide_id}->{pair.learner_id}")
            continue
        if g.role == "learner" or learner.role == "guide":
            found.append(f"wrong side: {g.id}->{learner.id}")
        why = rules.block(g, learner)
        if why is not None:
            found.append(f"{why}: {g.id}->{learner.id}")
        key = frozenset((g.id, learner.id))
        if key in seen:
            found.append(f"duplicate pair {g.id}->{learner.id}")
        seen.add(key)
        guided[g.id] = guided.get(g.id, 0) + 1
        learned[learner.id] = learned.get(learner.id, 0) + 1
    for pid, n in guided.items():
        if n > people[pid].capacity:
            found.append(f"over capacity: {pid} guides {n}")
    for pid, n in learned.items():
        if n > 1:
            found.append(f"learner twice: {pid}")
        if pid in guided:
            found.append(f"both sides at once: {pid}")
    return found
