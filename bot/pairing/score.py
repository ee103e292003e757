"""Soft preferences: the score of a valid pair, a small non-negative integer.

score = 10 per tool the guide teaches and the learner wants (counted up to 5 tools; main term)
      + 5 if the two are in different departments (both known)
      + 0..8 working-hour overlap with ``tz_mode="prefer_close"``: 8 minus the hours between
        the two UTC offsets (on the 24 h circle), floored, never below 0; 0 with "ignore"
      + 64 per waitlisted person in the pair (more than every other term together, so someone
        who waited last round wins a place over anyone who did not)

Integers keep the solver exact (see ``assign``) and make ties common, which the
Jonker-Volgenant solver is fast on. The scalar and the vectorised forms must agree (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from bot.pairing.model import Participant, TzMode

OVERLAP_POINTS = 10
OVERLAP_CAP = 5
DEPARTMENT_POINTS = 5
WORKDAY_MINUTES = 8 * 60
TZ_MAX_POINTS = WORKDAY_MINUTES // 60
BASE_MAX = OVERLAP_POINTS * OVERLAP_CAP + DEPARTMENT_POINTS + TZ_MAX_POINTS
WAITLIST_POINTS = BASE_MAX + 1
SCORE_MAX = BASE_MAX + 2 * WAITLIST_POINTS

SmallArray = npt.NDArray[np.int16]
ByteArray = npt.NDArray[np.uint8]
MaskArray = npt.NDArray[np.uint64]


def minutes_apart(a: int, b: int) -> int:
    """Distance between two UTC offsets on the 24-hour circle, in minutes."""
    d = abs(a - b) % (24 * 60)
    return min(d, 24 * 60 - d)


def tz_points(a: int, b: int, mode: TzMode) -> int:
    if mode == "ignore":
        return 0
    return max(0, WORKDAY_MINUTES - minutes_apart(a, b)) // 60


def pair_score(guide: Participant, learner: Participant, mode: TzMode) -> int:
    """Score of ``guide`` teaching ``learner`` (assumes the pair is valid)."""
    overlap = len(guide.teaches & learner.learns)
    score = OVERLAP_POINTS * min(overlap, OVERLAP_CAP)
    if guide.department and learner.department and guide.department != learner.department:
        score += DEPARTMENT_POINTS
    score += tz_points(guide.utc_offset_minutes, learner.utc_offset_minutes, mode)
    score += WAITLIST_POINTS * (int(guide.waitlisted) + int(learner.waitlisted))
    return score


# --- vectorised form, used to build the solver's matrix ---------------------------------------


def tool_index(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    """Bit position per tool name (sorted, so the encoding is canonical)."""
    return {t: i for i, t in enumerate(sorted({t for g in groups for t in g}))}


def tool_masks(sets: Sequence[frozenset[str]], index: dict[str, int]) -> MaskArray:
    """Tool sets as bitmasks, shape (len(sets), words); 64 tools per uint64 word."""
    words = max(1, (len(index) + 63) // 64)
    full = [sum(1 << index[t] for t in tools) for tools in sets]  # Python ints: exact, fast
    out = np.zeros((len(sets), words), dtype=np.uint64)
    for w in range(words):
        out[:, w] = [(m >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF for m in full]
    return out


def overlap_counts(learn: MaskArray, teach: MaskArray, out: ByteArray) -> ByteArray:
    """min(|learns & teaches|, OVERLAP_CAP) for every (learner row, guide column), into
    ``out`` (uint8: capped as it goes, so it never overflows)."""
    np.bitwise_count(learn[:, 0, None] & teach[None, :, 0], out=out)
    for w in range(1, learn.shape[1]):
        out += np.bitwise_count(learn[:, w, None] & teach[None, :, w])
        np.minimum(out, OVERLAP_CAP, out=out)
    np.minimum(out, OVERLAP_CAP, out=out)
    return out


class SideArrays:
    """Column-wise attributes of one side (learner rows or guide columns) as arrays.

    Time zones are stored as an index into ``offsets`` (the distinct UTC offsets of the round,
    shared by both sides), so the working-hour points of a block are one table lookup.
    """

    def __init__(
        self,
        people: Sequence[Participant],
        masks: MaskArray,
        depts: dict[str, int],
        offsets: dict[int, int],
    ):
        self.masks = masks
        # department code 0 means "unknown": it never earns the different-department bonus
        self.dept = np.array(
            [depts[p.department] if p.department else 0 for p in people], dtype=np.int32
        )
        self.tz = np.array([offsets[p.utc_offset_minutes] for p in people], dtype=np.intp)
        self.wait = np.array([p.waitlisted for p in people], dtype=np.uint8) * np.uint8(
            WAITLIST_POINTS
        )


def offset_index(people: Iterable[Participant]) -> dict[int, int]:
    """Position of every distinct UTC offset (sorted, so the encoding is canonical)."""
    return {o: i for i, o in enumerate(sorted({p.utc_offset_minutes for p in people}))}


def tz_table(offsets: dict[int, int], mode: TzMode) -> SmallArray:
    """Working-hour points between every two distinct offsets (scalar ``tz_points``)."""
    table = np.zeros((len(offsets), len(offsets)), dtype=np.int16)
    for a, i in offsets.items():
        for b, j in offsets.items():
            table[i, j] = tz_points(a, b, mode)
    return table


class Scorer:
    """Overlap and score of learner rows against every guide column, a block of rows at a time.

    The working-hour points depend on the two offsets alone: with the guides' waitlist points
    they are tabled once per distinct offset, so a block gets them by copying table rows (a 2-D
    lookup per cell was the slowest step). Everything is uint8: a score is at most SCORE_MAX.
    """

    def __init__(self, rows: SideArrays, cols: SideArrays, tz: SmallArray) -> None:
        self.rows, self.cols = rows, cols
        self.by_offset: ByteArray = (tz[:, cols.tz] + cols.wait).astype(np.uint8)
        self.col_dept_known = cols.dept != 0

    def block(self, lo: int, hi: int, overlap: ByteArray, score: ByteArray) -> None:
        """Fill ``overlap`` and ``score`` (shape (hi - lo, columns)) for rows ``lo:hi``."""
        rows, cols = self.rows, self.cols
        overlap_counts(rows.masks[lo:hi], cols.masks, overlap)
        # mode="clip" lets take write into ``out`` unbuffered (indices are in range)
        np.take(self.by_offset, rows.tz[lo:hi], axis=0, out=score, mode="clip")
        score += rows.wait[lo:hi, None]
        score += overlap * np.uint8(OVERLAP_POINTS)
        different = rows.dept[lo:hi, None] != cols.dept[None, :]
        different &= self.col_dept_known
        different[rows.dept[lo:hi] == 0] = False
        score += different * np.uint8(DEPARTMENT_POINTS)
