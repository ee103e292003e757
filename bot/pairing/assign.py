"""Exact optimisation of one round: most pairs, then fewest repeats, then highest score.

Tiers. Every valid (learner, guide) edge gets one integer weight

    w = M_PAIR - M_REPEAT * is_repeat + score,        0 <= score <= SCORE_MAX

with P the most pairs any assignment can have, M_REPEAT = P*SCORE_MAX + 1 and
M_PAIR = P*M_REPEAT + P*SCORE_MAX + 1. The score sum of any assignment lies in
[0, P*SCORE_MAX] < M_REPEAT, so no score difference outweighs one repeat, and the repeat+score
part lies in (-M_PAIR, M_PAIR), so nothing outweighs one more pair: maximising the total weight
is the lexicographic objective. All weights and sums stay below 2**53 (checked), so the float64
solver works on exact integers. Forbidden edges weigh 0 and are dropped from the answer: any
matching extends to a full assignment with 0-edges, so the two problems have the same optimum.

Capacity. A guide's column is repeated min(capacity, number of valid learners) times ("slots")
and the capacity-expanded matrix goes to ``scipy.optimize.linear_sum_assignment``.

Both-ways people. Someone who may guide or learn has a row *and* slots. Solving that double
cover is a relaxation: every feasible assignment is one of its solutions, so its optimum is an
upper bound, and when it uses nobody on both sides it is optimal. This cannot be fixed by a
cleverer flow or assignment model: with both-ways people the problem contains general
(non-bipartite) matching -- three both-ways people who can each teach the next form an odd
cycle the double cover "matches" completely. So we branch: a conflicting person is either
learner-only (slots closed) or guide-only (row closed), which partitions that person's feasible
roles; best-first branch and bound on the relaxation bound is then exact. The search is bounded
by a deterministic budget (matrix cells solved); when it runs out we return the best feasible
assignment and say which tiers are still proven (its pairs/repeats equal the best open bound's).
The incumbent comes from a repair: close every conflict on one side, re-solve, repeat.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from bot.pairing.matrix import Graph
from bot.pairing.score import SCORE_MAX

SideChoice = Literal["learner", "guide"]
Fixing = Mapping[int, SideChoice]  # both-ways index -> the only side it may take
IdxArray = npt.NDArray[np.intp]

EXACT_LIMIT = 2**50  # headroom below 2**53 for the solver's potentials


@dataclass(frozen=True, slots=True, eq=False)
class Solution:
    """An assignment on the slot matrix: kept-row index -> slot index, with its tiers."""

    rows: IdxArray
    slots: IdxArray
    value: int
    pairs: int
    repeats: int
    score: int
    conflicts: tuple[int, ...]  # both-ways indices used on both sides, in canonical order


@dataclass(frozen=True, slots=True)
class Outcome:
    best: Solution
    bound: Solution  # relaxation with the highest value still open (== best when proven)
    proven: bool
    solves: int


class Assigner:
    """Holds the slot matrix of one round and searches the both-ways side choices."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        deg_r = graph.valid.sum(axis=1)
        self.row_ids: IdxArray = np.flatnonzero(deg_r > 0).astype(np.intp)
        per_col = graph.slots_per_col()
        self.slot_owner: IdxArray = np.repeat(np.arange(len(graph.cols)), per_col).astype(np.intp)
        n, m = len(self.row_ids), len(self.slot_owner)
        p = min(n, m)
        self.m_repeat = p * SCORE_MAX + 1
        self.m_pair = p * self.m_repeat + p * SCORE_MAX + 1
        if p * self.m_pair >= EXACT_LIMIT:
            raise ValueError(f"{p} possible pairs is too many for one exact solve")
        self.cost = np.empty((n, m), dtype=np.float64)
        for lo in range(0, n, 512):
            gi = self.row_ids[lo : lo + 512]
            w = graph.score[gi].astype(np.float64)
            w += self.m_pair
            w -= self.m_repeat * graph.repeat[gi]
            w *= graph.valid[gi]  # forbidden cells weigh 0
            np.negative(w, out=w)  # the solver minimises cost = -weight (-0.0 is not < 0)
            np.take(w, self.slot_owner, axis=1, out=self.cost[lo : lo + len(gi)])
        # both-ways people with a row and at least one slot: (kept row, their slots)
        kept_row = {int(g): k for k, g in enumerate(self.row_ids)}
        col_of = graph.col_of()
        self.both: list[tuple[int, IdxArray]] = []
        for gi_row, person in enumerate(graph.rows):
            if person.id in col_of and gi_row in kept_row:
                sl = np.flatnonzero(self.slot_owner == col_of[person.id]).astype(np.intp)
                if len(sl):
                    self.both.append((kept_row[gi_row], sl))
        self.both_of_row = {k: b for b, (k, _) in enumerate(self.both)}
        self.both_of_col = {int(self.slot_owner[s[0]]): b for b, (_, s) in enumerate(self.both)}
        self.solves = 0
        self.cells = 0

    # --- one solve -------------------------------------------------------------------------

    def solve(self, fixing: Fixing) -> Solution:
        c = self.cost
        saved: list[tuple[int, IdxArray | None, npt.NDArray[np.float64]]] = []
        for b, side in sorted(fixing.items()):
            k, sl = self.both[b]
            if side == "guide":
                saved.append((k, None, c[k].copy()))
                c[k] = 0.0
            else:
                saved.append((-1, sl, c[:, sl].copy()))
                c[:, sl] = 0.0
        try:
            r, s = linear_sum_assignment(c)
            keep = c[r, s] < 0
        finally:
            for k, cols, values in reversed(saved):
                if cols is None:
                    c[k] = values
                else:
                    c[:, cols] = values
        self.solves += 1
        self.cells += c.size
        return self._solution(r[keep].astype(np.intp), s[keep].astype(np.intp))

    def _solution(self, rows: IdxArray, slots: IdxArray) -> Solution:
        g = self.graph
        gr, gc = self.row_ids[rows], self.slot_owner[slots]
        repeats = int(g.repeat[gr, gc].sum())
        score = int(g.score[gr, gc].astype(np.int64).sum())
        pairs = len(rows)
        value = pairs * self.m_pair - repeats * self.m_repeat + score
        as_learner = {self.both_of_row[int(k)] for k in rows if int(k) in self.both_of_row}
        as_guide = {self.both_of_col[int(c)] for c in gc if int(c) in self.both_of_col}
        conflicts = tuple(sorted(as_learner & as_guide))
        return Solution(rows, slots, value, pairs, repeats, score, conflicts)

    # --- search ----------------------------------------------------------------------------

    def _can_solve(self, effort: int, max_solves: int, n: int = 1) -> bool:
        return self.solves + n <= max_solves and self.cells + n * self.cost.size <= effort

    def _side_rule(self, root: Solution) -> dict[int, SideChoice]:
        """A side for *every* both-ways person, so one solve gives a feasible incumbent.

        Those the relaxation used on one side keep it; unused ones learn. A conflicting person
        keeps the side whose loss looks smaller: losing the learner side costs their own pair;
        losing the guide side costs, per learner they guide, the drop to that learner's best
        other valid guide (optimistic: capacity ignored), or the whole pair if there is none.
        """
        g = self.graph
        used_rows = set(root.rows.tolist())
        used_cols = set(self.slot_owner[root.slots].tolist())
        by_col: dict[int, list[int]] = {}
        for k, s in zip(root.rows.tolist(), root.slots.tolist(), strict=True):
            by_col.setdefault(int(self.slot_owner[s]), []).append(k)
        conflicts = set(root.conflicts)
        fixing: dict[int, SideChoice] = {}
        for b, (k, sl) in enumerate(self.both):
            col = int(self.slot_owner[sl[0]])
            if b not in conflicts:
                guides_only = col in used_cols and k not in used_rows
                fixing[b] = "guide" if guides_only else "learner"
                continue
            learner_loss = -float(self.cost[k][root.slots[root.rows == k]][0])
            guide_loss = 0.0
            for lk in by_col[col]:
                gr = int(self.row_ids[lk])
                alt = np.where(
                    g.valid[gr],
                    self.m_pair + g.score[gr].astype(np.int64) - self.m_repeat * g.repeat[gr],
                    0,
                )
                here = float(alt[col])
                alt[col] = 0
                guide_loss += here - float(alt.max())
            fixing[b] = "guide" if guide_loss > learner_loss else "learner"
        return fixing

    def search(self, effort: int, max_solves: int) -> Outcome:
        root = self.solve({})
        if not root.conflicts:
            return Outcome(root, root, True, self.solves)
        best = self.solve(self._side_rule(root))  # every both-ways person fixed: feasible
        heap: list[tuple[int, int, dict[int, SideChoice], Solution]] = [(-root.value, 0, {}, root)]
        seq = 1
        while heap and -heap[0][0] > best.value and self._can_solve(effort, max_solves, 2):
            _, _, fixing, sol = heapq.heappop(heap)
            b = sol.conflicts[0]
            for side in ("learner", "guide"):
                child = self.solve({**fixing, b: side})
                if child.value <= best.value:
                    continue
                if child.conflicts:
                    heapq.heappush(heap, (-child.value, seq, {**fixing, b: side}, child))
                    seq += 1
                else:
                    best = child
        open_bound = heap[0][3] if heap and -heap[0][0] > best.value else best
        return Outcome(best, open_bound, open_bound is best, self.solves)
