"""Strategy API: the strategy tree, KPIs with targets and actuals, measures; staff post actual
values and progress (an API token with the «strategy:write» scope or the site session; editors
of the strategy's region only)."""

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from civicplan.accounts.auth import api_auth, require_scope
from civicplan.accounts.scopes import STRATEGY_WRITE
from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.strategy.models import KPI, Measure, Strategy
from civicplan.strategy.selectors import (
    KpiStatus,
    RoadmapFilters,
    kpi_queryset,
    kpi_status,
    roadmap_measures,
    strategy_list,
    strategy_tree,
)
from civicplan.strategy.services import (
    kpi_value_record,
    measure_progress_set,
    strategy_require_editor,
)

router = Router(tags=["strategy"])


class StrategyOut(Schema):
    slug: str
    title: str
    region_code: int = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    horizon_start: int
    horizon_end: int
    version: str
    state: str
    approval_act: str


class KpiOut(Schema):
    id: int
    code: str
    name: str
    unit: str
    better: str
    baseline_year: int
    baseline_value: float
    indicator: str | None = Field(
        None, description=gettext_lazy("Код показателя статистики, если факт берётся из неё")
    )
    targets: dict[int, float]
    actuals: dict[int, float]
    latest_year: int | None
    latest_value: float | None
    plan_for_latest_year: float | None
    attainment: float | None = Field(
        None, description=gettext_lazy("Достижение, %: факт к плану того же года")
    )
    light: str = Field(..., description=gettext_lazy("green, yellow, red или grey (нет данных)"))
    forecast_at_horizon: float | None = Field(
        None, description=gettext_lazy("Линейный тренд факта на конец горизонта")
    )


class GoalOut(Schema):
    code: str
    title: str
    kpis: list[KpiOut]


class DirectionOut(Schema):
    slug: str
    title: str
    description: str
    goals: list[GoalOut]
    measures_total: int
    measures_late: int


class StrategyTreeOut(StrategyOut):
    directions: list[DirectionOut] = Field(..., alias="directions_tree")


class MeasureOut(Schema):
    id: int
    code: str
    parent: str | None
    direction: str
    title: str
    description: str
    organisation: str
    sector: str
    partners: str
    municipalities: list[str] = Field(..., description=gettext_lazy("ОКТМО"))
    starts_on: dt.date
    ends_on: dt.date
    budget_federal: float
    budget_regional: float
    budget_municipal: float
    budget_private: float
    state: str
    progress: int
    weight: float
    late: bool
    goals: list[str]
    kpis: list[str]
    proposals: list[int] = Field(
        ..., description=gettext_lazy("Номера предложений жителей, на которые отвечает мероприятие")
    )


class KpiValueIn(Schema):
    year: int
    value: float
    unit: str | None = Field(
        None, description=gettext_lazy("Если указана, должна совпадать с единицей показателя")
    )
    oktmo: str | None = Field(None, description=gettext_lazy("Для значения по муниципалитету"))
    source: str = ""


class KpiValueOut(Schema):
    kpi: str
    year: int
    oktmo: str | None
    value: float
    source: str
    outcome: str = Field(..., description=gettext_lazy("created, updated или unchanged"))


class ProgressIn(Schema):
    progress: int
    state: str | None = None


class MeasureFilter(Schema):
    direction: str | None = Field(None, description=gettext_lazy("Адрес направления"))
    sector: str | None = None
    organisation: str | None = Field(None, max_length=255)
    oktmo: str | None = Field(None, max_length=11)
    state: str | None = None
    late: bool = False


def _kpi_out(s: KpiStatus) -> dict[str, object]:
    k = s.kpi
    return {
        "id": k.pk,
        "code": k.code,
        "name": k.name,
        "unit": k.unit,
        "better": k.better,
        "baseline_year": k.baseline_year,
        "baseline_value": k.baseline_value,
        "indicator": k.indicator.code if k.indicator_id else None,  # type: ignore[union-attr]  # the _id check guarantees the relation
        "targets": s.targets,
        "actuals": s.actuals,
        "latest_year": s.latest_year,
        "latest_value": s.latest_value,
        "plan_for_latest_year": s.plan,
        "attainment": round(s.attainment, 2) if s.attainment is not None else None,
        "light": s.light,
        "forecast_at_horizon": round(s.forecast, 3) if s.forecast is not None else None,
    }


def _measure_out(m: Measure, *, proposals: list[int] | None = None) -> dict[str, object]:
    return {
        "id": m.pk,
        "code": m.code,
        "parent": m.parent.code if m.parent_id else None,  # type: ignore[union-attr]  # the _id check guarantees the relation
        "direction": m.direction.slug,
        "title": m.title,
        "description": m.description,
        "organisation": m.organisation,
        "sector": m.sector,
        "partners": m.partners,
        "municipalities": [x.oktmo for x in m.municipalities.all()],
        "starts_on": m.starts_on,
        "ends_on": m.ends_on,
        "budget_federal": float(m.budget_federal),
        "budget_regional": float(m.budget_regional),
        "budget_municipal": float(m.budget_municipal),
        "budget_private": float(m.budget_private),
        "state": m.state,
        "progress": m.progress,
        "weight": m.weight,
        "late": bool(getattr(m, "late", False)),
        "goals": [g.code for g in m.goals.all()],
        "kpis": [k.code for k in m.kpis.all()],
        "proposals": proposals
        if proposals is not None
        else [p.pk for p in m.proposals.all() if p.is_public],
    }


def _strategy(slug: str) -> Strategy:
    strategy = strategy_list().filter(slug=slug).first()
    if strategy is None:
        raise NotFound(_("Стратегия не найдена."))
    return strategy


@router.get("/", response=list[StrategyOut], summary=gettext_lazy("Стратегии"))
def strategies(request: HttpRequest) -> list[Strategy]:
    return list(strategy_list())


@router.get(
    "/{slug}",
    response={200: StrategyTreeOut, 404: ErrorOut},
    summary=gettext_lazy("Стратегия: направления, цели, показатели"),
)
def strategy_detail(request: HttpRequest, slug: str) -> Strategy:
    strategy = _strategy(slug)
    tree = strategy_tree(strategy)
    strategy.directions_tree = [  # type: ignore[attr-defined]
        {
            "slug": node.direction.slug,
            "title": node.direction.title,
            "description": node.direction.description,
            "measures_total": node.measures_total,
            "measures_late": node.measures_late,
            "goals": [
                {
                    "code": g.goal.code,
                    "title": g.goal.title,
                    "kpis": [_kpi_out(s) for s in g.kpis],
                }
                for g in node.goals
            ],
        }
        for node in tree
    ]
    return strategy


@router.get(
    "/{slug}/kpis",
    response={200: list[KpiOut], 404: ErrorOut},
    summary=gettext_lazy("Показатели с целями и фактом"),
)
def kpi_list(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    strategy = _strategy(slug)
    kpis = kpi_queryset().filter(goal__direction__strategy=strategy)
    return [_kpi_out(kpi_status(k, horizon_end=strategy.horizon_end)) for k in kpis]


@router.get(
    "/{slug}/measures",
    response={200: list[MeasureOut], 404: ErrorOut},
    summary=gettext_lazy("Мероприятия дорожной карты"),
)
def measure_list(
    request: HttpRequest, slug: str, filters: Query[MeasureFilter]
) -> list[dict[str, object]]:
    from civicplan.territories.models import Municipality

    strategy = _strategy(slug)
    direction = None
    if filters.direction:
        direction = strategy.directions.filter(slug=filters.direction).first()
        if direction is None:
            raise NotFound(_("Направление не найдено."))
    municipality = None
    if filters.oktmo:
        municipality = Municipality.objects.filter(
            region=strategy.region, oktmo=filters.oktmo
        ).first()
        if municipality is None:
            raise NotFound(_("Муниципалитет не найден в регионе стратегии."))
    measures = roadmap_measures(
        strategy,
        direction=direction,
        filters=RoadmapFilters(
            sector=filters.sector or "",
            organisation=filters.organisation or "",
            municipality=municipality,
            state=filters.state or "",
            late_only=filters.late,
        ),
        prefetch=("municipalities", "goals", "kpis"),
    )
    ids = [m.pk for m in measures]
    proposals: dict[int, list[int]] = {}
    for measure_id, proposal_id in Measure.proposals.through.objects.filter(
        measure_id__in=ids
    ).values_list("measure_id", "proposal_id"):
        proposals.setdefault(measure_id, []).append(proposal_id)
    return [_measure_out(m, proposals=proposals.get(m.pk, [])) for m in measures]


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, 404: ErrorOut},
    summary=gettext_lazy("Мероприятие"),
)
def measure_detail(request: HttpRequest, measure_id: int) -> dict[str, object]:
    from civicplan.strategy.selectors import measure_is_late, measure_queryset

    measure = measure_queryset().prefetch_related("proposals").filter(pk=measure_id).first()
    if measure is None:
        raise NotFound(_("Мероприятие не найдено."))
    measure.late = measure_is_late(measure)  # type: ignore[attr-defined]
    return _measure_out(measure)


@router.post(
    "/kpis/{kpi_id}/values",
    auth=api_auth,
    response={200: KpiValueOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary=gettext_lazy("Внести фактическое значение показателя (редакторы стратегии)"),
)
def kpi_value_post(request: HttpRequest, kpi_id: int, payload: KpiValueIn) -> dict[str, object]:
    from civicplan.territories.models import Municipality

    kpi = KPI.objects.select_related("goal__direction__strategy").filter(pk=kpi_id).first()
    if kpi is None:
        raise NotFound(_("Показатель не найден."))
    strategy = kpi.goal.direction.strategy
    user = require_scope(request, STRATEGY_WRITE)
    strategy_require_editor(user=user, strategy=strategy)
    municipality = None
    if payload.oktmo:
        municipality = Municipality.objects.filter(
            region=strategy.region, oktmo=payload.oktmo
        ).first()
        if municipality is None:
            raise NotFound(_("Муниципалитет не найден в регионе стратегии."))
    row, outcome = kpi_value_record(
        kpi=kpi,
        year=payload.year,
        value=payload.value,
        municipality=municipality,
        unit=payload.unit,
        source=payload.source,
        actor=user,
    )
    return {
        "kpi": kpi.code,
        "year": row.year,
        "oktmo": payload.oktmo,
        "value": row.value,
        "source": row.source,
        "outcome": outcome,
    }


@router.post(
    "/measures/{measure_id}/progress",
    auth=api_auth,
    response={200: MeasureOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary=gettext_lazy("Отметить выполнение мероприятия (редакторы стратегии)"),
)
def measure_progress_post(
    request: HttpRequest, measure_id: int, payload: ProgressIn
) -> dict[str, object]:
    from civicplan.strategy.selectors import measure_is_late, measure_queryset

    measure = Measure.objects.select_related("strategy").filter(pk=measure_id).first()
    if measure is None:
        raise NotFound(_("Мероприятие не найдено."))
    user = require_scope(request, STRATEGY_WRITE)
    strategy_require_editor(user=user, strategy=measure.strategy)
    measure_progress_set(
        measure=measure, progress=payload.progress, state=payload.state, actor=user
    )
    fresh = measure_queryset().prefetch_related("proposals").get(pk=measure_id)
    fresh.late = measure_is_late(fresh)  # type: ignore[attr-defined]
    return _measure_out(fresh)
