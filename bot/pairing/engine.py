"""``match``: one round of pairing, from a request to pairs with explanations and reasons."""

from __future__ import annotations

import random

import numpy as np

from bot.pairing.assign import Assigner, Outcome
from bot.pairing.explain import explain_pair, unmatched_reasons
from bot.pairing.matrix import Graph, build_graph, code_repeat, code_score
from bot.pairing.model import MatchConfig, MatchRequest, MatchResult, Pair, Participant

DEFAULT_CONFIG = MatchConfig()


def canonical_order(request: MatchRequest, rng: random.Random | int) -> list[Participant]:
    """Participants sorted by id, then shuffled by the seed: the seed only breaks ties."""
    rnd = rng if isinstance(rng, random.Random) else random.Random(rng)
    order = sorted(request.participants, key=lambda p: p.id)
    rnd.shuffle(order)
    return order


def match(
    request: MatchRequest, rng: random.Random | int = 0, config: MatchConfig = DEFAULT_CONFIG
) -> MatchResult:
    """Pair this round's participants optimally (most pairs, fewest repeats, most pairs sharing
    a tool, best score).

    Same request and seed -> same result. Pure: no I/O, the request is not modified.
    """
    graph = build_graph(request, canonical_order(request, rng), config.tz_mode)
    assigner = Assigner(graph)
    outcome = assigner.search(config.effort, config.max_solves)
    return _result(request, graph, assigner, outcome, config)


def _result(
    request: MatchRequest, graph: Graph, assigner: Assigner, outcome: Outcome, config: MatchConfig
) -> MatchResult:
    best = outcome.best
    rows = assigner.row_ids[best.rows].tolist()
    cols = assigner.slot_owner[best.slots].tolist()
    return assemble(
        request,
        graph,
        list(zip(rows, cols, strict=True)),
        config,
        proven_optimal=outcome.proven,
        pairs_proven=outcome.pairs_proven,
        repeats_proven=outcome.repeats_proven,
        shared_proven=outcome.shared_proven,
        score_gap=outcome.score_gap,
        solves=outcome.solves,
    )


def assemble(
    request: MatchRequest,
    graph: Graph,
    cells: list[tuple[int, int]],
    config: MatchConfig,
    *,
    proven_optimal: bool,
    pairs_proven: bool,
    repeats_proven: bool,
    shared_proven: bool,
    score_gap: int | None,
    solves: int,
) -> MatchResult:
    """The public result for chosen (learner row, guide column) cells of ``graph``."""
    pairs: list[Pair] = []
    rc = np.array(cells, dtype=np.intp).reshape(-1, 2)
    codes = graph.codes[rc[:, 0], rc[:, 1]]
    scores: list[int] = code_score(codes).tolist()
    repeats: list[bool] = code_repeat(codes).tolist()
    for (r, c), score, repeat in zip(cells, scores, repeats, strict=True):
        guide, learner = graph.cols[c], graph.rows[r]
        why = explain_pair(
            guide, learner, repeat=repeat, tz_mode=config.tz_mode, repeat_unavoidable=repeats_proven
        )
        pairs.append(Pair(guide.id, learner.id, score, why.shared_tools, repeat, why))
    pairs.sort(key=lambda p: (p.guide_id, p.learner_id))
    matched = {p.guide_id for p in pairs} | {p.learner_id for p in pairs}
    demand, places = graph.demand_and_places()
    unmatched = unmatched_reasons(graph, request.participants, matched, demand, places)
    return MatchResult(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        total_score=sum(p.score for p in pairs),
        repeats=sum(p.repeat for p in pairs),
        proven_optimal=proven_optimal,
        pairs_proven=pairs_proven,
        repeats_proven=repeats_proven,
        shared_proven=shared_proven,
        score_gap=score_gap,
        solves=solves,
    )
