"""Exact optimisation of one round: most pairs, then fewest repeats, then the most pairs that
share a tool, then highest score.

Tiers. Every valid (learner, guide) edge gets one integer weight

    w = M_PAIR - M_REPEAT * is_repeat + M_SHARED * shares_a_tool + score,
                                                          0 <= score <= SCORE_MAX

with P the most pairs any assignment can have, M_SHARED = P*SCORE_MAX + 1,
T = M_SHARED + SCORE_MAX (the most one pair adds below the repeat tier),
M_REPEAT = P*T + 1 and M_PAIR = P*M_REPEAT + P*T + 1. The score sum of any assignment lies in
[0, P*SCORE_MAX] < M_SHARED, so no score difference outweighs one more pair sharing a tool; the
shared+score part lies in [0, P*T] < M_REPEAT, so nothing below outweighs one repeat; and the
repeat+shared+score part lies in (-M_PAIR, M_PAIR), so nothing outweighs one more pair:
maximising the total weight is the lexicographic objective. So a pair without a shared tool is
formed only when no assignment as large, with as few repeats, has more pairs sharing one (when
the program requires a shared tool, such an edge is not valid at all). Every weight stays below
2**50 (checked), so the float64 solver works on exact integers with room for its potentials;
sums of weights (up to P*M_PAIR, beyond 2**53) are taken in Python integers. Forbidden edges
weigh 0 and are dropped from the answer: any matching extends to a full assignment with 0-edges,
so the two problems have the same optimum. (float32 would halve the matrix but is exact only
below 2**24, far below M_PAIR; and ``linear_sum_assignment`` works in float64 internally anyway,
so it would not be faster.)

Capacity. A guide's column is repeated min(capacity, number of valid learners) times ("slots");
steps 1-3 below hand the capacity-expanded matrix to ``scipy.optimize.linear_sum_assignment``.

Both-ways people. Someone who may guide or learn has a row *and* slots. Solving that double
cover is a relaxation: every feasible assignment is one of its solutions, so its optimum is an
upper bound, and when it uses nobody on both sides it is optimal. This cannot be fixed by a
cleverer flow or assignment model: with both-ways people the problem contains general
(non-bipartite) matching -- three both-ways people who can each teach the next form an odd
cycle the double cover "matches" completely. The search, in four steps:

0. *One side*: every both-ways person learns (their slots closed): a plain bipartite problem,
   solved sparse and proven by its duals over every cell (``sparse``), never building the
   dense matrix. It is the round's optimum when nobody is both ways, or when it pairs every
   row: no assignment has more pairs than rows, and one with a pair per row has every
   both-ways person learning -- the common case, where guide places outnumber learners.
   Otherwise it is the first incumbent, and the dense search below runs.
1. *Root*: the plain relaxation. Its value is the first upper bound.
2. *Lagrangian bound*: the side rule of a both-ways person b with c slots is
   ``c * learns_b + guided_b <= c``. Moving it into the objective with a multiplier
   lambda_b >= 0 lowers b's row by c*lambda_b and each of b's slots by lambda_b and adds
   c*lambda_b back as a constant; for every lambda >= 0 the optimum of that is again an upper
   bound (for a feasible assignment the added term is >= 0). Multipliers are integers (weights
   stay exact) and follow Polyak subgradient steps towards the incumbent; this stops as soon
   as a step no longer lowers the bound, so solves are not spent where they prove nothing.
   Only the rows/columns of penalised people change between solves (patched in place).
3. *Branch and bound*: a node fixes some both-ways people to one side (learner-only: slots
   closed; guide-only: row closed) -- a partition of their feasible roles -- and is bounded by
   the penalised relaxation with the fixed people's multipliers dropped (a child's bound never
   exceeds its parent's). Best-first on that bound, branching on a person used on both sides,
   or, when there is none, on a penalised person whose rule is slack. Exact when it finishes.
   It stops early when the budget cannot expand every node tied at the top (the bound cannot
   fall before that).

Every relaxation is also capped by counting (``pair_cap``): learners and guide places when
each free both-ways person takes one side. When that is below the relaxation's pair count
(populations made mostly of both-ways people), n - cap dummy columns worth more than any edge
absorb rows, so the solve is the best assignment with at most ``cap`` pairs -- still a valid
bound, and usually the one that proves the pair tier at once. That needs a widened copy of the
matrix, so it is only done up to CAP_CELLS cells (small rounds, where proofs are affordable).

Incumbents come from a *repair* of every relaxation solution: each both-ways person gets one
side (kept if used on one side only; a conflicting person stays where leaving costs more), the
pairs that break it are dropped, and the people left free are re-matched among themselves by a
small assignment (free rows x free slots) -- far cheaper than a full re-solve.

All work is bounded by a deterministic budget (matrix cells handed to the solver, and the
number of full solves) -- never by wall-clock time. The first solves and the repairs always
run. Each cell's int16 code (valid/repeat/shared/score -> its entry in a weight table ordered
like the weights) is computed once; the dense matrix, built only when steps 1-3 run, is one
table lookup per cell, and between solves only the patched rows/columns change.
When the budget runs out the best feasible assignment is returned with the best upper bound,
from which ``Outcome`` says which tiers are proven.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

from bot.pairing.matrix import CODE_SPAN, CodeArray, Graph, code_repeat, code_score, code_shared
from bot.pairing.score import SCORE_MAX
from bot.pairing.sparse import exact_assignment


def _linear_sum_assignment(cost: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.intp], ...]:
    """scipy's solver, imported on first use: `scipy.optimize` adds ~45 MB to every process that
    imports it, and the web and worker processes need it only when a round is proposed."""
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(cost)
    return rows, cols


def _weight_sum(costs: CostArray) -> int:
    """The total weight of chosen cells, exactly: each is an integer below 2**50, their sum
    may pass 2**53 (float64) and 2**63 (int64), so it is taken in Python integers."""
    values: list[int] = costs.astype(np.int64).tolist()
    return -sum(values)


SideChoice = Literal["learner", "guide"]
Fixing = Mapping[int, SideChoice]  # both-ways index -> the only side it may take
IdxArray = npt.NDArray[np.intp]
CostArray = npt.NDArray[np.float64]

EXACT_LIMIT = 2**50  # a weight's bound: headroom below 2**53 for the solver's potentials
CHUNK_ROWS = 1024
CAP_CELLS = 16_000_000  # the pair cap copies the matrix: only where that copy is small


@dataclass(frozen=True, slots=True, eq=False)
class Solution:
    """An assignment on the slot matrix: kept-row index -> slot index, with its tiers."""

    rows: IdxArray
    slots: IdxArray
    value: int
    pairs: int
    repeats: int
    shared: int  # pairs with at least one shared tool
    score: int
    conflicts: tuple[int, ...]  # both-ways indices used on both sides, in canonical order


@dataclass(frozen=True, slots=True)
class Relaxed:
    """One relaxation solve: its assignment and the upper bound it proves for its node."""

    solution: Solution
    bound: int
    slack: tuple[int, ...]  # penalised people whose side rule is not tight (bound > value)


@dataclass(frozen=True, slots=True)
class Outcome:
    """The best feasible assignment, and ``upper``: no feasible assignment has a higher value."""

    best: Solution
    upper: int
    solves: int
    m_pair: int
    m_repeat: int
    m_shared: int
    max_pairs: int  # min(rows, slots): no assignment has more

    @property
    def proven(self) -> bool:
        return self.best.value >= self.upper

    @property
    def pairs_proven(self) -> bool:
        # an assignment with one pair more is worth at least (pairs + 1) * (M_PAIR - M_REPEAT)
        if self.proven or self.best.pairs >= self.max_pairs:
            return True
        return self.upper < (self.best.pairs + 1) * (self.m_pair - self.m_repeat)

    @property
    def repeats_proven(self) -> bool:
        if not self.pairs_proven:
            return False
        if self.best.repeats == 0 or self.proven:
            return True
        # as many pairs with one repeat fewer is worth at least this much
        fewer = self.best.pairs * self.m_pair - (self.best.repeats - 1) * self.m_repeat
        return self.upper < fewer

    @property
    def shared_proven(self) -> bool:
        if not self.repeats_proven:
            return False
        if self.best.shared == self.best.pairs or self.proven:
            return True
        # as many pairs and repeats with one more pair sharing a tool is worth at least this
        more = (
            self.best.pairs * self.m_pair
            - self.best.repeats * self.m_repeat
            + (self.best.shared + 1) * self.m_shared
        )
        return self.upper < more

    @property
    def score_gap(self) -> int | None:
        """Score points an optimum could have in addition (given the proven tiers above)."""
        return max(0, self.upper - self.best.value) if self.shared_proven else None


class Assigner:
    """Holds the slot matrix of one round and searches the both-ways side choices."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.row_ids: IdxArray = np.flatnonzero(graph.row_degree).astype(np.intp)
        per_col = graph.slots_per_col()
        self.slot_owner: IdxArray = np.repeat(np.arange(len(graph.cols)), per_col).astype(np.intp)
        n, m = len(self.row_ids), len(self.slot_owner)
        p = max(1, min(n, m))  # at least 1: the tiers stay ordered in an empty round too
        self.m_shared = p * SCORE_MAX + 1
        below_repeat = self.m_shared + SCORE_MAX  # the most one pair adds below the repeat tier
        self.m_repeat = p * below_repeat + 1
        self.m_pair = p * self.m_repeat + p * below_repeat + 1
        self.w_max = self.m_pair + below_repeat  # the heaviest edge: fresh, shared, top score
        self.max_pairs = min(n, m)
        if self.w_max + 1 >= EXACT_LIMIT:
            raise ValueError(f"{p} possible pairs is too many for one exact solve")
        self.table = self._table()
        self.first_slot: IdxArray = np.concatenate([[0], np.cumsum(per_col)])[:-1].astype(np.intp)
        # both-ways people with a row and at least one slot: (kept row, their slots)
        kept_row = {int(g): k for k, g in enumerate(self.row_ids)}
        col_of = graph.col_of()
        self.both: list[tuple[int, IdxArray]] = []
        for gi_row, person in enumerate(graph.rows):
            if person.id in col_of and gi_row in kept_row:
                col = col_of[person.id]
                sl = np.arange(per_col[col], dtype=np.intp) + self.first_slot[col]
                if len(sl):
                    self.both.append((kept_row[gi_row], sl))
        self.cap = [len(sl) for _, sl in self.both]
        self.both_of_row = np.full(n, -1, dtype=np.intp)  # kept row -> both-ways index or -1
        self.both_of_slot = np.full(m, -1, dtype=np.intp)  # slot -> both-ways index or -1
        for b, (k, sl) in enumerate(self.both):
            self.both_of_row[k] = b
            self.both_of_slot[sl] = b
        self.solves = 0
        self.cells = 0

    def _table(self) -> CostArray:
        """Weight per cell code (``matrix.CODE_SPAN``), increasing: the four kinds of pair
        occupy four blocks in the order of their weights, so codes compare like weights."""
        span = CODE_SPAN
        table = np.zeros(1 + 4 * span, dtype=np.float64)
        scores = np.arange(span, dtype=np.float64)
        for k in range(4):
            fresh, shared = k >= 2, k % 2 == 1
            base = self.m_pair - self.m_repeat * (not fresh) + self.m_shared * shared
            table[1 + k * span : 1 + (k + 1) * span] = base + scores
        assert np.all(np.diff(table) > 0)
        return table

    @cached_property
    def codes(self) -> CodeArray:
        """Per (kept row, guide): the graph's cell codes, entries of ``table``. One int16
        matrix, a quarter of the weights' size, read by every pass over the full graph."""
        if len(self.row_ids) == len(self.graph.rows):
            return self.graph.codes
        return self.graph.codes[self.row_ids]

    @cached_property
    def cost(self) -> CostArray:
        """-weight per (kept row, slot), built on first use: the sparse solve needs none."""
        cost = np.empty((len(self.row_ids), len(self.slot_owner)), dtype=np.float64)
        for lo in range(0, len(self.row_ids), CHUNK_ROWS):
            weights = np.take(self.table, self.codes[lo : lo + CHUNK_ROWS])
            np.negative(weights, out=weights)
            # mode="clip" lets take write into ``out`` unbuffered (indices are in range)
            np.take(weights, self.slot_owner, axis=1, out=cost[lo : lo + len(weights)], mode="clip")
        return cost

    def one_side(self) -> Solution | None:
        """Exact optimum with every both-ways person learning (their slots closed), solved
        sparse. It is the optimum of the round when there is nobody both ways, or when it pairs
        every row: no assignment has more pairs than rows, and one with a pair per row has
        every both-ways person learning. None when the places left cannot pair every row."""
        capacity = self.graph.slots_per_col().astype(np.intp)
        for _, sl in self.both:
            capacity[self.slot_owner[sl[0]]] = 0
        if self.both and capacity.sum() < len(self.row_ids):
            return None
        found = exact_assignment(self.codes, self.table, capacity)
        self.solves += 1
        # the i-th learner of guide g takes g's i-th slot
        order = np.argsort(found.guides, kind="stable")
        guides = found.guides[order]
        first = np.searchsorted(guides, guides)
        slots = self.first_slot[guides] + np.arange(len(guides)) - first
        return self._solution(found.rows[order], slots.astype(np.intp))

    # --- one solve -------------------------------------------------------------------------

    def relax(self, fixing: Fixing, lam: Mapping[int, int]) -> Relaxed:
        """The relaxation of the node ``fixing`` with multipliers ``lam`` (unfixed people only).

        The matrix is patched in place for the people concerned and restored afterwards.
        """
        c = self.cost
        undo: list[tuple[int | IdxArray, CostArray]] = []  # restored in reverse order
        constant = 0
        for b, side in sorted(fixing.items()):
            k, sl = self.both[b]
            if side == "guide":
                undo.append((k, c[k].copy()))
                c[k] = 0.0
            else:
                undo.append((sl, c[:, sl].copy()))
                c[:, sl] = 0.0
        for b, mult in sorted(lam.items()):
            if mult <= 0 or b in fixing:
                continue
            k, sl = self.both[b]
            constant += self.cap[b] * mult
            undo.append((k, c[k].copy()))
            # cost = -weight; a penalised weight <= 0 is never worth taking (clipped to 0)
            np.minimum(c[k] + self.cap[b] * mult, 0.0, out=c[k])
            undo.append((sl, c[:, sl].copy()))
            c[:, sl] = np.minimum(c[:, sl] + mult, 0.0)
        n, m = c.shape
        cap = self.pair_cap(fixing)
        try:
            extra = n - cap
            if cap < min(n, m) and n * (m + extra) <= CAP_CELLS:
                # at most ``cap`` pairs: n - cap dummy columns, each worth more than any edge,
                # absorb n - cap rows; the rest is the best assignment with <= cap pairs
                ext = np.empty((n, m + extra), dtype=np.float64)
                ext[:, :m] = c
                ext[:, m:] = -float(self.w_max + 1)
                r, s = _linear_sum_assignment(ext)
                keep = (s < m) & (ext[r, s] < 0)
                penalised = _weight_sum(ext[r[keep], s[keep]])
                self.cells += ext.size
            else:
                r, s = _linear_sum_assignment(c)
                keep = c[r, s] < 0
                penalised = _weight_sum(c[r[keep], s[keep]])
                self.cells += c.size
        finally:
            for where, values in reversed(undo):
                if isinstance(where, int):
                    c[where] = values
                else:
                    c[:, where] = values
        self.solves += 1
        sol = self._solution(r[keep].astype(np.intp), s[keep].astype(np.intp))
        bound = penalised + constant
        grad = self._subgradients(sol) if lam else []
        slack = tuple(b for b in sorted(lam) if lam[b] > 0 and b not in fixing and grad[b] != 0)
        return Relaxed(sol, bound, slack)

    def pair_cap(self, fixing: Fixing) -> int:
        """Most pairs any feasible assignment of the node can have, by counting alone.

        Learners come from learner-only rows and from both-ways people who learn; places from
        guide-only slots and from both-ways people who guide. Letting k free both-ways people
        learn (those with the fewest slots first) gives min(learners + k, places - their slots);
        the best k bounds the pairs. The relaxation ignores this (it counts a both-ways person
        on both sides), so on populations made mostly of both-ways people it is much tighter.
        """
        n, m = len(self.row_ids), len(self.slot_owner)
        learners = n - len(self.both)
        places = int(m) - sum(self.cap)
        free: list[int] = []
        for b, cap in enumerate(self.cap):
            side = fixing.get(b)
            if side == "learner":
                learners += 1
            elif side == "guide":
                places += cap
            else:
                free.append(cap)
        free.sort()
        places += sum(free)
        best = min(learners, places)
        for cap in free:
            learners, places = learners + 1, places - cap
            best = max(best, min(learners, places))
        return best

    def _solution(self, rows: IdxArray, slots: IdxArray) -> Solution:
        codes = self.graph.codes[self.row_ids[rows], self.slot_owner[slots]]
        repeats = int(np.count_nonzero(code_repeat(codes)))
        shared = int(np.count_nonzero(code_shared(codes)))
        score = int(code_score(codes).sum(dtype=np.int64))
        pairs = len(rows)
        value = pairs * self.m_pair - repeats * self.m_repeat + shared * self.m_shared + score
        as_learner = self.both_of_row[rows]
        as_guide = self.both_of_slot[slots]
        both = np.intersect1d(as_learner[as_learner >= 0], as_guide[as_guide >= 0])
        conflicts = tuple(int(b) for b in both)
        return Solution(rows, slots, value, pairs, repeats, shared, score, conflicts)

    def _subgradients(self, sol: Solution) -> list[int]:
        """Per both-ways person, c*(1 - learns) - guided: the slack of their side rule in
        ``sol`` (negative: broken, i.e. used on both sides)."""
        nb = len(self.both)
        learner = self.both_of_row[sol.rows]
        learns = np.bincount(learner[learner >= 0], minlength=nb)
        guide = self.both_of_slot[sol.slots]
        guided = np.bincount(guide[guide >= 0], minlength=nb)
        caps = np.array(self.cap, dtype=np.int64)
        return (caps * (1 - learns) - guided).tolist()  # type: ignore[no-any-return]

    # --- feasible assignments --------------------------------------------------------------

    def _sides(self, sol: Solution) -> dict[int, SideChoice]:
        """A side for *every* both-ways person, so the repair gives a feasible assignment.

        Those ``sol`` uses on one side keep it; unused ones guide (their row was not worth
        matching even with every option open, their slots may help someone displaced). A
        conflicting person keeps the side whose loss looks smaller: losing the learner side
        costs their own pair; losing the guide side costs, per learner they guide, the drop to
        that learner's best other valid guide (optimistic: capacity ignored).
        """
        g = self.graph
        learner_rows = self.both_of_row[sol.rows]
        guide_of = self.both_of_slot[sol.slots]
        learns = set(learner_rows[learner_rows >= 0].tolist())
        guides = set(guide_of[guide_of >= 0].tolist())
        fixing: dict[int, SideChoice] = {
            b: "learner" if b in learns and b not in guides else "guide"
            for b in range(len(self.both))
        }
        for b in sorted(learns & guides):
            k, sl = self.both[b]
            own = -float(self.cost[k, sol.slots[sol.rows == k][0]])
            col = int(self.slot_owner[sl[0]])
            guided = self.row_ids[sol.rows[guide_of == b]]
            w = self.table[g.codes[guided]]  # their weights (0 where forbidden)
            here = w[:, col].copy()
            w[:, col] = 0
            drop = float((here - w.max(axis=1)).sum())
            fixing[b] = "guide" if drop > own else "learner"
        return fixing

    def repair(self, sol: Solution) -> Solution:
        """A feasible assignment close to ``sol``: sides fixed, the displaced re-matched."""
        c = self.cost
        n, m = c.shape
        row_ok = np.ones(n, dtype=np.bool_)
        slot_ok = np.ones(m, dtype=np.bool_)
        for b, side in self._sides(sol).items():
            k, sl = self.both[b]
            if side == "guide":
                row_ok[k] = False
            else:
                slot_ok[sl] = False
        keep = row_ok[sol.rows] & slot_ok[sol.slots]
        rows, slots = sol.rows[keep], sol.slots[keep]
        row_ok[rows] = False
        slot_ok[slots] = False
        free_r, free_s = np.flatnonzero(row_ok), np.flatnonzero(slot_ok)
        if len(free_r) and len(free_s):
            sub = c[np.ix_(free_r, free_s)]
            useful = (sub < 0).any(axis=1)  # only rows with a valid free slot can gain
            sub, free_r = sub[useful], free_r[useful]
            if len(free_r):
                r, s = _linear_sum_assignment(sub)
                ok = sub[r, s] < 0
                self.cells += sub.size
                rows = np.concatenate([rows, free_r[r[ok]]])
                slots = np.concatenate([slots, free_s[s[ok]]])
        fixed = self._solution(rows.astype(np.intp), slots.astype(np.intp))
        assert not fixed.conflicts  # every both-ways person was given one side
        return fixed

    # --- search ----------------------------------------------------------------------------

    def _can_solve(self, effort: int, max_solves: int, n: int = 1) -> bool:
        size = len(self.row_ids) * len(self.slot_owner)
        return self.solves + n <= max_solves and self.cells + n * size <= effort

    def search(self, effort: int, max_solves: int) -> Outcome:
        def outcome(best: Solution, upper: int) -> Outcome:
            upper = min(upper, root.bound)
            return Outcome(
                best, upper, self.solves, self.m_pair, self.m_repeat, self.m_shared, max_pairs
            )

        max_pairs = min(self.max_pairs, self.pair_cap({}))
        learning = self.one_side()
        if learning is not None and (not self.both or learning.pairs == len(self.row_ids)):
            return Outcome(
                learning,
                learning.value,
                self.solves,
                self.m_pair,
                self.m_repeat,
                self.m_shared,
                max_pairs,
            )
        root = self.relax({}, {})
        if not root.solution.conflicts:
            return outcome(root.solution, root.bound)
        best = self.repair(root.solution)
        if learning is not None and learning.value > best.value:
            best = learning

        # 2. Lagrangian bound: Polyak steps towards the incumbent, integer multipliers
        lam: dict[int, int] = {}
        cur, top, top_lam = root, root, lam
        lam_cap = self.w_max  # beyond this every penalised edge is gone anyway
        while top.bound > best.value and self._can_solve(effort, max_solves):
            grad = {
                b: v
                for b, v in enumerate(self._subgradients(cur.solution))
                if v < 0 or (v > 0 and lam.get(b, 0) > 0)
            }
            norm = sum(v * v for v in grad.values())
            if not norm:
                break
            gap = cur.bound - best.value
            step = {
                b: max(0, min(lam_cap, lam.get(b, 0) - gap * v // norm)) for b, v in grad.items()
            }
            new = {**lam, **step}
            new = {b: v for b, v in new.items() if v > 0}
            if new == lam:
                break
            lam = new
            cur = self.relax({}, lam)
            candidate = self.repair(cur.solution)
            if candidate.value > best.value:
                best = candidate
            if cur.bound >= top.bound:
                break  # the bound stopped falling: more steps are unlikely to pay
            top, top_lam = cur, lam

        # 3. branch and bound on the tightest multipliers
        heap: list[tuple[int, int, dict[int, SideChoice], Relaxed]] = [(-top.bound, 0, {}, top)]
        seq = 1
        while heap and -heap[0][0] > best.value and self._can_solve(effort, max_solves, 2):
            # the bound only falls once every node tied at the top is expanded (2 solves each):
            # when the budget cannot pay for that, further solves cannot improve it -- stop
            tied = sum(1 for entry in heap if entry[0] == heap[0][0])
            if not self._can_solve(effort, max_solves, 2 * tied):
                break
            _, _, fixing, node = heapq.heappop(heap)
            if node.solution.conflicts:
                b = node.solution.conflicts[0]
            elif node.slack:
                b = node.slack[0]
            else:  # exact relaxation without conflicts: the node's optimum
                if node.solution.value > best.value:
                    best = node.solution
                continue
            for side in ("learner", "guide"):
                child_fixing: dict[int, SideChoice] = {**fixing, b: side}
                child = self.relax(child_fixing, top_lam)
                candidate = self.repair(child.solution)
                if candidate.value > best.value:
                    best = candidate
                if child.bound > best.value:
                    heapq.heappush(heap, (-child.bound, seq, child_fixing, child))
                    seq += 1
        open_bound = -heap[0][0] if heap else best.value
        return outcome(best, max(best.value, min(open_bound, top.bound)))
