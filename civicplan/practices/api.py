"""API of the practice library: search, a practice, recommendations for a municipality."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.practices.models import Practice
from civicplan.practices.recommendations import practice_recommendations
from civicplan.practices.selectors import practice_detail, practice_list
from civicplan.territories.models import Municipality

router = Router(tags=["practices"])


class FigureOut(Schema):
    name: str
    before: float | None
    after: float
    unit: str


class PracticeOut(Schema):
    id: int
    title: str
    problem: str
    actions: str
    results: str
    region_code: int = Field(..., alias="region.code")
    region: str = Field(..., alias="region.name")
    oktmo: str | None = Field(None, alias="municipality.oktmo")
    municipality: str | None = Field(None, alias="municipality.name")
    year_start: int
    year_end: int | None
    is_example: bool
    domains: list[str]
    figures: list[FigureOut]

    @staticmethod
    def resolve_domains(obj: Practice) -> list[str]:
        return [d.code for d in obj.domains.all()]

    @staticmethod
    def resolve_figures(obj: Practice) -> list[FigureOut]:
        return [
            FigureOut(name=f.name, before=f.before, after=f.after, unit=f.unit)
            for f in obj.figures.all()
        ]


class PracticeFilter(Schema):
    q: str | None = Field(None, max_length=200, description=gettext_lazy("Поиск по тексту"))
    domain: str | None = Field(None, description=gettext_lazy("Код сферы, например business"))
    region: int | None = Field(None, description=gettext_lazy("Код региона"))
    oktmo: str | None = Field(None, pattern=r"^\d{11}$")


class RecommendationOut(Schema):
    practice: PracticeOut
    score: float
    relation: str = Field(
        ..., description=gettext_lazy("peer — город-аналог, stronger — город сильнее")
    )
    reasons: list[str]


class RecommendationsOut(Schema):
    oktmo: str
    municipality: str
    needs: list[str]
    topics: list[str]
    proposals_compared: int
    note: str
    items: list[RecommendationOut]


@router.get("/", response=list[PracticeOut], summary=gettext_lazy("Практики"))
@paginate(PageNumberPagination, page_size=50)
def practices(request: HttpRequest, filters: Query[PracticeFilter]) -> object:
    return practice_list(
        search=filters.q,
        domain=filters.domain,
        region_code=filters.region,
        municipality_oktmo=filters.oktmo,
    )


@router.get(
    "/{practice_id}/", response={200: PracticeOut, 404: ErrorOut}, summary=gettext_lazy("Практика")
)
def practice(request: HttpRequest, practice_id: int) -> object:
    found = practice_detail(practice_id)
    if found is None or found.status != "published":
        raise NotFound(_("Практика не найдена."))
    return found


@router.get(
    "/recommendations/{oktmo}/",
    response={200: RecommendationsOut, 404: ErrorOut},
    summary=gettext_lazy("Рекомендуемые практики для муниципалитета"),
)
def recommendations(request: HttpRequest, oktmo: str) -> object:
    municipality = Municipality.objects.select_related("region").filter(oktmo=oktmo).first()
    if municipality is None:
        raise NotFound(
            _("Муниципальное образование с ОКТМО %(oktmo)s не найдено.") % {"oktmo": oktmo}
        )
    result = practice_recommendations(municipality=municipality)
    return {
        "oktmo": municipality.oktmo,
        "municipality": municipality.name,
        "needs": result.needs,
        "topics": [d.name for d, _n in result.topics],
        "proposals_compared": result.proposals_compared,
        "note": result.note,
        "items": [
            {"practice": r.practice, "score": r.score, "relation": r.relation, "reasons": r.reasons}
            for r in result.items
        ],
    }
