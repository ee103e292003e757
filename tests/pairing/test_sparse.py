"""The sparse solver prunes each row to a few candidates: its optimum must still be the optimum
of the full graph, as a dense solve over every cell finds it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from bot.pairing import sparse
from bot.pairing.sparse import exact_assignment


def dense_optimum(weights: np.ndarray, capacity: np.ndarray) -> int:
    slots = np.repeat(np.arange(len(capacity)), capacity)
    cost = -weights[:, slots]
    rows, cols = linear_sum_assignment(cost)
    return int(-cost[rows, cols].sum())


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("shape", [(300, 200), (200, 300), (120, 40)])
# pricing tests a block sparse when its first sieve passes few cells: the default, always
# sparse (share 1) and never (a share no block reaches) must find the same optimum
@pytest.mark.parametrize("share", [sparse.SPARSE_SHARE, 1, 1 << 40])
def test_sparse_optimum_equals_the_dense_one(
    seed: int, shape: tuple[int, int], share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sparse, "SPARSE_SHARE", share)
    rng = np.random.default_rng(seed)
    # weights in tiers with ties, like the engine's: a few steep blocks of small scores
    steps = rng.integers(1, 4, size=120)
    steps[::30] = 10_000
    table = np.concatenate([[0.0], np.cumsum(steps).astype(np.float64)])
    codes = rng.integers(1, len(table), size=shape).astype(np.int16)
    popular = rng.random(shape[1]) < 0.1  # everyone prefers the same few guides
    codes[:, popular] = np.minimum(codes[:, popular] + 40, len(table) - 1)
    codes[rng.random(shape) < 0.3] = 0  # forbidden cells
    capacity = rng.integers(0, 4, size=shape[1])

    found = exact_assignment(codes, table, capacity)

    assert len(set(found.rows.tolist())) == len(found.rows)
    assert np.all(np.bincount(found.guides, minlength=shape[1]) <= capacity)
    assert np.all(codes[found.rows, found.guides] > 0)
    weights = table[codes]
    assert int(weights[found.rows, found.guides].sum()) == dense_optimum(weights, capacity)
