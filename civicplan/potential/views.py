"""Pages of the potential index: a municipality's profile, the regional comparison, export."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from civicplan.analytics.potential import SIZE_CLASS_NAMES
from civicplan.core.http import htmx_details, is_htmx
from civicplan.core.pagecache import public_page
from civicplan.core.svg import Bar, MapPoint, bar_chart, format_number, point_map
from civicplan.potential.exports import region_potential_sheets
from civicplan.potential.models import PotentialMethodology, PotentialScore
from civicplan.potential.selectors import (
    active_methodology,
    methodology_subindices,
    region_scores,
    score_for,
    scores_by_oktmo,
)
from civicplan.reports.tabular import xlsx_response
from civicplan.territories.models import Municipality, MunicipalityKind, Region
from civicplan.territories.selectors import municipality_indicator_table

#: Index colour scale: from red (low) to green (high), readable on the light map background.
SCALE = [(20, "#b3261e"), (35, "#d9822b"), (50, "#c9a227"), (65, "#7cad3e"), (101, "#2e7d32")]
TREND_CODES = (
    "population",
    "population_age_0_14",
    "population_age_65_plus",
    "net_migration",
    "net_migration_age_15_29",
    "avg_wage",
    "market_access",
)


def index_colour(value: float | None) -> str:
    if value is None:
        return "#8a94a3"
    return next(colour for bound, colour in SCALE if value < bound)


def _methodology_or_404() -> PotentialMethodology:
    methodology = active_methodology()
    if methodology is None or methodology.computed_at is None:
        raise Http404(_("Индекс потенциала ещё не рассчитан."))
    return methodology


def _contribution_chart(score: PotentialScore) -> str:
    bars = [
        Bar(
            label=c["name"],
            value=round(c["versus_typical"] or 0.0, 2),
            color="#2e7d32" if (c["versus_typical"] or 0) >= 0 else "#b3261e",
        )
        for c in score.details.get("contributions", [])
        if c["score"] is not None
    ]
    bars.sort(key=lambda b: -b.value)
    return bar_chart(
        bars,
        title=_("Вклад показателей в индекс по сравнению с типичным муниципалитетом, пунктов"),
        unit=_("п."),
        signed=True,
    )


def _subindex_chart(score: PotentialScore, names: dict[str, str]) -> str:
    bars = [
        Bar(label=names.get(code, code), value=round(value, 1), color=index_colour(value))
        for code, value in score.subindices.items()
        if value is not None
    ]
    return bar_chart(bars, title=_("Субиндексы, баллов из 100"), unit="")


@public_page(depends=("territories",))
def municipality_potential(request: HttpRequest, oktmo: str) -> HttpResponse:
    municipality = get_object_or_404(Municipality.objects.select_related("region"), oktmo=oktmo)
    methodology = _methodology_or_404()
    score = score_for(municipality, methodology)
    if score is None:
        raise Http404(_("Для этого муниципального образования индекс не рассчитывался."))
    subindices = methodology_subindices(methodology)
    names = {s.code: s.name for s in subindices}
    details = score.details or {}
    peers = details.get("peers", [])
    peer_scores = scores_by_oktmo(methodology, [p["oktmo"] for p in peers])
    peer_rows = [
        {**p, "score": peer_scores.get(p["oktmo"])} for p in peers if p["oktmo"] in peer_scores
    ]
    cluster = next((t for t in methodology.cluster_types if t["number"] == score.cluster), None)
    cluster_traits = []
    if cluster:
        for code, deviation in sorted(cluster["deviations"].items(), key=lambda kv: -kv[1]):
            cluster_traits.append({"name": names.get(code, code), "deviation": deviation})
    contributions = [
        {
            **c,
            "score_pct": None if c["score"] is None else c["score"] * 100,
            "weight_pct": (c["weight"] or 0.0) * 100,
        }
        for c in details.get("contributions", [])
    ]
    table = municipality_indicator_table(municipality)
    trend_rows = [r for code in TREND_CODES if (r := table.row(code))]

    context: dict[str, Any] = {
        "municipality": municipality,
        "methodology": methodology,
        "score": score,
        "details": details,
        "subindices": [
            {
                "code": s.code,
                "name": s.name,
                "weight": s.weight,
                "value": score.subindices.get(s.code),
            }
            for s in subindices
        ],
        "contributions": contributions,
        "contribution_chart": _contribution_chart(score) if score.index is not None else "",
        "subindex_chart": _subindex_chart(score, names),
        "size_class_name": SIZE_CLASS_NAMES.get(score.size_class, score.size_class),
        "peers": peer_rows,
        "cluster": cluster,
        "cluster_traits": cluster_traits,
        "growth_points": details.get("growth_points", []),
        "weak_spots": details.get("weak_spots", []),
        "trend_years": table.years,
        "trend_rows": trend_rows,
    }
    return render(request, "potential/profile.html", context)


def _sort_params(request: HttpRequest, codes: set[str]) -> tuple[str, bool]:
    sort = request.GET.get("sort") or "index"
    if sort not in codes | {"index", "name", "population", "rank_size_class"}:
        sort = "index"
    default_desc = sort not in ("name", "rank_size_class")
    order = request.GET.get("order")
    descending = default_desc if order not in ("asc", "desc") else order == "desc"
    return sort, descending


@public_page(depends=("territories",))
def region_potential(request: HttpRequest, code: int) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    methodology = _methodology_or_404()
    subindices = methodology_subindices(methodology)
    codes = {s.code for s in subindices}
    sort, descending = _sort_params(request, codes)
    size_class = request.GET.get("size") or None
    if size_class not in SIZE_CLASS_NAMES:
        size_class = None
    rows = region_scores(
        region, methodology, sort=sort, descending=descending, size_class=size_class
    )
    columns: list[dict[str, Any]] = [{"code": "index", "name": _("Индекс")}] + [
        {"code": s.code, "name": s.name} for s in subindices
    ]
    for column in columns + [{"code": "name"}, {"code": "population"}, {"code": "rank_size_class"}]:
        active = column["code"] == sort
        column["active"] = active
        column["aria_sort"] = ("descending" if descending else "ascending") if active else ""
        next_order = "asc" if active and descending else "desc"
        if not active and column["code"] in ("name", "rank_size_class"):
            next_order = "asc"
        query = f"?sort={column['code']}&order={next_order}"
        if size_class:
            query += f"&size={size_class}"
        column["url"] = query
    by_code = {c["code"]: c for c in columns + [{"code": "name"}, {"code": "population"}]}
    context: dict[str, Any] = {
        "region": region,
        "methodology": methodology,
        "rows": rows,
        "columns": columns,
        "sub_codes": [s.code for s in subindices],
        "name_column": by_code.get("name"),
        "sort": sort,
        "descending": descending,
        "size_class": size_class,
        "size_classes": [(c, n) for c, n in SIZE_CLASS_NAMES.items() if c != "unknown"],
        "scale": _scale_legend(),
    }
    if is_htmx(request) and not htmx_details(request).boosted:
        return render(request, "potential/partials/region_table.html", context)
    context["map_svg"] = point_map(
        [
            MapPoint(
                lat=r.municipality.lat,
                lon=r.municipality.lon or 0.0,
                label=f"{r.municipality.name}: {_('индекс')} {format_number(r.index)}",
                value=float(r.municipality.population or 0),
                url=reverse("potential:potential", args=[r.municipality.oktmo]),
                color=index_colour(r.index),
            )
            for r in rows
            if r.municipality.lat is not None and r.municipality.kind != MunicipalityKind.INTRACITY
        ],
        title=_("Индекс потенциала на карте: цвет — индекс, размер круга — численность населения"),
    )
    ranked = sorted((r for r in rows if r.index is not None), key=lambda r: -(r.index or 0))
    context["chart"] = bar_chart(
        [
            Bar(
                label=r.municipality.short_name or r.municipality.name,
                value=round(r.index or 0, 1),
                color=index_colour(r.index),
                url=reverse("potential:potential", args=[r.municipality.oktmo]),
            )
            for r in ranked
        ],
        title=_("Индекс потенциала муниципальных образований региона"),
    )
    return render(request, "potential/region.html", context)


def _scale_legend() -> list[dict[str, str]]:
    legend = []
    lower = 0
    for bound, colour in SCALE:
        upper = min(bound, 100)
        legend.append({"colour": colour, "label": f"{lower}–{upper}"})
        lower = upper
    return legend


def region_potential_xlsx(request: HttpRequest, code: int) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    methodology = _methodology_or_404()
    return xlsx_response(
        region_potential_sheets(region, methodology),
        filename=f"potential-region-{region.code}.xlsx",
    )


@public_page(depends=("territories",))
def methodology_page(request: HttpRequest) -> HttpResponse:
    methodology = _methodology_or_404()
    return render(
        request,
        "potential/methodology.html",
        {
            "methodology": methodology,
            "subindices": methodology_subindices(methodology),
            "notices": methodology.notices,
            "cluster_types": methodology.cluster_types,
        },
    )
