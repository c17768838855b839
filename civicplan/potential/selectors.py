"""Reads of the potential index shared by the pages, the export and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

from civicplan.analytics.potential import SIZE_CLASS_NAMES
from civicplan.potential.models import (
    PotentialMethodology,
    PotentialScore,
    PotentialSubIndex,
)
from civicplan.territories.models import Municipality, Region


def active_methodology() -> PotentialMethodology | None:
    return PotentialMethodology.objects.filter(is_active=True).first()


def methodology_subindices(methodology: PotentialMethodology) -> list[PotentialSubIndex]:
    return list(methodology.subindices.prefetch_related("indicators").order_by("order", "id"))


def score_for(
    municipality: Municipality, methodology: PotentialMethodology | None = None
) -> PotentialScore | None:
    methodology = methodology or active_methodology()
    if methodology is None:
        return None
    return (
        PotentialScore.objects.select_related("municipality__region", "methodology")
        .filter(methodology=methodology, municipality=municipality)
        .first()
    )


SORT_KEYS = ("index", "name", "population", "rank_size_class")


def region_scores(
    region: Region,
    methodology: PotentialMethodology,
    *,
    sort: str = "index",
    descending: bool = True,
    size_class: str | None = None,
) -> list[PotentialScore]:
    """The region's scores sorted by the index, a sub-index, the name or the population.

    Municipalities without an index (or without the sub-index) come last whatever the order.
    """
    qs: QuerySet[PotentialScore] = PotentialScore.objects.select_related(
        "municipality__region"
    ).filter(methodology=methodology, municipality__region=region)
    if size_class:
        qs = qs.filter(size_class=size_class)
    rows = list(qs)
    sub_codes = {s.code for s in methodology.subindices.all()}

    def key(score: PotentialScore) -> Any:
        if sort == "name":
            return score.municipality.name
        if sort == "population":
            return score.municipality.population or 0
        if sort in sub_codes:
            return score.subindices.get(sort)
        if sort == "rank_size_class":
            return score.rank_size_class
        return score.index

    if sort == "name":
        rows.sort(key=key, reverse=descending)
        return rows
    present = [r for r in rows if key(r) is not None]
    absent = [r for r in rows if key(r) is None]
    present.sort(key=key, reverse=descending)
    absent.sort(key=lambda r: r.municipality.name)
    return present + absent


def scores_by_oktmo(
    methodology: PotentialMethodology, oktmos: list[str]
) -> dict[str, PotentialScore]:
    rows = PotentialScore.objects.select_related("municipality__region").filter(
        methodology=methodology, municipality__oktmo__in=oktmos
    )
    return {r.municipality.oktmo: r for r in rows}


def stronger_municipality_ids(score: PotentialScore) -> set[int]:
    """Municipalities of the same size class with a higher index (for recommendations)."""
    if score.index is None:
        return set()
    return set(
        PotentialScore.objects.filter(
            methodology_id=score.methodology_id,
            size_class=score.size_class,
            index__gt=score.index,
        ).values_list("municipality_id", flat=True)
    )


def indices_by_municipality(methodology: PotentialMethodology) -> dict[int, float | None]:
    return dict(
        PotentialScore.objects.filter(methodology=methodology).values_list(
            "municipality_id", "index"
        )
    )


@dataclass(frozen=True)
class SizeClassOption:
    code: str
    name: str


def size_class_options() -> list[SizeClassOption]:
    return [SizeClassOption(code, name) for code, name in SIZE_CLASS_NAMES.items()]


def top_scores(methodology: PotentialMethodology, limit: int = 10) -> QuerySet[PotentialScore]:
    return (
        PotentialScore.objects.select_related("municipality__region")
        .filter(methodology=methodology, index__isnull=False)
        .order_by(F("index").desc())[:limit]
    )
