"""Typology: clusters of municipalities with similar sub-index profiles, named by what
sets each cluster apart from the country as a whole.

A cluster's name takes the sub-index on which its centre is furthest above the average
(its `high_label`) and the one furthest below (its `low_label`), measured in standard
deviations; a deviation under `SALIENT` is not mentioned. Two clusters with the same
name get their next most distinctive sub-index added.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from civicplan.analytics.potential.methodology import SubIndex

SALIENT = 0.3


@dataclass(frozen=True, slots=True)
class ClusterType:
    """One type: its number, name, size and per-sub-index deviation from the average."""

    number: int
    name: str
    size: int
    deviations: dict[str, float]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name_parts(deviation: np.ndarray, subs: tuple[SubIndex, ...], depth: int) -> list[str]:
    order_high = [k for k in np.argsort(-deviation) if deviation[k] >= SALIENT]
    order_low = [k for k in np.argsort(deviation) if deviation[k] <= -SALIENT]
    parts: list[str] = []
    parts += [subs[k].high_label for k in order_high[:depth]]
    parts += [subs[k].low_label for k in order_low[:depth]]
    return parts


def name_clusters(centres: np.ndarray, subs: tuple[SubIndex, ...]) -> list[str]:
    """Russian names for standardised cluster centres (clusters × sub-indices)."""
    names: list[str] = []
    depth = [1] * len(centres)
    for _ in range(len(subs)):
        names = []
        for c, centre in enumerate(centres):
            parts = _name_parts(centre, subs, depth[c])
            names.append(_capitalise(", ".join(parts)) if parts else "Близкие к средним")
        clashes = {n for n in names if names.count(n) > 1}
        if not clashes:
            break
        for c, name in enumerate(names):
            if name in clashes:
                depth[c] += 1
    seen: dict[str, int] = {}
    unique: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


def cluster(
    subindex_scores: np.ndarray,
    subs: tuple[SubIndex, ...],
    n_clusters: int,
    *,
    seed: int = 0,
) -> tuple[np.ndarray, list[ClusterType]]:
    """Labels (n,), −1 where a municipality has no sub-index at all, and the named types."""
    n = subindex_scores.shape[0]
    labels = np.full(n, -1, dtype=int)
    usable = ~np.isnan(subindex_scores).all(axis=1)
    if usable.sum() == 0:
        return labels, []
    data = subindex_scores[usable]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(data, axis=0)
    means = np.where(np.isnan(means), 50.0, means)
    data = np.where(np.isnan(data), means, data)
    std = data.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    standard = (data - means) / std
    k = max(1, min(n_clusters, len(np.unique(standard, axis=0))))
    model = KMeans(n_clusters=k, n_init=10, random_state=seed)
    # A few thousand rows of five columns: one thread is fastest, and OpenMP threads
    # spinning on a busy machine made the fit a hundred times slower.
    with threadpool_limits(limits=1):
        found = model.fit_predict(standard)
    # Number types by size, the largest first, so that numbers are stable between runs.
    sizes = np.bincount(found, minlength=k)
    order = np.argsort(-sizes, kind="stable")
    renumber = np.empty(k, dtype=int)
    renumber[order] = np.arange(k)
    labels[usable] = renumber[found]
    centres = np.array([standard[labels[usable] == c].mean(axis=0) for c in range(k)])
    names = name_clusters(centres, subs)
    types = [
        ClusterType(
            number=c,
            name=names[c],
            size=int((labels == c).sum()),
            deviations={s.code: round(float(centres[c, j]), 3) for j, s in enumerate(subs)},
        )
        for c in range(k)
    ]
    return labels, types
