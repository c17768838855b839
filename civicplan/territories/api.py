"""Territories API: regions, municipalities, indicator values."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.territories.models import Municipality, MunicipalityKind
from civicplan.territories.selectors import indicator_value_list, municipality_list, region_list

router = Router(tags=["territories"])


class RegionOut(Schema):
    code: int
    name: str
    timezone: str
    municipality_count: int


class MunicipalityOut(Schema):
    oktmo: str
    name: str
    short_name: str
    kind: str
    status: str
    center: str
    region_code: int = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    lat: float | None
    lon: float | None
    population: int | None
    population_year: int | None


class MunicipalityFilter(Schema):
    region: int | None = Field(None, description=gettext_lazy("Код региона, например 63"))
    kind: MunicipalityKind | None = Field(
        None, description=gettext_lazy("Вид муниципального образования")
    )
    population_min: int | None = Field(None, ge=0)
    population_max: int | None = Field(None, ge=0)
    q: str | None = Field(
        None, max_length=100, description=gettext_lazy("Поиск по названию, центру или ОКТМО")
    )


class IndicatorValueOut(Schema):
    oktmo: str = Field(..., alias="municipality.oktmo")
    municipality: str = Field(..., alias="municipality.name")
    indicator: str = Field(..., alias="indicator.code")
    indicator_name: str = Field(..., alias="indicator.name")
    unit: str = Field(..., alias="indicator.unit")
    year: int
    value: float
    source: str


class IndicatorValueFilter(Schema):
    oktmo: str | None = Field(None, pattern=r"^\d{11}$")
    region: int | None = None
    indicator: str | None = Field(None, max_length=64)
    year: int | None = Field(None, ge=1990, le=2100)


@router.get("/regions/", response=list[RegionOut], summary=gettext_lazy("Регионы"))
@paginate(PageNumberPagination, page_size=100)
def regions(request: HttpRequest) -> object:
    return region_list()


@router.get(
    "/municipalities/",
    response=list[MunicipalityOut],
    summary=gettext_lazy("Муниципальные образования"),
)
@paginate(PageNumberPagination, page_size=50)
def municipalities(request: HttpRequest, filters: Query[MunicipalityFilter]) -> object:
    return municipality_list(
        region_code=filters.region,
        kind=filters.kind,
        population_min=filters.population_min,
        population_max=filters.population_max,
        search=filters.q,
    )


@router.get(
    "/municipalities/{oktmo}/",
    response={200: MunicipalityOut, 404: ErrorOut},
    summary=gettext_lazy("Муниципальное образование по ОКТМО"),
)
def municipality(request: HttpRequest, oktmo: str) -> object:
    found = Municipality.objects.select_related("region").filter(oktmo=oktmo).first()
    if found is None:
        raise NotFound(
            _("Муниципальное образование с ОКТМО %(oktmo)s не найдено.") % {"oktmo": oktmo}
        )
    return found


@router.get(
    "/indicator-values/",
    response=list[IndicatorValueOut],
    summary=gettext_lazy("Значения показателей"),
)
@paginate(PageNumberPagination, page_size=200)
def indicator_values(request: HttpRequest, filters: Query[IndicatorValueFilter]) -> object:
    return indicator_value_list(
        oktmo=filters.oktmo,
        region_code=filters.region,
        indicator=filters.indicator,
        year=filters.year,
    )
