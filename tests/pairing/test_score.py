"""The vectorised score and graph agree with the scalar rules, and the counting pair cap."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from bot.pairing import Exclusion, MatchRequest, Participant, PastPair, match
from bot.pairing.assign import Assigner
from bot.pairing.engine import canonical_order
from bot.pairing.matrix import build_graph, code_repeat, code_score, code_shared
from bot.pairing.model import TzMode
from bot.pairing.rules import Rules
from bot.pairing.score import pair_score


def _population(seed: int, n: int, tools: int) -> MatchRequest:
    rnd = random.Random(seed)
    names = [f"t{i:03d}" for i in range(tools)]
    offsets = [-840, -600, -300, 0, 45, 330, 600, 840]  # -840 and +840 wrap around the day
    people = tuple(
        Participant(
            id=f"p{i:03d}",
            name=f"P{i}",
            role=rnd.choice(("guide", "learner", "both")),
            capacity=rnd.randint(1, 3),
            teaches=frozenset(rnd.sample(names, rnd.randint(0, min(8, tools)))),
            learns=frozenset(rnd.sample(names, rnd.randint(0, min(8, tools)))),
            department=rnd.choice(("", "eng", "ops", "hr")),
            utc_offset_minutes=rnd.choice(offsets),
            waitlisted=rnd.random() < 0.2,
        )
        for i in range(n)
    )
    return MatchRequest(people)


@pytest.mark.parametrize("require", [False, True])
@pytest.mark.parametrize("tz_mode", ["prefer_close", "ignore"])
@pytest.mark.parametrize("tools", [5, 150])  # 150 tools: three 64-bit words per mask
def test_vectorised_scores_equal_scalar_ones(tools: int, tz_mode: TzMode, require: bool) -> None:
    req = _population(tools, 80, tools)
    # repeats, reporting lines and exclusions are patched into the codes cell by cell
    rnd, ids = random.Random(tools), [p.id for p in req.participants]
    req = replace(
        req,
        require_shared_tool=require,
        managers={a: rnd.choice(ids) for a in rnd.sample(ids, 30)},
        history=tuple(PastPair(a, b) for a, b in (rnd.sample(ids, 2) for _ in range(300))),
        exclusions=tuple(Exclusion(a, b) for a, b in (rnd.sample(ids, 2) for _ in range(40))),
    )
    graph = build_graph(req, canonical_order(req, 0), tz_mode)
    rules = Rules.of(req)
    codes = graph.codes
    for r, learner in enumerate(graph.rows):
        for c, guide in enumerate(graph.cols):
            shares = bool(guide.teaches & learner.learns)
            assert (codes[r, c] > 0) == (rules.block(guide, learner) is None)
            assert graph.row_overlap(r)[c] == shares == graph.col_overlap(c)[r]
            if codes[r, c] > 0:
                assert code_score(codes[r, c]) == pair_score(guide, learner, tz_mode)
                assert code_shared(codes[r, c]) == shares
                assert code_repeat(codes[r, c]) == rules.is_repeat(guide.id, learner.id)
    assert np.array_equal(graph.row_degree, np.count_nonzero(codes, axis=1))
    assert np.array_equal(graph.col_degree, np.count_nonzero(codes, axis=0))


def test_pair_cap_counts_both_ways_people_once() -> None:
    excel = frozenset({"Excel"})
    both = [Participant(f"b{i}", f"B{i}", "both", teaches=excel, learns=excel) for i in range(6)]
    learner = Participant("l", "L", "learner", learns=excel)
    req = MatchRequest((*both, learner))
    assigner = Assigner(build_graph(req, canonical_order(req, 0), "prefer_close"))
    # 7 rows and 6 slots, but 6 both-ways people + 1 learner make at most 3 pairs
    assert assigner.cost.shape == (7, 6)
    assert assigner.pair_cap({}) == 3
    assert assigner.pair_cap({0: "learner", 1: "learner", 2: "learner", 3: "learner"}) == 2
    result = match(req, 0)
    assert len(result.pairs) == 3 and result.proven_optimal and result.solves == 1


def test_proofs_on_a_mid_sized_round() -> None:
    req = _population(7, 300, 12)
    result = match(req, 0)
    assert result.pairs_proven and result.repeats_proven
    assert result.score_gap is not None and result.score_gap >= 0
    assert np.all([p.score >= 0 for p in result.pairs])
