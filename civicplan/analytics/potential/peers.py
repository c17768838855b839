"""Peers, growth points and weak spots.

Peers are the municipalities of the same size class, anywhere in Russia, whose indicator
profile is closest: each indicator is standardised across the country (winsorised at
5–95 %, so one outlier does not decide), weighted by the square root of its weight in the
methodology, and the distance is the root mean square difference over the indicators both
municipalities have — only when those carry at least half of the total weight.

A growth point is an indicator on which a municipality is better than at least three
quarters of its peers that have it (at least four); a weak spot, worse than three quarters.
"""

from __future__ import annotations

import warnings

import numpy as np

from civicplan.analytics.potential.normalise import winsorise

MIN_SHARED_WEIGHT = 0.5
MIN_PEERS_FOR_QUARTILES = 4
QUARTER = 0.75


def standardise(raw: np.ndarray) -> np.ndarray:
    """Country-wide z-scores of each column after 5–95 % winsorisation."""
    clipped = winsorise(raw, 0.05, 0.95)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(clipped, axis=0)
        std = np.nanstd(clipped, axis=0)
    std = np.where((std > 0) & np.isfinite(std), std, 1.0)
    result: np.ndarray = (clipped - mean) / std
    return result


def find_peers(
    raw: np.ndarray,
    weights: np.ndarray,
    groups: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (n, k) of each row's nearest rows in the same group (−1 pads) and distances."""
    n = raw.shape[0]
    peers = np.full((n, k), -1, dtype=int)
    distances = np.full((n, k), np.nan)
    if n == 0 or k == 0:
        return peers, distances
    z = standardise(raw)
    present = (~np.isnan(z)).astype(float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full_like(w, 1.0 / len(w))
    zf = np.where(np.isnan(z), 0.0, z)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        if rows.size < 2:
            continue
        m = present[rows]
        x = zf[rows]
        mw = m * w
        # Σ_j w_j m_aj m_bj (x_aj − x_bj)², expanded into matrix products.
        sq = (mw * x * x) @ m.T + m @ (mw * x * x).T - 2.0 * (mw * x) @ (m * x).T
        shared = mw @ m.T
        with np.errstate(divide="ignore", invalid="ignore"):
            dist = np.sqrt(np.maximum(sq, 0.0) / shared)
        dist[shared < MIN_SHARED_WEIGHT] = np.inf
        np.fill_diagonal(dist, np.inf)
        take = min(k, rows.size - 1)
        nearest = np.argpartition(dist, take - 1, axis=1)[:, :take] if take else None
        if nearest is None:
            continue
        nearest_d = np.take_along_axis(dist, nearest, axis=1)
        order = np.argsort(nearest_d, axis=1, kind="stable")
        nearest = np.take_along_axis(nearest, order, axis=1)
        nearest_d = np.take_along_axis(nearest_d, order, axis=1)
        valid = np.isfinite(nearest_d)
        peers[rows, :take] = np.where(valid, rows[nearest], -1)
        distances[rows, :take] = np.where(valid, nearest_d, np.nan)
    return peers, distances


def peer_quartiles(
    oriented: np.ndarray, peers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Growth-point and weak-spot masks (n, k) and the peers' medians (n, k).

    `oriented` holds the indicators with "lower is better" ones negated, so that larger is
    always better.
    """
    n, k = oriented.shape
    if peers.shape[1] == 0:
        empty = np.zeros((n, k), dtype=bool)
        return empty, empty, np.full((n, k), np.nan)
    valid_peer = peers >= 0
    gathered = oriented[np.where(valid_peer, peers, 0)]  # (n, p, k)
    gathered = np.where(valid_peer[:, :, None], gathered, np.nan)
    own = oriented[:, None, :]
    have = ~np.isnan(gathered)
    count = have.sum(axis=1)
    worse = (have & (gathered < own)).sum(axis=1)
    better = (have & (gathered > own)).sum(axis=1)
    enough = (count >= MIN_PEERS_FOR_QUARTILES) & ~np.isnan(oriented)
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = enough & (worse >= QUARTER * count)
        weak = enough & (better >= QUARTER * count)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        medians = np.nanmedian(gathered, axis=1)
    return growth, weak, medians
