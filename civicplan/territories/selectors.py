"""Reads shared by the territory pages and the API."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from civicplan.territories.models import Indicator, IndicatorValue, Municipality, Region


def region_list() -> QuerySet[Region]:
    return Region.objects.annotate(municipality_count=Count("municipalities")).order_by("name")


def municipality_list(
    *,
    region_code: int | None = None,
    kind: str | None = None,
    population_min: int | None = None,
    population_max: int | None = None,
    search: str | None = None,
) -> QuerySet[Municipality]:
    qs = Municipality.objects.select_related("region")
    if region_code is not None:
        qs = qs.filter(region__code=region_code)
    if kind:
        qs = qs.filter(kind=kind)
    if population_min is not None:
        qs = qs.filter(population__gte=population_min)
    if population_max is not None:
        qs = qs.filter(population__lte=population_max)
    if search:
        term = search.strip()
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(short_name__icontains=term)
            | Q(center__icontains=term)
            | Q(oktmo__startswith=term)
            # SQLite's icontains folds ASCII only: also try the capitalised form.
            | Q(short_name__contains=term[:1].upper() + term[1:])
            | Q(name__contains=term[:1].upper() + term[1:])
        )
    return qs.order_by("region__name", "name")


def indicator_value_list(
    *,
    oktmo: str | None = None,
    region_code: int | None = None,
    indicator: str | None = None,
    year: int | None = None,
) -> QuerySet[IndicatorValue]:
    qs = IndicatorValue.objects.select_related("municipality", "indicator")
    if oktmo:
        qs = qs.filter(municipality__oktmo=oktmo)
    if region_code is not None:
        qs = qs.filter(municipality__region__code=region_code)
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("municipality__oktmo", "indicator__code", "year")


@dataclass
class IndicatorRow:
    indicator: Indicator
    values: dict[int, float]

    def value_for(self, year: int) -> float | None:
        return self.values.get(year)

    @property
    def change(self) -> float | None:
        years = sorted(self.values)
        if len(years) < 2 or not self.values[years[0]]:
            return None
        first, last = self.values[years[0]], self.values[years[-1]]
        return (last - first) / abs(first) * 100


@dataclass
class IndicatorTable:
    years: list[int]
    rows: list[IndicatorRow]

    def row(self, code: str) -> IndicatorRow | None:
        return next((r for r in self.rows if r.indicator.code == code), None)


def municipality_indicator_table(municipality: Municipality) -> IndicatorTable:
    """All indicator values of a municipality as rows by indicator and columns by year."""
    by_indicator: dict[int, dict[int, float]] = defaultdict(dict)
    indicators: dict[int, Indicator] = {}
    for value in IndicatorValue.objects.filter(municipality=municipality).select_related(
        "indicator"
    ):
        by_indicator[value.indicator_id][value.year] = value.value
        indicators[value.indicator_id] = value.indicator
    years = sorted({y for values in by_indicator.values() for y in values})
    order = [
        "population",
        "population_age_0_14",
        "population_age_15_64",
        "population_age_65_plus",
        "net_migration",
        "net_migration_age_15_29",
        "avg_wage",
        "market_access",
    ]
    rows = [IndicatorRow(indicator=indicators[i], values=v) for i, v in by_indicator.items()]
    rows.sort(
        key=lambda r: (
            order.index(r.indicator.code) if r.indicator.code in order else len(order),
            r.indicator.code,
        )
    )
    return IndicatorTable(years=years, rows=rows)


def region_population_series(region: Region) -> dict[int, float]:
    """Total population of the region's municipalities by year (municipal districts and okrugs,
    without intra-city territories, which would count twice)."""
    totals: dict[int, float] = defaultdict(float)
    rows = (
        IndicatorValue.objects.filter(municipality__region=region, indicator__code="population")
        .exclude(municipality__kind="intracity")
        .values_list("year", "value")
    )
    for year, value in rows:
        totals[year] += value
    return dict(sorted(totals.items()))
