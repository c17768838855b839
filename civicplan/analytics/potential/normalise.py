"""Normalisation of indicator values to scores from 0 (worst) to 1 (best).

Within each comparison group (the whole country, a region or a size class) and for each
indicator: values are clipped to the group's winsorisation quantiles, then

* min–max: (x − min) / (max − min), 0.5 for everyone when all values are equal;
* z-score: Φ((x − mean) / std), the standard normal distribution function, 0.5 when std = 0.

For an indicator where less is better the score is 1 − score. A group with fewer than
`min_group_size` values for an indicator gives no score for it (NaN) and a notice.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import ndtr

from civicplan.analytics.potential.methodology import LOWER, MINMAX, Normalisation


def winsorise(values: np.ndarray, lower: float, upper: float) -> np.ndarray:
    """Clip each column of (m, k) to its [lower, upper] quantiles, NaN left alone."""
    if values.size == 0:
        return values
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanquantile(values, lower, axis=0)
        hi = np.nanquantile(values, upper, axis=0)
    result: np.ndarray = np.clip(values, lo, hi)
    return result


def _scale(values: np.ndarray, method: str) -> np.ndarray:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        if method == MINMAX:
            lo = np.nanmin(values, axis=0)
            hi = np.nanmax(values, axis=0)
            span = hi - lo
            scaled = (values - lo) / np.where(span > 0, span, 1.0)
            scaled = np.where(span > 0, scaled, 0.5)
        else:
            mean = np.nanmean(values, axis=0)
            std = np.nanstd(values, axis=0)
            z = (values - mean) / np.where(std > 0, std, 1.0)
            scaled = np.where(std > 0, ndtr(z), 0.5)
    return np.where(np.isnan(values), np.nan, scaled)


def normalise(
    raw: np.ndarray,
    groups: np.ndarray,
    better: list[str],
    settings: Normalisation,
) -> tuple[np.ndarray, list[tuple[object, int, int]]]:
    """Scores (n, k) in [0, 1], and (group, indicator column, count) for thin groups.

    `groups` gives each row's comparison group (any hashable values, one per row).
    """
    scores = np.full(raw.shape, np.nan)
    thin: list[tuple[object, int, int]] = []
    lower, upper = settings.winsor
    flip = np.array([b == LOWER for b in better], dtype=bool)
    unique, inverse = np.unique(groups, return_inverse=True)
    for g, group in enumerate(unique):
        rows = np.flatnonzero(inverse == g)
        block = raw[rows]
        counts = (~np.isnan(block)).sum(axis=0)
        enough = counts >= settings.min_group_size
        for k in np.flatnonzero(~enough):
            thin.append((group.item() if hasattr(group, "item") else group, int(k), int(counts[k])))
        if not enough.any():
            continue
        clipped = winsorise(block[:, enough], lower, upper)
        scaled = _scale(clipped, settings.method)
        cols = np.flatnonzero(enough)
        scaled = np.where(flip[cols], 1.0 - scaled, scaled)
        scores[np.ix_(rows, cols)] = scaled
    return scores, thin
