"""KPIs: their settings, yearly targets, actual values and the sync from official statistics."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.strategy.models import (
    KPI,
    Better,
    Goal,
    IndicatorAggregate,
    KPITarget,
    KPIValue,
    Strategy,
)
from civicplan.strategy.services.common import (
    _apply,
    _check_year_in_horizon,
    _number,
    change_record,
    units_match,
)

STATISTICS_SOURCE = "Росстат, база данных показателей муниципальных образований"


# --- KPIs ---------------------------------------------------------------------------------


def _kpi_fields_check(strategy: Strategy, fields: dict[str, Any]) -> None:
    if not str(fields.get("name", "x")).strip():
        raise InvalidInput(_("У показателя должно быть название."), field="name")
    if "unit" in fields and not str(fields["unit"]).strip():
        raise InvalidInput(_("У показателя должна быть единица измерения."), field="unit")
    if "better" in fields and fields["better"] not in Better.values:
        raise InvalidInput(
            _("«Что лучше» — «больше» или «меньше», а не «%(value)s».")
            % {"value": fields["better"]},
            field="better",
        )
    if (
        "indicator_aggregate" in fields
        and fields["indicator_aggregate"] not in IndicatorAggregate.values
    ):
        raise InvalidInput(
            _("Неизвестный способ сведения статистики."), field="indicator_aggregate"
        )
    year = fields.get("baseline_year")
    if year is not None and not (strategy.horizon_start - 15 <= year <= strategy.horizon_end):
        raise InvalidInput(
            _("Базовый год %(year)s не подходит стратегии на %(start)s–%(end)s годы.")
            % {"year": year, "start": strategy.horizon_start, "end": strategy.horizon_end},
            field="baseline_year",
        )


@transaction.atomic
def kpi_upsert(
    *,
    goal: Goal,
    code: str,
    name: str,
    unit: str,
    baseline_year: int,
    baseline_value: float,
    better: str = Better.HIGHER,
    indicator: Any = None,
    indicator_aggregate: str | None = None,
    source: str = "",
    order: int | None = None,
    targets: dict[int, float] | None = None,
    actor: Any = None,
) -> tuple[KPI, str]:
    """Create or update a KPI (found by code within the strategy) and, if given, its targets.

    `indicator_aggregate` None keeps the KPI's way of making the regional value (a sum for a
    new KPI): a file without that column must not change it. Returns the KPI and «created»,
    «updated» or «unchanged»."""
    strategy = goal.direction.strategy
    fields = {
        "goal": goal,
        "name": name.strip(),
        "unit": unit.strip(),
        "better": better,
        "baseline_year": int(baseline_year),
        "baseline_value": _number(
            baseline_value, field="baseline_value", label=_("Базовое значение")
        ),
        "indicator": indicator,
        "source": source,
    }
    if indicator_aggregate is not None:
        fields["indicator_aggregate"] = indicator_aggregate
    if order is not None:
        fields["order"] = order
    _kpi_fields_check(strategy, fields)
    kpi = KPI.objects.filter(goal__direction__strategy=strategy, code=code).order_by("pk").first()
    if kpi is None:
        kpi = KPI.objects.create(code=code, **fields)
        change_record(strategy=strategy, actor=actor, action="create", obj=kpi)
        outcome = "created"
    else:
        changes = _apply(kpi, fields)
        if changes:
            kpi.save()
            change_record(strategy=strategy, actor=actor, action="update", obj=kpi, changes=changes)
        outcome = "updated" if changes else "unchanged"
    if targets is not None:
        targets_changed = kpi_targets_set(kpi=kpi, targets=targets, actor=actor)
        if targets_changed and outcome == "unchanged":
            outcome = "updated"
    return kpi, outcome


@transaction.atomic
def kpi_targets_set(
    *, kpi: KPI, targets: dict[int, float], replace: bool = False, actor: Any = None
) -> bool:
    """Set targets by year (all validated before anything is written). Returns True if changed."""
    strategy = kpi.goal.direction.strategy
    clean: dict[int, float] = {}
    for year, value in targets.items():
        year = int(year)
        _check_year_in_horizon(strategy, year, field="targets")
        clean[year] = _number(value, field="targets", label=_("Цель на %(y)s год") % {"y": year})
    stages = list(strategy.stages.all())
    existing = {t.year: t for t in kpi.targets.all()}
    changes: dict[str, tuple[Any, Any]] = {}
    for year, value in clean.items():
        stage = next((s for s in stages if s.end_year == year), None)
        target = existing.get(year)
        if target is None:
            KPITarget.objects.create(kpi=kpi, year=year, value=value, stage=stage)
            changes[str(year)] = (None, value)
        elif target.value != value:
            changes[str(year)] = (target.value, value)
            target.value = value
            target.save(update_fields=["value"])
    if replace:
        for year, target in existing.items():
            if year not in clean:
                changes[str(year)] = (target.value, None)
                target.delete()
    if changes:
        change_record(
            strategy=strategy,
            actor=actor,
            action="update",
            obj=kpi,
            label=_("Цели показателя «%(name)s»") % {"name": kpi.name},
            changes=changes,
        )
    return bool(changes)


@transaction.atomic
def kpi_value_record(
    *,
    kpi: KPI,
    year: int,
    value: Any,
    municipality: Any = None,
    source: str = "",
    unit: str | None = None,
    actor: Any = None,
    history: bool = True,
) -> tuple[KPIValue, str]:
    """Record an actual value; returns the row and «created», «updated» or «unchanged».

    `unit`, when given (a file's or a form's unit column), must be the KPI's unit.
    """
    strategy = kpi.goal.direction.strategy
    if unit is not None and unit.strip() and not units_match(unit, kpi.unit):
        raise InvalidInput(
            _("Показатель «%(name)s» измеряется в «%(unit)s», а значение указано в «%(given)s».")
            % {"name": kpi.name, "unit": kpi.unit, "given": unit},
            field="unit",
        )
    year = int(year)
    this_year = timezone.localdate().year
    if year < kpi.baseline_year - 15 or year > this_year:
        raise InvalidInput(
            _(
                "Фактическое значение за %(year)s год внести нельзя: год ещё не наступил или "
                "слишком далёк от базового (%(base)s)."
            )
            % {"year": year, "base": kpi.baseline_year},
            field="year",
        )
    number = _number(value, field="value", label=_("Значение"))
    if kpi.unit.strip() == "%" and kpi.better and not (-1000 <= number <= 1000):
        raise InvalidInput(_("Значение в процентах вне разумных пределов."), field="value")
    if municipality is not None and municipality.region_id != strategy.region_id:
        raise InvalidInput(
            _("Муниципальное образование «%(name)s» не входит в регион стратегии.")
            % {"name": municipality.name},
            field="municipality",
        )
    row = (
        KPIValue.objects.filter(kpi=kpi, year=year, municipality=municipality)
        .order_by("pk")
        .first()
    )
    if row is None:
        row = KPIValue.objects.create(
            kpi=kpi,
            year=year,
            municipality=municipality,
            value=number,
            source=source,
            entered_by=actor if getattr(actor, "pk", None) else None,
        )
        outcome, before = "created", None
    elif row.value != number or (source and row.source != source):
        before = row.value
        row.value, row.source = number, source or row.source
        row.entered_at = timezone.now()
        row.entered_by = actor if getattr(actor, "pk", None) else None
        row.save()
        outcome = "updated"
    else:
        return row, "unchanged"
    if history:
        where = f", {municipality.short_name}" if municipality is not None else ""
        change_record(
            strategy=strategy,
            actor=actor,
            action="update",
            obj=kpi,
            label=_("Факт показателя «%(name)s»") % {"name": kpi.name},
            changes={f"{year}{where}": (before, number)},
        )
    return row, outcome


def _aggregate(values: list[tuple[float, float | None]], how: str) -> float | None:
    if not values:
        return None
    if how == IndicatorAggregate.SUM:
        return sum(v for v, _w in values)
    if how == IndicatorAggregate.WEIGHTED_MEAN:
        weighted = [(v, w) for v, w in values if w]
        total = sum(w for _v, w in weighted)
        if total:
            return sum(v * w for v, w in weighted) / total
    return sum(v for v, _w in values) / len(values)


MIN_COVERAGE = 0.9


def region_series_from_statistics(
    by_municipality: dict[int, dict[int, float]],
    population: dict[tuple[int, int], float],
    how: str,
) -> list[tuple[int, float, int]]:
    """The region's value by year from its municipalities: (year, value, how many carried).

    Statistics arrive with gaps (a city missing one year would make the regional total drop by
    a fifth). A municipality missing a year takes its value of the year before; a year still
    covering less than 90 % of the municipalities that report the indicator is left out.
    """
    reporting = len(by_municipality)
    years = sorted({y for values in by_municipality.values() for y in values})
    out = []
    for year in years:
        values: list[tuple[float, float | None]] = []
        carried = 0
        for municipality, series in by_municipality.items():
            if year in series:
                value = series[year]
            elif year - 1 in series:
                value = series[year - 1]
                carried += 1
            else:
                continue
            weight = population.get((municipality, year)) or population.get(
                (municipality, year - 1)
            )
            values.append((value, weight))
        if not reporting or len(values) < MIN_COVERAGE * reporting:
            continue
        total = _aggregate(values, how)
        if total is not None:
            out.append((year, total, carried))
    return out


@transaction.atomic
def kpi_values_sync_from_statistics(*, kpi: KPI, actor: Any = None) -> int:
    """Copy actuals of a KPI bound to a territorial indicator from the imported statistics:
    each municipality's values and the region's total (or mean). Returns rows written."""
    from civicplan.territories.models import IndicatorValue

    if kpi.indicator_id is None:
        raise InvalidInput(_("Показатель не связан со статистикой."), field="indicator")
    strategy = kpi.goal.direction.strategy
    rows = list(
        IndicatorValue.objects.filter(
            indicator_id=kpi.indicator_id, municipality__region_id=strategy.region_id
        )
        .exclude(municipality__kind="intracity")
        .select_related("municipality")
    )
    population = {
        (m, y): v
        for m, y, v in IndicatorValue.objects.filter(
            indicator__code="population", municipality__region_id=strategy.region_id
        ).values_list("municipality_id", "year", "value")
    }
    by_municipality: dict[int, dict[int, float]] = defaultdict(dict)
    written = 0
    for row in rows:
        by_municipality[row.municipality_id][row.year] = row.value
        _value, outcome = kpi_value_record(
            kpi=kpi,
            year=row.year,
            value=row.value,
            municipality=row.municipality,
            source=row.source or STATISTICS_SOURCE,
            actor=actor,
            history=False,
        )
        written += outcome != "unchanged"
    for year, total, carried in region_series_from_statistics(
        by_municipality, population, kpi.indicator_aggregate
    ):
        source = STATISTICS_SOURCE
        if carried:
            source += _("; для %(n)s МО — значение предыдущего года") % {"n": carried}
        _value, outcome = kpi_value_record(
            kpi=kpi,
            year=year,
            value=round(total, 2),
            source=source,
            actor=actor,
            history=False,
        )
        written += outcome != "unchanged"
    if written:
        change_record(
            strategy=strategy,
            actor=actor,
            action="import",
            obj=kpi,
            label=_("Факт показателя «%(name)s» из статистики") % {"name": kpi.name},
            changes={_("строк"): (None, written)},
        )
    return written
