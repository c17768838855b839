"""The potential index: scores, sub-indices, index 0–100, ranks, explanation, types, peers.

Method (also in docs/potential.md):

1. Derived indicators are computed from the raw statistics (`derived.py`).
2. Each is normalised to a score s ∈ [0, 1] within the comparison group (`normalise.py`);
   "lower is better" indicators are flipped.
3. Missing values are never zero. Within a sub-index the weights of the indicators a
   municipality has are rescaled to sum to one; a sub-index with no indicator at all
   gives its weight to the other sub-indices in proportion. Coverage — the share of the
   methodology's total weight backed by data — is reported; below `min_coverage` the
   index is not computed and the municipality is listed in a notice.
4. Sub-index = 100 × Σ w s over available indicators; index = Σ W × sub-index over
   available sub-indices. An indicator's contribution is 100 × (its effective weight) × s;
   contributions add up to the index exactly.
5. Strengths and weaknesses compare each contribution with what a typical municipality
   gets from the same indicator: 100 × effective weight × (s − median s in the country).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import rankdata
from threadpoolctl import threadpool_limits

from civicplan.analytics.potential.data import (
    SIZE_CLASS_NAMES,
    MunicipalityRecord,
    Notice,
    Observation,
    Panel,
    _examples,
    build_panel,
)
from civicplan.analytics.potential.derived import derive_all
from civicplan.analytics.potential.methodology import (
    LOWER,
    SCOPE_COUNTRY,
    SCOPE_REGION,
    Methodology,
    default_methodology,
)
from civicplan.analytics.potential.normalise import normalise
from civicplan.analytics.potential.peers import find_peers, peer_quartiles
from civicplan.analytics.potential.typology import ClusterType, cluster

#: A strength or weakness must move the index by at least this many points.
SALIENT_POINTS = 0.5
MAX_SIDES = 3


@dataclass(frozen=True, slots=True)
class Contribution:
    """One indicator's part in a municipality's index."""

    code: str
    name: str
    subindex: str
    value: float | None
    unit: str
    score: float | None
    weight: float
    points: float
    versus_typical: float


@dataclass(frozen=True, slots=True)
class PeerPoint:
    """A growth point or weak spot: the indicator, the town's value and its peers' median."""

    code: str
    name: str
    value: float
    peers_median: float
    unit: str
    better: str


@dataclass(frozen=True, slots=True)
class Peer:
    id: str
    name: str
    region: int
    similarity: float
    index: float | None


@dataclass(slots=True)
class MunicipalityResult:
    """Everything the profile page shows for one municipality."""

    id: str
    name: str
    region: int
    size_class: str
    size_class_name: str
    population: float | None
    index: float | None
    coverage: float
    rank_region: int | None
    count_region: int
    rank_size_class: int | None
    count_size_class: int
    subindices: dict[str, float | None]
    contributions: list[Contribution]
    strengths: list[Contribution]
    weaknesses: list[Contribution]
    explanation: str
    missing: list[str]
    cluster: int | None
    cluster_name: str
    peers: list[Peer]
    growth_points: list[PeerPoint]
    weak_spots: list[PeerPoint]
    status: str = ""


@dataclass(slots=True)
class Assessment:
    """The assessment of all municipalities; arrays are aligned with `municipalities`."""

    methodology: Methodology
    municipalities: list[MunicipalityRecord]
    raw: np.ndarray
    scores: np.ndarray
    effective_weights: np.ndarray
    subindex_scores: np.ndarray
    index: np.ndarray
    coverage: np.ndarray
    rank_region: np.ndarray
    count_region: np.ndarray
    rank_size_class: np.ndarray
    count_size_class: np.ndarray
    typical_scores: np.ndarray
    clusters: np.ndarray
    cluster_types: list[ClusterType]
    peers: np.ndarray
    peer_distances: np.ndarray
    growth: np.ndarray
    weak: np.ndarray
    peer_medians: np.ndarray
    notices: list[Notice] = field(default_factory=list)
    _positions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._positions = {m.id: i for i, m in enumerate(self.municipalities)}

    def position(self, municipality_id: str) -> int:
        try:
            return self._positions[municipality_id]
        except KeyError as exc:
            raise KeyError(f"Муниципалитет {municipality_id} не участвовал в оценке.") from exc

    def __contains__(self, municipality_id: object) -> bool:
        return municipality_id in self._positions

    def result(self, municipality_id: str) -> MunicipalityResult:
        return _result(self, self.position(municipality_id))

    def results(self) -> Iterable[MunicipalityResult]:
        for i in range(len(self.municipalities)):
            yield _result(self, i)


def _none(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def explain(strengths: list[Contribution], weaknesses: list[Contribution]) -> str:
    """«Сильные стороны: …; слабые: ….» from the sides found."""
    strong = ", ".join(_lower_first(c.name) for c in strengths) or "не выделяются"
    weak = ", ".join(_lower_first(c.name) for c in weaknesses) or "не выделяются"
    return f"Сильные стороны: {strong}; слабые: {weak}."


def _result(a: Assessment, i: int) -> MunicipalityResult:
    m = a.municipalities[i]
    specs = a.methodology.indicators
    sub_of = {ind.code: sub.name for sub in a.methodology.subindices for ind in sub.indicators}
    contributions: list[Contribution] = []
    for k, spec in enumerate(specs):
        s = a.scores[i, k]
        w = a.effective_weights[i, k]
        points = 100.0 * w * s if not math.isnan(s) else 0.0
        typical = a.typical_scores[k]
        versus = 100.0 * w * (s - typical) if not (math.isnan(s) or math.isnan(typical)) else 0.0
        contributions.append(
            Contribution(
                code=spec.code,
                name=spec.name,
                subindex=sub_of[spec.code],
                value=_none(a.raw[i, k]),
                unit=spec.unit,
                score=_none(s),
                weight=float(w),
                points=float(points),
                versus_typical=float(versus),
            )
        )
    index = _none(a.index[i])
    if index is not None:
        ranked = sorted(contributions, key=lambda c: c.versus_typical, reverse=True)
        strengths = [c for c in ranked if c.versus_typical >= SALIENT_POINTS][:MAX_SIDES]
        weaknesses = [c for c in reversed(ranked) if c.versus_typical <= -SALIENT_POINTS][
            :MAX_SIDES
        ]
        explanation = explain(strengths, weaknesses)
        status = ""
    else:
        strengths, weaknesses = [], []
        explanation = ""
        status = (
            f"Индекс не рассчитан: данные есть по показателям с весом "
            f"{a.coverage[i] * 100:.0f} % методики, нужно не меньше "
            f"{a.methodology.min_coverage * 100:.0f} %."
        )
    missing = [spec.name for k, spec in enumerate(specs) if math.isnan(a.scores[i, k])]
    peers: list[Peer] = []
    for p, d in zip(a.peers[i], a.peer_distances[i], strict=True):
        if p < 0:
            continue
        pm = a.municipalities[p]
        peers.append(
            Peer(
                id=pm.id,
                name=pm.name,
                region=pm.region,
                similarity=round(100.0 / (1.0 + float(d)), 1),
                index=_none(a.index[p]),
            )
        )
    growth: list[Any] = []
    weak: list[Any] = []
    for k, spec in enumerate(specs):
        if not (a.growth[i, k] or a.weak[i, k]):
            continue
        sign = -1.0 if spec.better == LOWER else 1.0
        point = PeerPoint(
            code=spec.code,
            name=spec.name,
            value=float(a.raw[i, k]),
            peers_median=float(sign * a.peer_medians[i, k]),
            unit=spec.unit,
            better=spec.better,
        )
        (growth if a.growth[i, k] else weak).append(point)
    label = int(a.clusters[i])
    return MunicipalityResult(
        id=m.id,
        name=m.name,
        region=m.region,
        size_class=m.size_class,
        size_class_name=SIZE_CLASS_NAMES.get(m.size_class, m.size_class),
        population=m.population,
        index=index,
        coverage=float(a.coverage[i]),
        rank_region=int(a.rank_region[i]) or None,
        count_region=int(a.count_region[i]),
        rank_size_class=int(a.rank_size_class[i]) or None,
        count_size_class=int(a.count_size_class[i]),
        subindices={
            sub.code: _none(a.subindex_scores[i, s])
            for s, sub in enumerate(a.methodology.subindices)
        },
        contributions=contributions,
        strengths=strengths,
        weaknesses=weaknesses,
        explanation=explanation,
        missing=missing,
        cluster=label if label >= 0 else None,
        cluster_name=a.cluster_types[label].name if label >= 0 else "",
        peers=peers,
        growth_points=growth,
        weak_spots=weak,
        status=status,
    )


def _ranks(index: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank 1 = highest index within each group (ties share the best rank); 0 = unranked."""
    ranks = np.zeros(len(index), dtype=int)
    counts = np.zeros(len(index), dtype=int)
    has = ~np.isnan(index)
    for group in np.unique(groups):
        rows = np.flatnonzero((groups == group) & has)
        if rows.size == 0:
            continue
        ranks[rows] = rankdata(-index[rows], method="min").astype(int)
        counts[groups == group] = rows.size
    return ranks, counts


def _comparison_groups(panel: Panel, scope: str) -> np.ndarray:
    if scope == SCOPE_COUNTRY:
        return np.zeros(len(panel.municipalities), dtype=int)
    if scope == SCOPE_REGION:
        return np.array([m.region for m in panel.municipalities])
    return np.array([m.size_class for m in panel.municipalities])


def _thin_group_notices(
    thin: list[tuple[object, int, int]], methodology: Methodology, scope: str
) -> list[Notice]:
    specs = methodology.indicators
    notices: list[Notice] = []
    by_indicator: dict[int, list[tuple[object, int]]] = {}
    for group, k, count in thin:
        by_indicator.setdefault(k, []).append((group, count))
    for k, groups in by_indicator.items():
        spec = specs[k]
        if scope == SCOPE_COUNTRY:
            what = "по стране в целом"
        elif scope == SCOPE_REGION:
            listed = _examples([f"{g} ({c})" for g, c in groups])
            what = f"в регионах {listed}"
        else:
            listed = _examples([f"{SIZE_CLASS_NAMES.get(str(g), g)} ({c})" for g, c in groups])
            what = f"в группах по численности {listed}"
        empty = all(c == 0 for _, c in groups)
        reason = "нет данных" if empty else "слишком мало данных для сравнения"
        notices.append(
            Notice(
                "indicator_without_group_data",
                f"Показатель «{spec.name}»: {reason} {what} (в скобках — число "
                "муниципалитетов с данными). Там он не учитывается, его вес перераспределён "
                "между остальными показателями субиндекса.",
                indicator=spec.code,
            )
        )
    return notices


def assess_panel(panel: Panel, methodology: Methodology | None = None) -> Assessment:
    """Assess every municipality of the panel with the methodology (default if None).

    The matrices are small (thousands of rows, tens of columns): BLAS and OpenMP run on one
    thread, which is fastest here and does not stall when the machine is busy.
    """
    with threadpool_limits(limits=1):
        return _assess_panel(panel, methodology)


def _assess_panel(panel: Panel, methodology: Methodology | None) -> Assessment:
    methodology = methodology or default_methodology()
    notices: list[Notice] = list(panel.notices)
    notices += [Notice("methodology_weights", w, level="info") for w in methodology.warnings]
    specs = methodology.indicators
    k = len(specs)
    raw, derive_notices = derive_all(panel, methodology)
    notices += derive_notices

    scope = methodology.normalisation.scope
    groups = _comparison_groups(panel, scope)
    scores, thin = normalise(raw, groups, [s.better for s in specs], methodology.normalisation)
    # An indicator absent everywhere was already reported by derive_all.
    reported = {nt.indicator for nt in derive_notices}
    thin = [t for t in thin if specs[t[1]].code not in reported]
    notices += _thin_group_notices(thin, methodology, scope)

    # Re-weighting within sub-indices and across them.
    subs = methodology.subindices
    available = ~np.isnan(scores)
    inner = np.array([ind.weight for sub in subs for ind in sub.indicators])
    sub_of = np.array([s for s, sub in enumerate(subs) for _ in sub.indicators])
    outer = np.array([sub.weight for sub in subs])
    membership = np.zeros((k, len(subs)))
    membership[np.arange(k), sub_of] = 1.0
    filled = np.where(available, scores, 0.0)
    sub_cover = (available * inner) @ membership  # (n, S)
    with np.errstate(divide="ignore", invalid="ignore"):
        sub_scores = 100.0 * ((filled * inner) @ membership) / sub_cover
    sub_scores[sub_cover <= 0] = np.nan
    sub_has = sub_cover > 0
    coverage = sub_cover @ outer
    outer_avail = sub_has * outer
    outer_total = outer_avail.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        outer_eff = outer_avail / outer_total[:, None]
        inner_eff = inner / sub_cover[:, sub_of]
        effective = np.where(available, outer_eff[:, sub_of] * inner_eff, 0.0)
    effective = np.nan_to_num(effective, nan=0.0, posinf=0.0)
    index = (effective * filled).sum(axis=1) * 100.0
    computed = (coverage >= methodology.min_coverage - 1e-9) & (outer_total > 0)
    index = np.where(computed, index, np.nan)

    not_computed = [panel.municipalities[i] for i in np.flatnonzero(~computed)]
    if not_computed:
        notices.append(
            Notice(
                "low_coverage",
                f"Индекс не рассчитан для {len(not_computed)} муниципалитетов: данные есть "
                f"по показателям с весом меньше {methodology.min_coverage * 100:.0f} % "
                f"методики — {_examples([m.name or m.id for m in not_computed])}.",
            )
        )
    reweighted = int((computed & (coverage < 1 - 1e-9)).sum())
    if reweighted:
        notices.append(
            Notice(
                "reweighted",
                f"У {reweighted} муниципалитетов нет части показателей; их вес перераспределён "
                "между имеющимися показателями того же субиндекса (у каждого муниципалитета "
                "указана полнота данных).",
                level="info",
            )
        )

    regions = np.array([m.region for m in panel.municipalities])
    sizes = np.array([m.size_class for m in panel.municipalities])
    rank_region, count_region = _ranks(index, regions)
    rank_size, count_size = _ranks(index, sizes)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        typical = np.nanmedian(np.where(computed[:, None], scores, np.nan), axis=0)

    labels, types = cluster(
        np.where(computed[:, None], sub_scores, np.nan), subs, methodology.clusters
    )

    global_weight = outer[sub_of] * inner
    peers, distances = find_peers(raw, global_weight, sizes, methodology.peers)
    oriented = np.where(np.array([s.better == LOWER for s in specs]), -raw, raw)
    growth, weak, medians = peer_quartiles(oriented, peers)

    return Assessment(
        methodology=methodology,
        municipalities=panel.municipalities,
        raw=raw,
        scores=scores,
        effective_weights=effective,
        subindex_scores=sub_scores,
        index=index,
        coverage=coverage,
        rank_region=rank_region,
        count_region=count_region,
        rank_size_class=rank_size,
        count_size_class=count_size,
        typical_scores=typical,
        clusters=labels,
        cluster_types=types,
        peers=peers,
        peer_distances=distances,
        growth=growth,
        weak=weak,
        peer_medians=medians,
        notices=notices,
    )


def assess(
    municipalities: Iterable[MunicipalityRecord],
    observations: Iterable[Observation],
    methodology: Methodology | None = None,
) -> Assessment:
    """Check the input, build the panel and assess every municipality."""
    return assess_panel(build_panel(municipalities, observations), methodology)
