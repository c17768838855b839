"""Reads the strategy pages, exports and the API share; each costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicplan.strategy.metrics import (
    Trend,
    attainment,
    linear_trend,
    plan_for_year,
    traffic_light,
)
from civicplan.strategy.models import (
    KPI,
    Better,
    Direction,
    Goal,
    KPIValue,
    Measure,
    MeasureState,
    Strategy,
)

LIGHT_LABELS = {
    "green": gettext_lazy("в норме"),
    "yellow": gettext_lazy("есть отставание"),
    "red": gettext_lazy("значительное отставание"),
    "grey": gettext_lazy("нет данных"),
}


def strategy_list() -> QuerySet[Strategy]:
    return Strategy.objects.select_related("region").order_by("region__name", "-horizon_start")


def strategy_current(region_code: int | None = None) -> Strategy | None:
    qs = strategy_list().exclude(state=Strategy.State.ARCHIVED)
    if region_code is not None:
        qs = qs.filter(region__code=region_code)
    return qs.first()


# --- KPI status ---------------------------------------------------------------------------


@dataclass
class KpiStatus:
    kpi: KPI
    targets: dict[int, float]
    actuals: dict[int, float]
    horizon_end: int
    latest_year: int | None = None
    latest_value: float | None = None
    plan: float | None = None
    attainment: float | None = None
    light: str = "grey"
    trend: Trend | None = None
    forecast: float | None = None
    final_target: float | None = None
    forecast_light: str = "grey"
    forecast_attainment: float | None = None

    @property
    def light_label(self) -> str:
        return str(LIGHT_LABELS[self.light])

    @property
    def lower_is_better(self) -> bool:
        return self.kpi.better == Better.LOWER


def kpi_status(
    kpi: KPI,
    *,
    horizon_end: int,
    values: list[KPIValue] | None = None,
    municipality_id: int | None = None,
) -> KpiStatus:
    """Latest attainment, light and trend of a KPI; uses prefetched `targets` and `values`."""
    targets = {t.year: t.value for t in kpi.targets.all()}
    rows = values if values is not None else list(kpi.values.all())
    actuals = {v.year: v.value for v in rows if v.municipality_id == municipality_id}
    status = KpiStatus(
        kpi=kpi, targets=targets, actuals=dict(sorted(actuals.items())), horizon_end=horizon_end
    )
    lower = kpi.better == Better.LOWER
    status.final_target = targets[max(targets)] if targets else None
    if actuals:
        year = max(actuals)
        status.latest_year, status.latest_value = year, actuals[year]
        status.plan = plan_for_year(
            baseline_year=kpi.baseline_year,
            baseline_value=kpi.baseline_value,
            targets=targets,
            year=year,
        )
        if status.plan is not None and municipality_id is None and year > kpi.baseline_year:
            status.attainment = attainment(
                actual=status.latest_value,
                plan=status.plan,
                baseline=kpi.baseline_value,
                lower_is_better=lower,
            )
            status.light = traffic_light(status.attainment)
    points = list(actuals.items())
    if municipality_id is None and kpi.baseline_year not in actuals:
        points.append((kpi.baseline_year, kpi.baseline_value))
    status.trend = linear_trend(points)
    if status.trend is not None:
        status.forecast = status.trend.at(horizon_end)
        if status.final_target is not None and municipality_id is None:
            status.forecast_attainment = attainment(
                actual=status.forecast,
                plan=status.final_target,
                baseline=kpi.baseline_value,
                lower_is_better=lower,
            )
            status.forecast_light = traffic_light(status.forecast_attainment)
    return status


def kpi_queryset() -> QuerySet[KPI]:
    return KPI.objects.select_related("goal__direction__strategy", "indicator").prefetch_related(
        "targets",
        Prefetch("values", queryset=KPIValue.objects.filter(municipality__isnull=True)),
    )


@dataclass
class GoalNode:
    goal: Goal
    kpis: list[KpiStatus]


@dataclass
class DirectionNode:
    direction: Direction
    goals: list[GoalNode]
    measures_total: int = 0
    measures_late: int = 0
    lights: Counter[str] = field(default_factory=Counter)


def strategy_tree(strategy: Strategy, *, direction: Direction | None = None) -> list[DirectionNode]:
    """Directions → goals → KPIs with their status (5 queries)."""
    directions = strategy.directions.all() if direction is None else [direction]
    goals = (
        Goal.objects.filter(direction__in=directions)
        .select_related("direction")
        .prefetch_related(Prefetch("kpis", queryset=kpi_queryset()))
    )
    by_direction: dict[int, list[GoalNode]] = defaultdict(list)
    for goal in goals:
        statuses = [kpi_status(k, horizon_end=strategy.horizon_end) for k in goal.kpis.all()]
        by_direction[goal.direction_id].append(GoalNode(goal=goal, kpis=statuses))
    today = timezone.localdate()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for m in Measure.objects.filter(strategy=strategy).only("direction_id", "state", "ends_on"):
        counts[m.direction_id][0] += 1
        counts[m.direction_id][1] += measure_is_late(m, today)
    nodes = []
    for d in directions:
        node = DirectionNode(direction=d, goals=by_direction.get(d.pk, []))
        node.measures_total, node.measures_late = counts[d.pk]
        node.lights = Counter(s.light for g in node.goals for s in g.kpis)
        nodes.append(node)
    return nodes


def kpi_get(pk: int) -> KPI:
    return (
        KPI.objects.select_related("goal__direction__strategy__region", "indicator")
        .prefetch_related("targets", "values__municipality")
        .get(pk=pk)
    )


# --- measures -----------------------------------------------------------------------------


def measure_is_late(measure: Measure, today: dt.date | None = None) -> bool:
    """Past its end date and not done or cancelled, or marked as delayed."""
    today = today or timezone.localdate()
    if measure.state == MeasureState.DELAYED:
        return True
    return measure.ends_on < today and measure.state not in (
        MeasureState.DONE,
        MeasureState.CANCELLED,
    )


ALL_LINKS = ("municipalities", "milestones", "goals", "kpis")


def measure_queryset(prefetch: tuple[str, ...] = ALL_LINKS) -> QuerySet[Measure]:
    """Measures with their direction and parent; `prefetch` the links a page shows (each costs
    one query plus Django's per-row work, so list pages ask only for what they need)."""
    return Measure.objects.select_related("direction", "parent", "strategy").prefetch_related(
        *prefetch
    )


@dataclass
class RoadmapFilters:
    sector: str = ""
    organisation: str = ""
    municipality: Any = None
    state: str = ""
    late_only: bool = False


def roadmap_measures(
    strategy: Strategy,
    *,
    direction: Direction | None = None,
    filters: RoadmapFilters | None = None,
    prefetch: tuple[str, ...] = ("milestones",),
) -> list[Measure]:
    """Measures of a roadmap in tree order (parent before its children), with `depth` and
    `late` set on each. A filtered-out parent still shows when a child matches."""
    filters = filters or RoadmapFilters()
    qs = measure_queryset(prefetch).filter(strategy=strategy)
    if direction is not None:
        qs = qs.filter(direction=direction)
    all_measures = list(qs)
    today = timezone.localdate()
    in_municipality: set[int] = set()
    if filters.municipality is not None:
        in_municipality = set(
            Measure.municipalities.through.objects.filter(
                municipality=filters.municipality, measure__strategy=strategy
            ).values_list("measure_id", flat=True)
        )

    def matches(m: Measure) -> bool:
        if filters.sector and m.sector != filters.sector:
            return False
        if filters.organisation and filters.organisation.lower() not in m.organisation.lower():
            return False
        if filters.state and m.state != filters.state:
            return False
        if filters.municipality is not None and m.pk not in in_municipality:
            return False
        return not (filters.late_only and not measure_is_late(m, today))

    by_parent: dict[int | None, list[Measure]] = defaultdict(list)
    ids = {m.pk for m in all_measures}
    for m in all_measures:
        by_parent[m.parent_id if m.parent_id in ids else None].append(m)
    keep = {m.pk for m in all_measures if matches(m)}
    # keep ancestors of matches
    parent_of = {m.pk: m.parent_id for m in all_measures}
    for pk in list(keep):
        p = parent_of.get(pk)
        while p is not None and p in ids and p not in keep:
            keep.add(p)
            p = parent_of.get(p)
    out: list[Measure] = []

    def walk(parent: int | None, depth: int) -> None:
        for m in sorted(
            by_parent.get(parent, []), key=lambda x: (x.direction.order, x.order, x.code)
        ):
            if m.pk in keep:
                m.depth = depth  # type: ignore[attr-defined]
                m.late = measure_is_late(m, today)  # type: ignore[attr-defined]
                m.matches = matches(m)  # type: ignore[attr-defined]
                out.append(m)
            walk(m.pk, depth + 1)

    walk(None, 0)
    children_of: dict[int, list[Measure]] = defaultdict(list)
    for m in all_measures:
        if m.parent_id is not None:
            children_of[m.parent_id].append(m)
    for m in out:
        m.budget = measure_budget(m, children_of)  # type: ignore[attr-defined]
    return out


BUDGET_FIELDS = ("budget_federal", "budget_regional", "budget_municipal", "budget_private")


def measure_budget(measure: Any, children_of: Mapping[Any, Sequence[Any]]) -> dict[str, Any]:
    """The measure's own financing, or — for a summary measure without its own — the sum of
    its nested measures, each counted the same way (a parent with 0 while its children hold
    705 misleads). The one rule for the measure page, the roadmap table and its exports.

    `children_of` maps a measure's pk to its nested measures (`measure_children_map`)."""
    own = {f: getattr(measure, f) for f in BUDGET_FIELDS}
    children = children_of.get(measure.pk, ())
    summed = bool(children) and not any(own.values())
    if summed:
        parts = [measure_budget(child, children_of) for child in children]
        values = {f: sum((p[f] for p in parts), start=Decimal(0)) for f in BUDGET_FIELDS}
    else:
        values = own
    return {**values, "total": sum(values.values(), start=Decimal(0)), "summed": summed}


def measure_children_map(measure: Measure) -> dict[int, list[Measure]]:
    """Every measure of the strategy by its parent's pk (one query; for `measure_budget`)."""
    children_of: dict[int, list[Measure]] = defaultdict(list)
    for m in Measure.objects.filter(strategy_id=measure.strategy_id).only(
        "pk", "parent_id", *BUDGET_FIELDS
    ):
        if m.parent_id is not None:
            children_of[m.parent_id].append(m)
    return children_of


def roadmap_organisations(strategy: Strategy) -> list[str]:
    return sorted(
        set(Measure.objects.filter(strategy=strategy).values_list("organisation", flat=True))
    )


def measure_get(pk: int) -> Measure:
    return (
        measure_queryset()
        .select_related("strategy__region")
        .prefetch_related("children", "proposals__municipality", "kpis__goal")
        .get(pk=pk)
    )


def measures_for_proposal(proposal: Any) -> list[Measure]:
    """The measures that answer a proposal, with their state and progress."""
    return list(
        Measure.objects.filter(proposals=proposal)
        .select_related("direction", "strategy")
        .order_by("direction__order", "code")
    )


def measures_for_kpi(kpi: KPI) -> list[Measure]:
    return list(kpi.measures.select_related("direction").order_by("code"))


# --- monitoring -----------------------------------------------------------------------------


@dataclass
class Monitoring:
    strategy: Strategy
    municipality: Any
    kpis: list[KpiStatus]
    off_track: list[KpiStatus]
    late: list[Measure]
    states: Counter[str]
    measures_total: int
    progress_mean: float | None
    budget: dict[str, Decimal]
    lights: Counter[str]
    upcoming: list[Any]

    @property
    def summary_sentences(self) -> list[str]:
        from django.utils.translation import gettext as _

        from civicplan.core.svg import format_number

        out = []
        measured = sum(v for k, v in self.lights.items() if k != "grey")
        if measured:
            out.append(
                _(
                    "Из %(n)s показателей с фактическими данными в норме %(g)s, с отставанием %(y)s, "
                    "со значительным отставанием %(r)s."
                )
                % {
                    "n": measured,
                    "g": self.lights["green"],
                    "y": self.lights["yellow"],
                    "r": self.lights["red"],
                }
            )
        if self.measures_total:
            out.append(
                _(
                    "Мероприятий %(n)s: выполнено %(done)s, выполняется %(work)s, отстают от графика %(late)s; "
                    "среднее выполнение %(p)s %%."
                )
                % {
                    "n": self.measures_total,
                    "done": self.states[MeasureState.DONE],
                    "work": self.states[MeasureState.IN_PROGRESS],
                    "late": len(self.late),
                    "p": format_number(self.progress_mean or 0, 0),
                }
            )
        total = sum(self.budget.values(), Decimal(0))
        if total:
            out.append(
                _(
                    "Финансирование мероприятий — %(t)s млн руб., из них внебюджетные средства — %(p)s млн руб."
                )
                % {
                    "t": format_number(float(total), 1),
                    "p": format_number(float(self.budget["private"]), 1),
                }
            )
        return out


def monitoring(strategy: Strategy, *, municipality: Any = None) -> Monitoring:
    """KPIs off track, measures delayed and the totals for the region or one municipality."""
    kpis = list(
        KPI.objects.filter(goal__direction__strategy=strategy)
        .select_related("goal__direction")
        .prefetch_related(
            "targets",
            Prefetch(
                "values",
                queryset=KPIValue.objects.filter(
                    Q(municipality__isnull=True)
                    | Q(municipality=municipality if municipality is not None else -1)
                ),
            ),
        )
    )
    statuses = [kpi_status(k, horizon_end=strategy.horizon_end) for k in kpis]
    if municipality is not None:
        # the municipality's own actuals where recorded (attainment is for the region's plan)
        local = {
            k.pk: kpi_status(k, horizon_end=strategy.horizon_end, municipality_id=municipality.pk)
            for k in kpis
        }
        for s in statuses:
            s.local = local[s.kpi.pk]  # type: ignore[attr-defined]
    measures = measure_queryset(("milestones",)).filter(strategy=strategy)
    if municipality is not None:
        measures = measures.filter(municipalities=municipality)
    measures = list(measures)  # type: ignore[assignment]  # a list from here on
    today = timezone.localdate()
    late = [m for m in measures if measure_is_late(m, today)]
    budget = {
        "federal": sum((m.budget_federal for m in measures), Decimal(0)),
        "regional": sum((m.budget_regional for m in measures), Decimal(0)),
        "municipal": sum((m.budget_municipal for m in measures), Decimal(0)),
        "private": sum((m.budget_private for m in measures), Decimal(0)),
    }
    leaves = [m for m in measures if m.state != MeasureState.CANCELLED]
    upcoming = sorted(
        (
            (ms, m)
            for m in measures
            for ms in m.milestones.all()
            if ms.done_on is None and today <= ms.due_on <= today + dt.timedelta(days=120)
        ),
        key=lambda pair: pair[0].due_on,
    )[:10]
    return Monitoring(
        strategy=strategy,
        municipality=municipality,
        kpis=statuses,
        off_track=sorted(
            [s for s in statuses if s.light in ("red", "yellow")], key=lambda s: s.attainment or 0
        ),
        late=sorted(late, key=lambda m: m.ends_on),
        states=Counter(m.state for m in measures),
        measures_total=len(measures),
        progress_mean=(sum(m.progress for m in leaves) / len(leaves)) if leaves else None,
        budget=budget,
        lights=Counter(s.light for s in statuses),
        upcoming=upcoming,
    )
