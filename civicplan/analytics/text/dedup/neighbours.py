"""Candidate pairs of near-identical dense vectors: exact blocked products for small
inputs, an inverted file of k-means cells for large ones."""

from __future__ import annotations

import numpy as np

from civicplan.analytics.text.vectorize import l2_normalize


def candidate_pairs(
    vectors: np.ndarray,
    threshold: float,
    *,
    mask: np.ndarray | None = None,
    k: int = 5,
    exact_limit: int = 12_000,
    block: int = 1024,
) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of unit rows with cosine ≥ threshold, each row's `k` nearest at most.

    Exact blocked products up to `exact_limit` rows; beyond, an inverted file: k-means cells
    (≈ n/150 of them), every row probed in its two nearest cells.
    """
    index = np.arange(len(vectors)) if mask is None else np.flatnonzero(mask)
    x = vectors[index]
    n = len(x)
    if n < 2:
        return []
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (first, second, cosine)
    if n <= exact_limit:
        _pairs_within(x, index, threshold, found, block=block, k=k)
    else:
        for cell in _ivf_cells(x):
            _pairs_within(x[cell], index[cell], threshold, found, block=block, k=k)
    if not found:
        return []
    total = np.int64(len(vectors))
    codes = np.concatenate([a * total + b for a, b, _ in found])
    values = np.concatenate([v for _, _, v in found])
    # A pair met more than once (both ways, or in two cells) keeps its last cosine.
    last = len(codes) - 1 - np.unique(codes[::-1], return_index=True)[1]
    return list(
        zip(
            (codes[last] // total).tolist(),
            (codes[last] % total).tolist(),
            values[last].astype(np.float64).tolist(),
            strict=True,
        )
    )


def _pairs_within(
    x: np.ndarray,
    ids: np.ndarray,
    threshold: float,
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    *,
    block: int,
    k: int,
) -> None:
    """For every row, its `k` most similar other rows at or above `threshold` (appended to
    `found` as arrays: the smaller and the larger row number of each pair, its cosine)."""
    n = len(x)
    k = min(k, n - 1)
    for start in range(0, n, block):
        sims = x[start : start + block] @ x.T
        local = np.arange(len(sims))
        sims[local, start + local] = -1.0
        if k < n - 1:
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        else:
            top = np.broadcast_to(np.arange(n), (len(sims), n))
        values = np.take_along_axis(sims, top, axis=1)
        rows, cols = np.nonzero(values >= threshold)
        if not len(rows):
            continue
        i = ids[start + rows].astype(np.int64)
        j = ids[top[rows, cols]].astype(np.int64)
        found.append((np.minimum(i, j), np.maximum(i, j), values[rows, cols]))


def _ivf_cells(x: np.ndarray, *, per_cell: int = 150, seed: int = 0) -> list[np.ndarray]:
    n = len(x)
    n_cells = max(2, n // per_cell)
    rng = np.random.default_rng(seed)
    sample = x[rng.choice(n, size=min(n, n_cells * 20), replace=False)]
    centroids = sample[rng.choice(len(sample), size=n_cells, replace=False)].copy()
    for _ in range(4):
        assign = (sample @ centroids.T).argmax(axis=1)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        empty = np.bincount(assign, minlength=n_cells) == 0
        sums[empty] = centroids[empty]
        centroids = l2_normalize(sums)
    top2 = np.empty((n, 2), dtype=np.int64)
    for start in range(0, n, 8192):
        sims = x[start : start + 8192] @ centroids.T
        top2[start : start + 8192] = np.argpartition(-sims, 1, axis=1)[:, :2]
    cells: list[np.ndarray] = []
    owners = np.concatenate([top2[:, 0], top2[:, 1]])
    rows = np.concatenate([np.arange(n), np.arange(n)])
    order = np.argsort(owners, kind="stable")
    boundaries = np.flatnonzero(np.diff(owners[order])) + 1
    for cell in np.split(rows[order], boundaries):
        if len(cell) > 1:
            cells.append(np.unique(cell))
    return cells
