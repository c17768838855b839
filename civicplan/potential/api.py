"""API of the potential index: methodology, regional indices, a municipality, its peers."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.potential.models import PotentialMethodology, PotentialScore
from civicplan.potential.selectors import (
    active_methodology,
    methodology_subindices,
    region_scores,
    score_for,
    scores_by_oktmo,
)
from civicplan.territories.models import Municipality, Region

router = Router(tags=["potential"])


class IndicatorWeightOut(Schema):
    code: str
    name: str
    unit: str
    weight: float
    better: str
    op: str


class SubIndexOut(Schema):
    code: str
    name: str
    weight: float
    indicators: list[IndicatorWeightOut]


class MethodologyOut(Schema):
    name: str
    method: str
    scope: str
    winsor: list[float]
    min_coverage: float
    computed_at: str | None
    subindices: list[SubIndexOut]
    notices: list[str]


class ScoreOut(Schema):
    oktmo: str
    name: str
    region_code: int
    population: int | None
    size_class: str
    index: float | None
    coverage: float
    rank_region: int | None
    count_region: int
    rank_size_class: int | None
    count_size_class: int
    type: str
    subindices: dict[str, float | None]
    explanation: str


class ContributionOut(Schema):
    code: str
    name: str
    subindex: str
    value: float | None
    unit: str
    score: float | None
    weight: float
    points: float
    versus_typical: float


class PeerPointOut(Schema):
    code: str
    name: str
    value: float | None
    peers_median: float | None
    unit: str


class ScoreDetailOut(ScoreOut):
    status: str
    missing: list[str]
    contributions: list[ContributionOut]
    growth_points: list[PeerPointOut]
    weak_spots: list[PeerPointOut]


class PeerOut(Schema):
    oktmo: str
    name: str
    region_code: int
    similarity: float = Field(..., description=gettext_lazy("Сходство профиля показателей, %"))
    index: float | None
    type: str


class RegionScoresFilter(Schema):
    sort: str = Field(
        "index", description=gettext_lazy("index, name, population или код субиндекса")
    )
    order: str = Field("desc", pattern="^(asc|desc)$")
    size_class: str | None = Field(
        None, description=gettext_lazy("Группа по численности, например 20k_50k")
    )


def _methodology() -> PotentialMethodology:
    methodology = active_methodology()
    if methodology is None or methodology.computed_at is None:
        raise NotFound(_("Индекс потенциала ещё не рассчитан."))
    return methodology


def _score_out(score: PotentialScore) -> dict[str, object]:
    details = score.details or {}
    return {
        "oktmo": score.municipality.oktmo,
        "name": score.municipality.name,
        "region_code": score.municipality.region.code,
        "population": score.municipality.population,
        "size_class": score.size_class,
        "index": score.index,
        "coverage": score.coverage,
        "rank_region": score.rank_region,
        "count_region": score.count_region,
        "rank_size_class": score.rank_size_class,
        "count_size_class": score.count_size_class,
        "type": score.cluster_name,
        "subindices": score.subindices,
        "explanation": details.get("explanation", ""),
    }


def _municipality_score(oktmo: str) -> PotentialScore:
    municipality = Municipality.objects.select_related("region").filter(oktmo=oktmo).first()
    if municipality is None:
        raise NotFound(
            _("Муниципальное образование с ОКТМО %(oktmo)s не найдено.") % {"oktmo": oktmo}
        )
    score = score_for(municipality, _methodology())
    if score is None:
        raise NotFound(
            _("Для муниципального образования %(name)s индекс не рассчитывался.")
            % {"name": municipality.name}
        )
    return score


@router.get(
    "/methodology/",
    response={200: MethodologyOut, 404: ErrorOut},
    summary=gettext_lazy("Действующая методика"),
)
def methodology(request: HttpRequest) -> object:
    m = _methodology()
    return {
        "name": m.name,
        "method": m.method,
        "scope": m.scope,
        "winsor": [m.winsor_lower, m.winsor_upper],
        "min_coverage": m.min_coverage,
        "computed_at": m.computed_at.isoformat() if m.computed_at else None,
        "subindices": [
            {
                "code": s.code,
                "name": s.name,
                "weight": s.weight,
                "indicators": [
                    {
                        "code": i.code,
                        "name": i.name,
                        "unit": i.unit,
                        "weight": i.weight,
                        "better": i.better,
                        "op": i.op,
                    }
                    for i in s.indicators.all()
                ],
            }
            for s in methodology_subindices(m)
        ],
        "notices": [n["message"] for n in m.notices],
    }


@router.get(
    "/regions/{code}/",
    response={200: list[ScoreOut], 404: ErrorOut},
    summary=gettext_lazy("Индексы потенциала муниципалитетов региона"),
)
def region_indices(request: HttpRequest, code: int, filters: Query[RegionScoresFilter]) -> object:
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise NotFound(_("Регион с кодом %(code)s не найден.") % {"code": code})
    rows = region_scores(
        region,
        _methodology(),
        sort=filters.sort,
        descending=filters.order == "desc",
        size_class=filters.size_class,
    )
    return [_score_out(r) for r in rows]


@router.get(
    "/municipalities/{oktmo}/",
    response={200: ScoreDetailOut, 404: ErrorOut},
    summary=gettext_lazy("Индекс потенциала муниципалитета с объяснением"),
)
def municipality_index(request: HttpRequest, oktmo: str) -> object:
    score = _municipality_score(oktmo)
    details = score.details or {}
    return {
        **_score_out(score),
        "status": details.get("status", ""),
        "missing": details.get("missing", []),
        "contributions": details.get("contributions", []),
        "growth_points": details.get("growth_points", []),
        "weak_spots": details.get("weak_spots", []),
    }


@router.get(
    "/municipalities/{oktmo}/peers/",
    response={200: list[PeerOut], 404: ErrorOut},
    summary=gettext_lazy("Аналоги муниципалитета по России"),
)
def municipality_peers(request: HttpRequest, oktmo: str) -> object:
    score = _municipality_score(oktmo)
    peers = (score.details or {}).get("peers", [])
    found = scores_by_oktmo(score.methodology, [p["oktmo"] for p in peers])
    return [
        {
            "oktmo": p["oktmo"],
            "name": p["name"],
            "region_code": p["region"],
            "similarity": p["similarity"],
            "index": p["index"],
            "type": found[p["oktmo"]].cluster_name if p["oktmo"] in found else "",
        }
        for p in peers
    ]
