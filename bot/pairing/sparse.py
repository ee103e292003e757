"""An exact maximum-weight assignment of learner rows to guides with capacities, without ever
holding the dense (rows x slots) weight matrix: a few candidate cells per row, solved sparse,
and a dual certificate checked against every cell of the full graph.

1. *Candidates*: each row's heaviest cells (pricing with every dual at 0).
2. *Solve*: guides' places become slots, each row gets a private "unmatched" column of weight
   0, and ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp) solves that
   sparse assignment with costs ``big - weight`` (all positive, as it requires).
3. *Duals*: the optimal matching's LP duals follow from shortest paths: a column's potential
   is the cheapest chain of exchanges (row i leaves its column for column j, at cost
   ``c[i, j] - c[i, mate(i)]``) ending at it, capped at 0. No negative cycle exists at an
   optimum, so Bellman-Ford reaches a fixed point; free columns must end at 0 (checked).
4. *Pricing*: every cell of the full graph is checked against those duals. A cell heavier
   than its duals allow (``weight > row_dual + guide_price``) could improve the solve: the
   heaviest such cells per row join the candidates and the solve is repeated. When no cell
   violates, the duals are feasible for the whole graph with the same objective as the
   matching (complementary slackness holds by construction), so by LP duality the sparse
   optimum is the optimum of the full graph: pruning lost nothing.

Preferences are alike (everyone wants the waitlisted), so the first solve pairs few rows; its
duals still price the popular guides, and the second solve is usually within a few cells of
the optimum. Weights are exact integers below 2**50 in float64 (see ``assign``); every dual
is a sum and difference of a few of them, so every comparison here is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IdxArray = npt.NDArray[np.intp]
FloatArray = npt.NDArray[np.float64]
CodeArray = npt.NDArray[np.int16]

PRICED_PER_ROW = 16  # violating cells added per row in the first round; doubles each round
NEAR_BEST = 4  # score points below a row's best violation also added, in the first round
# ... and after a solve: rows displaced from the popular guides need their next options, which
# a wider window finds in one round rather than two (8: the span of the time-zone points)
NEAR_PRICED = 8
SPARSE_SHARE = 16  # a block whose first sieve passes under 1/16 of its cells is tested sparse
CHUNK_CELLS = 1 << 18  # a block of the full graph whose temporaries stay in the CPU's cache


@dataclass(frozen=True, slots=True)
class Matching:
    """The optimum: parallel arrays of rows and their guides, and how many solves it took."""

    rows: IdxArray
    guides: IdxArray
    rounds: int


class _Edges:
    """The candidate cells so far, (row, guide), sorted and without duplicates."""

    def __init__(self, n_guides: int) -> None:
        self.n_guides = n_guides
        self.keys: IdxArray = np.empty(0, np.intp)

    def add(self, rows: IdxArray, guides: IdxArray) -> None:
        keys = np.sort(np.concatenate([self.keys, rows.astype(np.intp) * self.n_guides + guides]))
        self.keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])]

    @property
    def rows(self) -> IdxArray:
        return self.keys // self.n_guides

    @property
    def guides(self) -> IdxArray:
        return self.keys % self.n_guides


def exact_assignment(codes: CodeArray, table: FloatArray, capacity: IdxArray) -> Matching:
    """The maximum-weight assignment of rows to guides, guide g taking at most
    ``capacity[g]`` rows, proven optimal over every cell.

    ``codes[row, guide]`` indexes ``table``, the weights in increasing order with
    ``table[0] == 0`` (a forbidden cell): so codes compare like weights, and a pass over the
    full graph is a pass over int16s.
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n_rows, n_g = codes.shape
    capacity = np.maximum(capacity, 0).astype(np.intp)
    if n_rows == 0 or capacity.sum() == 0:
        return Matching(np.empty(0, np.intp), np.empty(0, np.intp), 0)
    edges = _Edges(n_g)
    # the first candidates: each row's best cells, as if every place were free
    price = np.where(capacity > 0, 0.0, np.inf)
    edges.add(*_violations(codes, table, np.zeros(n_rows), price, PRICED_PER_ROW, NEAR_BEST))
    first_slot = np.concatenate([[0], np.cumsum(capacity)]).astype(np.intp)
    n_slots = int(first_slot[-1])
    slot_guide = np.repeat(np.arange(n_g), capacity)
    big = float(table[-1]) + 1.0
    rounds = 0
    while True:
        rounds += 1
        # every candidate cell to each of its guide's slots, then each row's private column
        e_rows, e_guides = edges.rows, edges.guides
        weight = table[codes[e_rows, e_guides]]
        reps = capacity[e_guides]
        offset = np.arange(int(reps.sum())) - np.repeat(np.cumsum(reps) - reps, reps)
        rows = np.concatenate([np.repeat(e_rows, reps), np.arange(n_rows)])
        cols = np.concatenate(
            [np.repeat(first_slot[e_guides], reps) + offset, n_slots + np.arange(n_rows)]
        )
        cost = np.concatenate([big - np.repeat(weight, reps), np.full(n_rows, big)])
        graph = csr_array((cost, (rows, cols)), shape=(n_rows, n_slots + n_rows))
        r, c = min_weight_full_bipartite_matching(graph)
        mate = np.empty(n_rows, dtype=np.intp)
        mate[r] = c
        mate_cost = np.full(n_rows, big)  # a row's own column costs big
        paired = mate < n_slots
        mate_cost[paired] = big - table[codes[paired, slot_guide[mate[paired]]]]
        potential = _column_potentials(rows, cols, cost, mate, mate_cost, n_slots + n_rows)
        # max-form duals: row i keeps ``row_dual``, a place of guide g costs ``price`` (>= 0)
        row_dual = big - (mate_cost - potential[mate])
        price.fill(np.inf)
        np.minimum.at(price, slot_guide, -potential[:n_slots])
        # rows with flat preferences (only pairs without a shared tool, say) keep finding
        # near-ties: a growing quota bounds the rounds by a logarithm
        found = _violations(
            codes, table, row_dual, price, PRICED_PER_ROW << min(rounds - 1, 5), NEAR_PRICED
        )
        if not len(found[0]):
            return Matching(
                np.flatnonzero(paired).astype(np.intp),
                slot_guide[mate[paired]].astype(np.intp),
                rounds,
            )
        edges.add(*found)


def _column_potentials(
    rows: IdxArray,
    cols: IdxArray,
    cost: FloatArray,
    mate: IdxArray,
    mate_cost: FloatArray,
    n_cols: int,
) -> FloatArray:
    """Bellman-Ford from a source joined to every column at 0 over exchange arcs
    mate(i) -> j of length c[i, j] - c[i, mate(i)]: the columns' LP duals (all <= 0)."""
    src, length = mate[rows], cost - mate_cost[rows]
    keep = cols != src
    order = np.argsort(cols[keep], kind="stable")
    src, dst, length = src[keep][order], cols[keep][order], length[keep][order]
    targets, first = np.unique(dst, return_index=True)
    potential = np.zeros(n_cols)
    for _ in range(n_cols + 1):
        if not len(targets):
            break
        new = np.minimum(potential[targets], np.minimum.reduceat(potential[src] + length, first))
        if np.array_equal(new, potential[targets]):
            break
        potential[targets] = new
    else:
        raise RuntimeError("assignment not optimal: a negative exchange cycle remains")
    free = np.ones(n_cols, dtype=np.bool_)
    free[mate] = False
    if np.any(potential[free] < 0):
        raise RuntimeError("assignment not optimal: a free column has an improving path")
    return potential


def _violations(
    codes: CodeArray,
    table: FloatArray,
    row_dual: FloatArray,
    price: FloatArray,
    per_row: int,
    near: int,
) -> tuple[IdxArray, IdxArray]:
    """Cells heavier than their duals allow (``weight > row_dual + price``): up to
    ``per_row`` per row, the largest gains first, among those within ``near`` of the row's
    best. Empty only when no cell violates.

    Prices take few distinct values (they move in score points), so per row and price level
    the exact test is a code threshold: ``code > limit`` in int16 over the full graph, with no
    float arithmetic. ``code - limit`` ranks a row's violations like their gains (exactly so
    within a kind of pair); only those within ``near`` of the row's best are weighed exactly:
    that bounds the work when nearly every cell violates (the first round, all duals 0).
    """
    finite = np.isfinite(price)
    levels, level_of = np.unique(price[finite], return_inverse=True)
    group = np.full(len(price), len(levels), dtype=np.intp)  # an infinite price: never
    group[finite] = level_of
    limits = np.full((len(codes), len(levels) + 1), np.iinfo(np.int16).max, dtype=np.int16)
    limits[:, :-1] = np.searchsorted(table, row_dual[:, None] + levels[None, :], "right") - 1
    n_g = len(price)
    step = max(1, CHUNK_CELLS // max(1, n_g))
    rows: list[IdxArray] = []
    guides: list[IdxArray] = []
    for lo in range(0, len(codes), step):
        block = codes[lo : lo + step]
        lim = limits[lo : lo + len(block)]
        # the lowest price's limit is a row's lowest: a cheap first sieve (flatnonzero: 2-D
        # nonzero is ~20 times slower). Once most rows are paired few cells pass, and only
        # those are tested at their guide's price; else the whole block is.
        seen = block > lim[:, :1]
        passed = np.count_nonzero(seen)
        if not passed:
            continue
        if passed <= block.size // SPARSE_SHARE:
            r, g = np.divmod(np.flatnonzero(seen), n_g)
            margin = block[r, g] - lim[r, group[g]]
            bad = margin > 0
            r, g, margin = r[bad], g[bad], margin[bad]
            if not len(r):
                continue
            first = np.flatnonzero(np.concatenate([[True], r[1:] != r[:-1]]))
            best = np.repeat(np.maximum.reduceat(margin, first), np.diff([*first, len(r)]))
            near_best = margin >= np.maximum(best - near, 1)
            r, g = r[near_best], g[near_best]
        else:
            # mode="clip" lets take write into ``out`` unbuffered (indices are in range)
            margins = np.take(lim, group, axis=1, mode="clip")
            np.subtract(block, margins, out=margins)
            # max(top - near, 1), without wrapping int16 below a row of never-priced guides
            floor = np.maximum(margins.max(axis=1, keepdims=True), near + 1) - near
            r, g = np.divmod(np.flatnonzero(margins >= floor), n_g)
        gain = table[block[r, g]] - row_dual[r + lo] - price[g]
        order = np.lexsort((g, -gain, r))  # by row, largest gain first, ties by guide
        r, g = r[order], g[order]
        keep = np.arange(len(r)) - np.searchsorted(r, r) < per_row
        rows.append(r[keep] + lo)
        guides.append(g[keep])
    if not rows:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    return np.concatenate(rows).astype(np.intp), np.concatenate(guides).astype(np.intp)
