"""Pages: the list of regions, a region, a municipality with its statistics."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from civicplan.core.pagecache import public_page
from civicplan.core.svg import Bar, MapPoint, Series, bar_chart, line_chart, point_map
from civicplan.territories.models import City, Municipality, MunicipalityKind, Region
from civicplan.territories.selectors import (
    municipality_indicator_table,
    municipality_list,
    region_list,
    region_population_series,
)


@public_page(depends=("territories", "strategy"))
def index(request: HttpRequest) -> HttpResponse:
    regions = list(region_list())
    return render(request, "territories/index.html", {"regions": regions})


@public_page(depends=("territories", "strategy"))
def region_detail(request: HttpRequest, code: int) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    kind = request.GET.get("kind") or None
    if kind not in MunicipalityKind.values:
        kind = None
    search = (request.GET.get("q") or "").strip()
    municipalities = list(municipality_list(region_code=code, kind=kind, search=search or None))
    population = region_population_series(region)
    chart = (
        line_chart(
            [Series(name=_("Население"), points=list(population.items()))],
            title=_("Численность населения региона по годам"),
            y_label=_("человек"),
        )
        if population
        else ""
    )
    map_svg = point_map(
        [
            MapPoint(
                lat=m.lat,
                lon=m.lon or 0.0,
                label=m.name,
                value=float(m.population or 0),
                url=reverse("territories:municipality", args=[m.oktmo]),
            )
            for m in municipalities
            if m.lat is not None and m.kind != MunicipalityKind.INTRACITY
        ],
        title=_("Муниципальные образования на карте, размер круга — численность населения"),
    )
    cities = City.objects.filter(region=region).order_by("-population")[:30]
    return render(
        request,
        "territories/region.html",
        {
            "region": region,
            "municipalities": municipalities,
            "kinds": MunicipalityKind.choices,
            "kind": kind,
            "q": search,
            "population_chart": chart,
            "map_svg": map_svg,
            "cities": cities,
            "population_total": list(population.items())[-1] if population else None,
        },
    )


WAGE_PREFIX = "avg_wage_okved_"
# Where the industry code starts in a wage indicator's name; the label ends before it.
OKVED_SUFFIX = " (ОКВЭД"


@public_page(depends=("territories", "strategy"))
def municipality_detail(request: HttpRequest, oktmo: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.select_related("region"), oktmo=oktmo)
    table = municipality_indicator_table(municipality)
    charts = []
    population = table.row("population")
    if population:
        age_series = [Series(name=_("Всего"), points=sorted(population.values.items()))]
        for code, label in (
            ("population_age_0_14", _("0–14 лет")),
            ("population_age_15_64", _("15–64 лет")),
            ("population_age_65_plus", _("65 лет и старше")),
        ):
            row = table.row(code)
            if row:
                age_series.append(Series(name=label, points=sorted(row.values.items())))
        charts.append(
            line_chart(age_series, title=_("Численность населения по годам"), y_label=_("человек"))
        )
    wage = table.row("avg_wage")
    if wage:
        charts.append(
            line_chart(
                [Series(name=_("Средняя зарплата"), points=sorted(wage.values.items()))],
                title=_("Среднемесячная начисленная заработная плата"),
                y_label=_("рублей"),
            )
        )
    wage_rows = [r for r in table.rows if r.indicator.code.startswith(WAGE_PREFIX)]
    latest_year = max(table.years) if table.years else None
    wage_bars = []
    for row in wage_rows:
        year = max(row.values)
        label = row.indicator.name.split(": ", 1)[-1].split(OKVED_SUFFIX)[0]
        wage_bars.append(
            Bar(
                label=label, value=row.values[year], note=f"({year})" if year != latest_year else ""
            )
        )
    wage_bars.sort(key=lambda b: -b.value)
    industries_chart = (
        bar_chart(wage_bars, title=_("Среднемесячная заработная плата по отраслям"), unit="₽")
        if wage_bars
        else ""
    )
    main_rows = [r for r in table.rows if not r.indicator.code.startswith(WAGE_PREFIX)]
    cities = municipality.cities.all()
    neighbours = (
        Municipality.objects.filter(region=municipality.region)
        .exclude(pk=municipality.pk)
        .exclude(kind=MunicipalityKind.INTRACITY)
        .order_by("name")
    )
    return render(
        request,
        "territories/municipality.html",
        {
            "municipality": municipality,
            "table": table,
            "main_rows": main_rows,
            "wage_rows": wage_rows,
            "charts": charts,
            "industries_chart": industries_chart,
            "cities": cities,
            "neighbours": Paginator(neighbours, 100).page(1),
        },
    )
