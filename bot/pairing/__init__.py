"""The matching engine: who pairs with whom this round, and why.

Pure code -- no database, no Slack, no I/O. Frozen dataclasses in (``MatchRequest``), frozen
dataclasses out (``MatchResult``); a seed (or ``random.Random``) only breaks ties between
equally good answers, so the same request and seed always give the same result.

Objective, in this order: (1) the most pairs, (2) the fewest repeats of earlier pairs,
(3) the most pairs that share a tool, (4) the highest total score (tool overlap first; see
``score``). Hard rules (``rules``) are never broken: not the same person, not inside one
reporting line, not personally excluded (and at least one tool in common when the request says
``require_shared_tool``); a guide takes at most ``capacity`` learners; a "both ways" person
is a learner in one pair or a guide in up to ``capacity`` pairs, never both. How the optimum is
found and proven: ``assign``. ``greedy_match`` is a baseline for the benchmark only.

Modules: ``model`` (dataclasses), ``rules`` (hard rules and a result checker), ``score``
(preferences), ``matrix`` (vectorised graph), ``assign`` (exact solver), ``explain``
(why, as values), ``engine`` (``match``), ``greedy`` (baseline).
"""

import importlib
from typing import TYPE_CHECKING, Any

from bot.pairing.model import (
    Exclusion,
    Managers,
    MatchConfig,
    MatchRequest,
    MatchResult,
    Pair,
    Participant,
    PastPair,
    Reason,
    Role,
    TzMode,
    Unmatched,
    Why,
)
from bot.pairing.rules import manager_chain, violations

if TYPE_CHECKING:
    from bot.pairing.engine import match
    from bot.pairing.greedy import greedy_match

# The solver and the texts about it need numpy and scipy (about 15 MB): they load on first use,
# so a process that only reads the model and the rules (the web process) never carries them.
_ON_FIRST_USE = {"match": "bot.pairing.engine", "greedy_match": "bot.pairing.greedy"}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Exclusion",
    "Managers",
    "MatchConfig",
    "MatchRequest",
    "MatchResult",
    "Pair",
    "Participant",
    "PastPair",
    "Reason",
    "Role",
    "TzMode",
    "Unmatched",
    "Why",
    "greedy_match",
    "manager_chain",
    "match",
    "violations",
]
