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

IntArray = npt.NDArray[np.int64]
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
    out = np.zeros((len(sets), words), dtype=np.uint64)
    for row, tools in enumerate(sets):
        for t in tools:
            bit = index[t]
            out[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return out


def overlap_counts(learn: MaskArray, teach: MaskArray) -> IntArray:
    """|learns & teaches| for every (learner row, guide column), shape (rows, cols)."""
    total = np.zeros((learn.shape[0], teach.shape[0]), dtype=np.int64)
    for w in range(learn.shape[1]):
        total += np.bitwise_count(learn[:, w, None] & teach[None, :, w])
    return total


class SideArrays:
    """Column-wise attributes of one side (learner rows or guide columns) as arrays."""

    def __init__(self, people: Sequence[Participant], masks: MaskArray, depts: dict[str, int]):
        self.masks = masks
        # department code 0 means "unknown": it never earns the different-department bonus
        self.dept = np.array([depts[p.department] if p.department else 0 for p in people])
        self.tz = np.array([p.utc_offset_minutes for p in people], dtype=np.int64)
        self.wait = np.array([p.waitlisted for p in people], dtype=np.int64)


def score_block(
    rows: SideArrays, cols: SideArrays, mode: TzMode, lo: int, hi: int
) -> tuple[IntArray, IntArray]:
    """(overlap, score) for learner rows ``lo:hi`` against every guide column."""
    overlap = overlap_counts(rows.masks[lo:hi], cols.masks)
    score = OVERLAP_POINTS * np.minimum(overlap, OVERLAP_CAP)
    rd, cd = rows.dept[lo:hi, None], cols.dept[None, :]
    score += DEPARTMENT_POINTS * ((rd != cd) & (rd != 0) & (cd != 0))
    if mode == "prefer_close":
        d = np.abs(rows.tz[lo:hi, None] - cols.tz[None, :]) % (24 * 60)
        d = np.minimum(d, 24 * 60 - d)
        score += np.maximum(0, WORKDAY_MINUTES - d) // 60
    score += WAITLIST_POINTS * (rows.wait[lo:hi, None] + cols.wait[None, :])
    return overlap, score
