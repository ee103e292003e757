"""The weighted bipartite graph of one round as one dense int16 matrix of cell codes.

Rows are learner candidates (role learner or both, with something to learn); columns are guide
candidates (role guide or both, with something to teach). ``both`` people appear on both sides;
keeping them off two sides at once is the job of ``assign``. Everything here is vectorised:
tools are bitmasks (64 per uint64 word), rows are processed in blocks that stay in the CPU's
cache. A cell's code says all the solver and the explanations need (valid, repeat, shared
tool, score), so the graph holds 2 bytes a cell and nothing else dense.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.pairing.model import MatchRequest, Participant, TzMode
from bot.pairing.rules import excluded_pairs, past_pairs, reporting_pairs
from bot.pairing.score import (
    SCORE_MAX,
    MaskArray,
    Scorer,
    SideArrays,
    offset_index,
    tool_index,
    tool_masks,
    tz_table,
)

BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int16]
CountArray = npt.NDArray[np.int64]
IdxArray = npt.NDArray[np.intp]
assert np.iinfo(np.uint8).max >= SCORE_MAX

# A cell's code: 0 when a hard rule forbids the pair, else 1 + score + CODE_SPAN * kind with
# kind = 2 * (not a repeat) + (shares a tool): the four kinds of pair in the order of their
# weights (``assign``), so codes compare like weights and one int16 per cell carries it all.
CODE_SPAN = SCORE_MAX + 1
assert np.iinfo(np.int16).max >= 1 + 4 * CODE_SPAN
CHUNK_CELLS = 1 << 18


# what a code says of a *valid* cell (code > 0); on a forbidden cell these mean nothing
def code_score(codes: CodeArray) -> CodeArray:
    return (codes - np.int16(1)) % np.int16(CODE_SPAN)


def code_repeat(codes: CodeArray) -> BoolArray:
    return codes <= 2 * CODE_SPAN


def code_shared(codes: CodeArray) -> BoolArray:
    # kind 1 or 3, by comparisons: integer division is slow over whole columns
    shared: BoolArray = codes > 3 * CODE_SPAN
    shared |= (codes > CODE_SPAN) & (codes <= 2 * CODE_SPAN)
    return shared


@dataclass(frozen=True, slots=True, eq=False)
class Graph:
    """Learner rows x guide columns: each cell's code (valid, repeat, shared tool, score)."""

    rows: tuple[Participant, ...]
    cols: tuple[Participant, ...]
    codes: CodeArray  # see CODE_SPAN
    row_degree: CountArray  # valid cells per row
    col_degree: CountArray  # valid cells per column
    learns: MaskArray  # rows' tools to learn, as bitmasks
    teaches: MaskArray  # columns' tools to teach, as bitmasks
    reporting: frozenset[tuple[int, int]]  # (row, col) cells inside one reporting line
    excluded: frozenset[tuple[int, int]]  # (row, col) cells blocked by a personal exclusion
    require_shared_tool: bool = False

    def row_of(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.rows)}

    def col_of(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.cols)}

    def row_overlap(self, r: int) -> BoolArray:
        """Per column: shares a tool with row ``r``, whatever the hard rules say."""
        shared: BoolArray = (self.learns[r] & self.teaches).any(axis=1)
        return shared

    def col_overlap(self, c: int) -> BoolArray:
        """Per row: shares a tool with column ``c``, whatever the hard rules say."""
        shared: BoolArray = (self.learns & self.teaches[c]).any(axis=1)
        return shared

    def slots_per_col(self) -> npt.NDArray[np.int64]:
        """Guide places that can matter: min(capacity, number of valid learners)."""
        caps = np.array([p.capacity for p in self.cols], dtype=np.int64)
        return np.minimum(caps, self.col_degree)

    def partner_cells(self, r: int | None, c: int | None) -> list[tuple[int, int]]:
        """Cells of the person with row ``r`` / column ``c`` and everyone they could pair with
        but for a reporting line or an exclusion: tool-compatible people when a shared tool is
        required, else everyone on the other side (never themselves)."""
        cells: list[tuple[int, int]] = []
        if r is not None:
            row = self.row_overlap(r) if self.require_shared_tool else np.ones(len(self.cols), bool)
            cells += [(r, int(j)) for j in np.flatnonzero(row) if j != c]
        if c is not None:
            col = self.col_overlap(c) if self.require_shared_tool else np.ones(len(self.rows), bool)
            cells += [(int(i), c) for i in np.flatnonzero(col) if i != r]
        return cells

    def demand_and_places(self) -> tuple[int, int]:
        """(learner candidates with a valid guide, guide places with a valid learner)."""
        return int(np.count_nonzero(self.row_degree)), int(self.slots_per_col().sum())


def build_graph(request: MatchRequest, order: Sequence[Participant], tz_mode: TzMode) -> Graph:
    """Arrays for ``order`` (the caller's canonical, seed-shuffled participant order)."""
    rows = tuple(p for p in order if p.can_learn)
    cols = tuple(p for p in order if p.can_guide)
    tools = tool_index([p.learns for p in rows] + [p.teaches for p in cols])
    depts = {d: i + 1 for i, d in enumerate(sorted({p.department for p in order}))}
    offsets = offset_index(order)
    tz = tz_table(offsets, tz_mode)
    r_side = SideArrays(rows, tool_masks([p.learns for p in rows], tools), depts, offsets)
    c_side = SideArrays(cols, tool_masks([p.teaches for p in cols], tools), depts, offsets)

    n, m = len(rows), len(cols)
    require = request.require_shared_tool
    codes = np.empty((n, m), dtype=np.int16)
    # a shared tool is a hard rule only when the program requires it (else a preference)
    row_degree = np.full(n, 0 if require else m, dtype=np.int64)
    col_degree = np.full(m, 0 if require else n, dtype=np.int64)
    scorer = Scorer(r_side, c_side, tz)
    # blocks of about CHUNK_CELLS cells: their temporaries stay in the CPU's cache
    step = max(1, CHUNK_CELLS // max(1, m))
    overlap = np.empty((min(n, step), m), dtype=np.uint8)
    score = np.empty((min(n, step), m), dtype=np.uint8)
    shared = np.empty((min(n, step), m), dtype=np.bool_)
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        ov, sc, sh = overlap[: hi - lo], score[: hi - lo], shared[: hi - lo]
        scorer.block(lo, hi, ov, sc)
        np.greater(ov, 0, out=sh)
        # the code of a fresh pair; repeats and the hard rules are patched below, cell by cell
        code = codes[lo:hi]  # (a masked ``where=`` add is ~15 times slower than these)
        np.multiply(sh, np.int16(CODE_SPAN), out=code)
        np.add(code, sc, out=code)
        np.add(code, np.int16(1 + 2 * CODE_SPAN), out=code)
        if require:
            np.multiply(code, sh, out=code)
            row_degree[lo:hi] = np.count_nonzero(sh, axis=1)
            col_degree += np.count_nonzero(sh, axis=0)

    row_of = {p.id: i for i, p in enumerate(rows)}
    col_of = {p.id: i for i, p in enumerate(cols)}

    def cells(pairs: Iterable[Iterable[str]]) -> tuple[IdxArray, IdxArray]:
        """Matrix cells of unordered id pairs, in both orientations where they exist."""
        ends = [x for pair in pairs for x in pair]  # two ids per pair, in either order
        r = np.array([row_of.get(x, -1) for x in ends], dtype=np.intp).reshape(-1, 2)
        c = np.array([col_of.get(x, -1) for x in ends], dtype=np.intp).reshape(-1, 2)
        rr, cc = np.concatenate([r[:, 0], r[:, 1]]), np.concatenate([c[:, 1], c[:, 0]])
        ok = (rr >= 0) & (cc >= 0)
        return rr[ok], cc[ok]

    selves = [p.id for p in order if p.id in row_of and p.id in col_of]
    sr = np.array([row_of[a] for a in selves], dtype=np.intp)
    sc = np.array([col_of[a] for a in selves], dtype=np.intp)
    ids = row_of.keys() | col_of.keys()
    rep_r, rep_c = cells(reporting_pairs(ids, request.managers))
    exc_r, exc_c = cells(excluded_pairs(request.exclusions))
    rr, rc = cells(past_pairs(request.history))
    fresh = codes[rr, rc]
    codes[rr, rc] = np.where(fresh > 0, fresh - np.int16(2 * CODE_SPAN), 0)
    # cells the hard rules block, each once, so the degrees lose each at most once
    blocked = np.unique(np.concatenate([sr, rep_r, exc_r]) * m + np.concatenate([sc, rep_c, exc_c]))
    br, bc = np.divmod(blocked, m)
    was = codes[br, bc] > 0
    row_degree -= np.bincount(br[was], minlength=n)
    col_degree -= np.bincount(bc[was], minlength=m)
    codes[br, bc] = 0
    return Graph(
        rows=rows,
        cols=cols,
        codes=codes,
        row_degree=row_degree,
        col_degree=col_degree,
        learns=r_side.masks,
        teaches=c_side.masks,
        reporting=frozenset(zip(rep_r.tolist(), rep_c.tolist(), strict=True)),
        excluded=frozenset(zip(exc_r.tolist(), exc_c.tolist(), strict=True)),
        require_shared_tool=require,
    )
