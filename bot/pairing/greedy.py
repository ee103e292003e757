"""A greedy baseline, only for the benchmark: never used to make real pairs.

Learners in turn (waitlisted first, then the seeded order) each take the best guide still
free: non-repeat first, then one sharing a tool, then highest score. It obeys every hard rule
and the both-ways rule, but it is not optimal: an early learner can take the only guide a later
learner could use.
"""

from __future__ import annotations

import random

import numpy as np

from bot.pairing.engine import DEFAULT_CONFIG, assemble, canonical_order
from bot.pairing.matrix import build_graph
from bot.pairing.model import MatchConfig, MatchRequest, MatchResult


def greedy_match(
    request: MatchRequest, rng: random.Random | int = 0, config: MatchConfig = DEFAULT_CONFIG
) -> MatchResult:
    graph = build_graph(request, canonical_order(request, rng), config.tz_mode)
    left = graph.slots_per_col().copy()
    col_of = graph.col_of()
    guiding: set[str] = set()
    order = sorted(range(len(graph.rows)), key=lambda r: not graph.rows[r].waitlisted)
    cells: list[tuple[int, int]] = []
    for r in order:
        learner = graph.rows[r]
        if learner.id in guiding:
            continue
        codes = graph.codes[r]
        free = np.flatnonzero((codes > 0) & (left > 0))
        if not len(free):  # no guide candidate at all, or every one is taken
            continue
        # codes order like (fresh, shared tool, score)
        c = int(free[np.argmax(codes[free])])
        cells.append((r, c))
        left[c] -= 1
        guiding.add(graph.cols[c].id)
        if learner.id in col_of:  # a both-ways learner can no longer guide
            left[col_of[learner.id]] = 0
    return assemble(
        request,
        graph,
        cells,
        config,
        proven_optimal=False,
        pairs_proven=False,
        repeats_proven=False,
        shared_proven=False,
        score_gap=None,
        solves=0,
    )
