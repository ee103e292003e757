"""The weighted bipartite graph of one round as dense numpy arrays.

Rows are learner candidates (role learner or both, with something to learn); columns are guide
candidates (role guide or both, with something to teach). ``both`` people appear on both sides;
keeping them off two sides at once is the job of ``assign``. Everything here is vectorised:
tools are bitmasks (64 per uint64 word), rows are processed in chunks to bound memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.pairing.model import MatchRequest, Participant, TzMode
from bot.pairing.rules import excluded_pairs, past_pairs, reporting_pairs
from bot.pairing.score import (
    SCORE_MAX,
    SideArrays,
    offset_index,
    score_block,
    tool_index,
    tool_masks,
    tz_table,
)

BoolArray = npt.NDArray[np.bool_]
ScoreArray = npt.NDArray[np.uint8]  # one byte per cell: a score is at most SCORE_MAX
assert np.iinfo(np.uint8).max >= SCORE_MAX

CHUNK_ROWS = 512


@dataclass(frozen=True, slots=True, eq=False)
class Graph:
    """Learner rows x guide columns: which pairs are valid, which are repeats, their scores."""

    rows: tuple[Participant, ...]
    cols: tuple[Participant, ...]
    valid: BoolArray
    repeat: BoolArray
    score: ScoreArray
    overlap: BoolArray  # at least one shared tool, before the other hard rules
    reporting: frozenset[tuple[int, int]]  # (row, col) cells inside one reporting line
    excluded: frozenset[tuple[int, int]]  # (row, col) cells blocked by a personal exclusion
    require_shared_tool: bool = False

    def row_of(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.rows)}

    def col_of(self) -> dict[str, int]:
        return {p.id: i for i, p in enumerate(self.cols)}

    def slots_per_col(self) -> npt.NDArray[np.int64]:
        """Guide places that can matter: min(capacity, number of valid learners)."""
        caps = np.array([p.capacity for p in self.cols], dtype=np.int64)
        degree: npt.NDArray[np.int64] = self.valid.sum(axis=0, dtype=np.int64)
        return np.minimum(caps, degree)

    def partner_cells(self, r: int | None, c: int | None) -> list[tuple[int, int]]:
        """Cells of the person with row ``r`` / column ``c`` and everyone they could pair with
        but for a reporting line or an exclusion: tool-compatible people when a shared tool is
        required, else everyone on the other side (never themselves)."""
        cells: list[tuple[int, int]] = []
        if r is not None:
            row = self.overlap[r] if self.require_shared_tool else np.ones(len(self.cols), bool)
            cells += [(r, int(j)) for j in np.flatnonzero(row) if j != c]
        if c is not None:
            col = self.overlap[:, c] if self.require_shared_tool else np.ones(len(self.rows), bool)
            cells += [(int(i), c) for i in np.flatnonzero(col) if i != r]
        return cells

    def demand_and_places(self) -> tuple[int, int]:
        """(learner candidates with a valid guide, guide places with a valid learner)."""
        return int(self.valid.any(axis=1).sum()), int(self.slots_per_col().sum())


def _two(key: frozenset[str]) -> tuple[str, str]:
    a, b = sorted(key)
    return a, b


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
    has_overlap = np.empty((n, m), dtype=np.bool_)
    score = np.empty((n, m), dtype=np.uint8)
    for lo in range(0, n, CHUNK_ROWS):
        hi = min(n, lo + CHUNK_ROWS)
        overlap, block = score_block(r_side, c_side, tz, lo, hi)
        np.greater(overlap, 0, out=has_overlap[lo:hi])
        score[lo:hi] = block

    row_of = {p.id: i for i, p in enumerate(rows)}
    col_of = {p.id: i for i, p in enumerate(cols)}

    def cells(
        pairs: Sequence[tuple[str, str]],
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Matrix cells of unordered id pairs, in both orientations where they exist."""
        rr: list[int] = []
        cc: list[int] = []
        for a, b in pairs:
            for x, y in ((a, b), (b, a)):
                if x in row_of and y in col_of:
                    rr.append(row_of[x])
                    cc.append(col_of[y])
        return np.array(rr, dtype=np.intp), np.array(cc, dtype=np.intp)

    # a shared tool is a hard rule only when the program requires it (else a preference)
    valid = has_overlap.copy() if request.require_shared_tool else np.ones((n, m), np.bool_)
    selves = [(p.id, p.id) for p in order if p.id in row_of and p.id in col_of]
    sr = np.array([row_of[a] for a, _ in selves], dtype=np.intp)
    sc = np.array([col_of[a] for a, _ in selves], dtype=np.intp)
    valid[sr, sc] = False
    ids = row_of.keys() | col_of.keys()
    rep_r, rep_c = cells(list(reporting_pairs(ids, request.managers)))
    exc_r, exc_c = cells([_two(x) for x in excluded_pairs(request.exclusions)])
    valid[rep_r, rep_c] = False
    valid[exc_r, exc_c] = False

    repeat = np.zeros((n, m), dtype=np.bool_)
    rr, rc = cells([_two(x) for x in past_pairs(request.history)])
    repeat[rr, rc] = True
    return Graph(
        rows=rows,
        cols=cols,
        valid=valid,
        repeat=repeat,
        score=score,
        overlap=has_overlap,
        reporting=frozenset(zip(rep_r.tolist(), rep_c.tolist(), strict=True)),
        excluded=frozenset(zip(exc_r.tolist(), exc_c.tolist(), strict=True)),
        require_shared_tool=request.require_shared_tool,
    )
