"""Derived indicators: shares, rates per 1,000, changes, ratios, spreads — from raw codes.

Each function takes the dense panel and one `IndicatorSpec` and returns a vector of length
n (NaN where it cannot be computed). "latest" means, for each municipality, the latest year
in which every input of the derivation has a value.
"""

from __future__ import annotations

import numpy as np

from civicplan.analytics.potential.data import Notice, Panel
from civicplan.analytics.potential.methodology import LATEST, IndicatorSpec, Methodology


def _pick_year(panel: Panel, *series: np.ndarray, year: int | str) -> list[np.ndarray]:
    """Values of each series in `year`, or in the latest year where all are present."""
    n = len(panel.municipalities)
    if year != LATEST:
        y = panel.year_index(int(year))
        if y is None:
            return [np.full(n, np.nan) for _ in series]
        return [s[:, y] for s in series]
    picked = [np.full(n, np.nan) for _ in series]
    for y in range(len(panel.years)):
        present = np.ones(n, dtype=bool)
        for s in series:
            present &= ~np.isnan(s[:, y])
        for k, s in enumerate(series):
            picked[k] = np.where(present, s[:, y], picked[k])
    return picked


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        result: np.ndarray = num / den
    result[~np.isfinite(result)] = np.nan
    return result


def _prefix_matrix(panel: Panel, prefix: str, year: int | str) -> np.ndarray:
    """(n, m) values of every raw code with the prefix, in `year` or each one's latest."""
    columns = [c for c, code in enumerate(panel.codes) if code.startswith(prefix)]
    n = len(panel.municipalities)
    if not columns:
        return np.empty((n, 0))
    block = panel.values[:, columns, :]
    if year != LATEST:
        y = panel.year_index(int(year))
        if y is None:
            return np.full((n, len(columns)), np.nan)
        return block[:, :, y]
    # Latest year in which the municipality has any value of the family, so that one
    # year's breadth is never mixed with another's.
    result = np.full((n, len(columns)), np.nan)
    for y in range(len(panel.years)):
        layer = block[:, :, y]
        any_present = (~np.isnan(layer)).any(axis=1)
        result = np.where(any_present[:, None], layer, result)
    return result


def derive(panel: Panel, spec: IndicatorSpec) -> np.ndarray:
    """The derived indicator for every municipality of the panel."""
    op = spec.op
    if op == "value":
        (value,) = _pick_year(panel, panel.series(spec.source), year=spec.year)
        return value
    if op in ("share", "per_1000"):
        source = panel.series(spec.source)
        base = panel.series(spec.base)
        if op == "per_1000" and spec.base_year is not None and spec.year != LATEST:
            (num,) = _pick_year(panel, source, year=spec.year)
            (den,) = _pick_year(panel, base, year=spec.base_year)
        else:
            num, den = _pick_year(panel, source, base, year=spec.year)
        den = np.where(den > 0, den, np.nan)
        factor = 100.0 if op == "share" else 1000.0
        return _safe_divide(num, den) * factor
    if op == "change":
        source = panel.series(spec.source)
        year = spec.year
        if year == LATEST:
            year = panel.years[-1] if panel.years else 0
        (now,) = _pick_year(panel, source, year=year)
        (before,) = _pick_year(panel, source, year=spec.from_year or int(year) - 1)
        before = np.where(before > 0, before, np.nan)
        return (_safe_divide(now, before) - 1.0) * 100.0
    if op == "ratio_to_region_median":
        (value,) = _pick_year(panel, panel.series(spec.source), year=spec.year)
        regions = np.array([m.region for m in panel.municipalities])
        medians = np.full(len(value), np.nan)
        for region in np.unique(regions):
            mask = regions == region
            present = value[mask]
            present = present[~np.isnan(present)]
            if present.size:
                medians[mask] = np.median(present)
        medians = np.where(medians > 0, medians, np.nan)
        return _safe_divide(value, medians)
    if op in ("spread", "count"):
        block = _prefix_matrix(panel, spec.prefix, spec.year)
        counts = (~np.isnan(block)).sum(axis=1).astype(float)
        if op == "count":
            return np.where(counts >= spec.min_count, counts, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            if block.shape[1] == 0:
                return np.full(block.shape[0], np.nan)
            mean = np.where(counts > 0, np.nansum(block, axis=1) / np.maximum(counts, 1), np.nan)
            sq = np.nansum((block - mean[:, None]) ** 2, axis=1)
            std = np.sqrt(sq / np.maximum(counts, 1))
            cv = _safe_divide(std, mean) * 100.0
        return np.where(counts >= max(spec.min_count, 2), cv, np.nan)
    raise ValueError(f"unknown derivation {op}")


def derive_all(panel: Panel, methodology: Methodology) -> tuple[np.ndarray, list[Notice]]:
    """(n, k) matrix of the methodology's indicators, and notices about absent inputs."""
    notices: list[Notice] = []
    specs = methodology.indicators
    matrix = np.full((len(panel.municipalities), len(specs)), np.nan)
    known = set(panel.codes)
    for k, spec in enumerate(specs):
        needed = [c for c in (spec.source, spec.base) if c]
        missing = [c for c in needed if c not in known]
        if spec.prefix and not any(c.startswith(spec.prefix) for c in panel.codes):
            missing.append(spec.prefix + "*")
        if missing:
            notices.append(
                Notice(
                    "indicator_without_data",
                    f"Для показателя «{spec.name}» в данных нет исходных показателей "
                    f"{', '.join(missing)}; его вес перераспределён между остальными "
                    "показателями субиндекса.",
                    indicator=spec.code,
                )
            )
        matrix[:, k] = derive(panel, spec)
    return matrix, notices
