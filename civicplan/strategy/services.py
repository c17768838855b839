"""Every write to the strategy: goals, KPIs, targets, actual values, measures, progress.

Each service validates its input (raising `InvalidInput` with a Russian message, nothing
written), writes atomically and records who changed what in `StrategyChange`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.strategy.metrics import Node, find_cycle, rolled_up_progress
from civicplan.strategy.models import (
    KPI,
    Better,
    Direction,
    Goal,
    IndicatorAggregate,
    KPITarget,
    KPIValue,
    Measure,
    MeasureState,
    Milestone,
    Sector,
    Stage,
    Strategy,
    StrategyChange,
)

STATISTICS_SOURCE = "Росстат, база данных показателей муниципальных образований"


# --- permissions and history ------------------------------------------------------------


def strategy_can_edit(*, user: Any, strategy: Strategy) -> bool:
    """Strategy editors (and regional administrators, superusers) of the strategy's region."""
    from civicplan.accounts.models import Role
    from civicplan.accounts.selectors import user_scope

    scope = user_scope(user, [Role.STRATEGY_EDITOR])
    return scope.allows(region_id=strategy.region_id, municipality_id=None)


def strategy_require_editor(*, user: Any, strategy: Strategy) -> None:
    if not strategy_can_edit(user=user, strategy=strategy):
        raise Forbidden(_("Изменять эту стратегию могут только её редакторы в регионе."))


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Model):
        return str(value)
    return value


def change_record(
    *,
    strategy: Strategy,
    actor: Any,
    action: str,
    obj: Model | None = None,
    label: str = "",
    changes: dict[str, Any] | None = None,
) -> StrategyChange:
    return StrategyChange.objects.create(
        strategy=strategy,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "strategy",
        object_id=obj.pk if obj is not None else None,
        object_label=(label or str(obj or strategy))[:500],
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in (changes or {}).items()},
    )


def _apply(instance: Model, fields: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set fields on the instance; return {field: (before, after)} of those that changed."""
    changed: dict[str, tuple[Any, Any]] = {}
    for name, value in fields.items():
        before = getattr(instance, name)
        if before != value:
            changed[name] = (before, value)
            setattr(instance, name, value)
    return changed


# --- validation helpers -------------------------------------------------------------------


def _number(value: Any, *, field: str, label: str) -> float:
    if isinstance(value, str):
        value = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("%(label)s: «%(value)s» — не число.") % {"label": label, "value": value}, field=field
        ) from exc
    if not math.isfinite(number):
        raise InvalidInput(_("%(label)s: значение не конечно.") % {"label": label}, field=field)
    return number


def _money(value: Any, *, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal("0")
    try:
        number = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation as exc:
        raise InvalidInput(
            _("Сумма «%(value)s» — не число.") % {"value": value}, field=field
        ) from exc
    if number < 0 or not number.is_finite():
        raise InvalidInput(_("Сумма финансирования не может быть отрицательной."), field=field)
    return number.quantize(Decimal("0.01"))


def _check_year_in_horizon(strategy: Strategy, year: int, *, field: str = "year") -> None:
    if not strategy.horizon_start <= year <= strategy.horizon_end:
        raise InvalidInput(
            _("Год %(year)s вне горизонта стратегии (%(start)s–%(end)s).")
            % {"year": year, "start": strategy.horizon_start, "end": strategy.horizon_end},
            field=field,
        )


def _check_progress(progress: Any) -> int:
    number = _number(progress, field="progress", label=_("Выполнение"))
    if number < 0 or number > 100:
        raise InvalidInput(
            _("Выполнение указывается в процентах от 0 до 100, а не %(value)s.")
            % {"value": f"{number:g}"},
            field="progress",
        )
    return round(number)


def _normalise_unit(unit: str) -> str:
    return " ".join(unit.replace("\u00a0", " ").lower().strip().rstrip(".").split())


def units_match(a: str, b: str) -> bool:
    aliases = {"процент": "%", "проценты": "%", "руб": "руб", "рублей": "руб", "чел": "чел"}
    na, nb = _normalise_unit(a), _normalise_unit(b)
    return aliases.get(na, na) == aliases.get(nb, nb)


# --- strategy, stages, goals --------------------------------------------------------------


@transaction.atomic
def strategy_update(*, strategy: Strategy, actor: Any = None, **fields: Any) -> Strategy:
    allowed = {
        "title",
        "version",
        "state",
        "approval_act",
        "summary",
        "horizon_start",
        "horizon_end",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            _("Эти поля стратегии нельзя изменить: %s.") % ", ".join(sorted(unknown))
        )
    start = fields.get("horizon_start", strategy.horizon_start)
    end = fields.get("horizon_end", strategy.horizon_end)
    if end < start:
        raise InvalidInput(_("Горизонт стратегии заканчивается раньше, чем начинается."))
    if "state" in fields and fields["state"] not in Strategy.State.values:
        raise InvalidInput(_("Неизвестное состояние стратегии."), field="state")
    changes = _apply(strategy, fields)
    if changes:
        strategy.save()
        change_record(
            strategy=strategy, actor=actor, action="update", obj=strategy, changes=changes
        )
    return strategy


@transaction.atomic
def stage_set(
    *, strategy: Strategy, title: str, start_year: int, end_year: int, actor: Any = None
) -> Stage:
    if end_year < start_year:
        raise InvalidInput(_("Этап заканчивается раньше, чем начинается."))
    _check_year_in_horizon(strategy, start_year, field="start_year")
    _check_year_in_horizon(strategy, end_year, field="end_year")
    overlapping = strategy.stages.filter(start_year__lte=end_year, end_year__gte=start_year)
    stage = strategy.stages.filter(title=title).order_by("pk").first()
    if overlapping.exclude(pk=getattr(stage, "pk", None)).exists():
        raise InvalidInput(_("Этапы стратегии не должны пересекаться по годам."))
    if stage is None:
        stage = Stage.objects.create(
            strategy=strategy, title=title, start_year=start_year, end_year=end_year
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=stage)
    else:
        changes = _apply(stage, {"start_year": start_year, "end_year": end_year})
        if changes:
            stage.save()
            change_record(
                strategy=strategy, actor=actor, action="update", obj=stage, changes=changes
            )
    return stage


@transaction.atomic
def direction_upsert(
    *,
    strategy: Strategy,
    slug: str,
    title: str,
    description: str = "",
    order: int = 0,
    actor: Any = None,
) -> tuple[Direction, str]:
    if not title.strip():
        raise InvalidInput(_("У направления должно быть название."), field="title")
    direction = strategy.directions.filter(slug=slug).order_by("pk").first()
    if direction is None:
        direction = Direction.objects.create(
            strategy=strategy, slug=slug, title=title, description=description, order=order
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=direction)
        return direction, "created"
    changes = _apply(direction, {"title": title, "description": description, "order": order})
    if changes:
        direction.save()
        change_record(
            strategy=strategy, actor=actor, action="update", obj=direction, changes=changes
        )
    return direction, "updated" if changes else "unchanged"


@transaction.atomic
def goal_upsert(
    *,
    direction: Direction,
    code: str,
    title: str,
    description: str = "",
    order: int = 0,
    actor: Any = None,
) -> tuple[Goal, str]:
    code = code.strip()
    if not code or not title.strip():
        raise InvalidInput(_("У цели должны быть код и название."))
    strategy = direction.strategy
    goal = Goal.objects.filter(direction__strategy=strategy, code=code).order_by("pk").first()
    fields = {
        "direction": direction,
        "title": title.strip(),
        "description": description,
        "order": order,
    }
    if goal is None:
        goal = Goal.objects.create(code=code, **fields)
        change_record(strategy=strategy, actor=actor, action="create", obj=goal)
        return goal, "created"
    changes = _apply(goal, fields)
    if changes:
        goal.save()
        change_record(strategy=strategy, actor=actor, action="update", obj=goal, changes=changes)
    return goal, "updated" if changes else "unchanged"


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
    indicator_aggregate: str = IndicatorAggregate.SUM,
    source: str = "",
    order: int | None = None,
    targets: dict[int, float] | None = None,
    actor: Any = None,
) -> tuple[KPI, str]:
    """Create or update a KPI (found by code within the strategy) and, if given, its targets.

    Returns the KPI and «created», «updated» or «unchanged»."""
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
        "indicator_aggregate": indicator_aggregate,
        "source": source,
    }
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
            changes={"строк": (None, written)},
        )
    return written


# --- measures -----------------------------------------------------------------------------


def _date(value: Any, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InvalidInput(
        _("%(label)s: «%(value)s» — не дата (ожидается ДД.ММ.ГГГГ).")
        % {"label": label, "value": text},
        field=field,
    )


MEASURE_FIELDS = {
    "direction",
    "parent",
    "title",
    "description",
    "organisation",
    "sector",
    "partners",
    "starts_on",
    "ends_on",
    "budget_federal",
    "budget_regional",
    "budget_municipal",
    "budget_private",
    "state",
    "progress",
    "weight",
    "order",
}


def _measure_clean(
    strategy: Strategy, measure: Measure | None, fields: dict[str, Any]
) -> dict[str, Any]:
    unknown = set(fields) - MEASURE_FIELDS
    if unknown:
        raise InvalidInput(_("Неизвестные поля мероприятия: %s.") % ", ".join(sorted(unknown)))
    clean = dict(fields)
    if "title" in clean and not str(clean["title"]).strip():
        raise InvalidInput(_("У мероприятия должно быть название."), field="title")
    if "organisation" in clean and not str(clean["organisation"]).strip():
        raise InvalidInput(_("Укажите ответственного исполнителя."), field="organisation")
    if "sector" in clean and clean["sector"] not in Sector.values:
        raise InvalidInput(
            _("Неизвестный сектор исполнителя: «%s».") % clean["sector"], field="sector"
        )
    if "state" in clean and clean["state"] not in MeasureState.values:
        raise InvalidInput(
            _("Неизвестное состояние мероприятия: «%s».") % clean["state"], field="state"
        )
    for name, label in (("starts_on", _("Начало")), ("ends_on", _("Окончание"))):
        if name in clean:
            clean[name] = _date(clean[name], field=name, label=label)
    starts = clean.get("starts_on", getattr(measure, "starts_on", None))
    ends = clean.get("ends_on", getattr(measure, "ends_on", None))
    if starts and ends and ends < starts:
        raise InvalidInput(
            _("Мероприятие заканчивается (%(end)s) раньше, чем начинается (%(start)s).")
            % {"end": ends.strftime("%d.%m.%Y"), "start": starts.strftime("%d.%m.%Y")},
            field="ends_on",
        )
    if "progress" in clean:
        clean["progress"] = _check_progress(clean["progress"])
    if "weight" in clean:
        clean["weight"] = _number(clean["weight"], field="weight", label=_("Вес"))
        if clean["weight"] < 0:
            raise InvalidInput(_("Вес мероприятия не может быть отрицательным."), field="weight")
    for name in ("budget_federal", "budget_regional", "budget_municipal", "budget_private"):
        if name in clean:
            clean[name] = _money(clean[name], field=name)
    direction = clean.get("direction")
    if direction is not None and direction.strategy_id != strategy.pk:
        raise InvalidInput(_("Направление относится к другой стратегии."), field="direction")
    parent = clean.get("parent")
    if parent is not None:
        if parent.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Родительское мероприятие относится к другой стратегии."), field="parent"
            )
        if measure is not None and measure.pk is not None:
            parent_of = dict(
                Measure.objects.filter(strategy=strategy).values_list("pk", "parent_id")
            )
            parent_of[measure.pk] = parent.pk
            cycle = find_cycle(parent_of, measure.pk)
            if cycle:
                codes = dict(Measure.objects.filter(pk__in=cycle).values_list("pk", "code"))
                chain = " → ".join(codes.get(pk, "?") for pk in cycle)
                raise InvalidInput(
                    _("Мероприятие не может входить само в себя: получается цикл %(chain)s.")
                    % {"chain": chain},
                    field="parent",
                )
    return clean


def _check_links(
    strategy: Strategy, goals: Iterable[Goal] | None, kpis: Iterable[KPI] | None
) -> None:
    for goal in goals or ():
        if goal.direction.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Цель «%s» относится к другой стратегии.") % goal.title, field="goals"
            )
    for kpi in kpis or ():
        if kpi.goal.direction.strategy_id != strategy.pk:
            raise InvalidInput(
                _("Показатель «%s» относится к другой стратегии.") % kpi.name, field="kpis"
            )


def _set_links(
    measure: Measure,
    *,
    goals: Iterable[Goal] | None,
    kpis: Iterable[KPI] | None,
    proposals: Iterable[Any] | None,
    municipalities: Iterable[Any] | None,
) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name, items in (
        ("goals", goals),
        ("kpis", kpis),
        ("proposals", proposals),
        ("municipalities", municipalities),
    ):
        if items is None:
            continue
        items = list(items)
        manager = getattr(measure, name)
        before = sorted(manager.order_by().values_list("pk", flat=True))
        after = sorted(i.pk for i in items)
        if before != after:
            manager.set(items)
            changes[name] = (len(before), len(after))
    return changes


@transaction.atomic
def measure_upsert(
    *,
    strategy: Strategy,
    code: str,
    goals: Iterable[Goal] | None = None,
    kpis: Iterable[KPI] | None = None,
    proposals: Iterable[Any] | None = None,
    municipalities: Iterable[Any] | None = None,
    actor: Any = None,
    rollup: bool = True,
    **fields: Any,
) -> tuple[Measure, str]:
    """Create or update the measure with this code; returns it and «created»/«updated»/«unchanged»."""
    code = str(code).strip()
    if not code:
        raise InvalidInput(_("У мероприятия должен быть код."), field="code")
    goals = list(goals) if goals is not None else None
    kpis = list(kpis) if kpis is not None else None
    _check_links(strategy, goals, kpis)
    if proposals is not None:
        proposals = list(proposals)
        for proposal in proposals:
            if proposal.campaign.strategy_id not in (None, strategy.pk):
                raise InvalidInput(
                    _("Предложение %(code)s подано в кампанию другой стратегии.")
                    % {"code": proposal.tracking_code or proposal.pk},
                    field="proposals",
                )
    measure = Measure.objects.filter(strategy=strategy, code=code).order_by("pk").first()
    clean = _measure_clean(strategy, measure, fields)
    if measure is None:
        missing = [
            f
            for f in ("direction", "title", "organisation", "sector", "starts_on", "ends_on")
            if f not in clean
        ]
        if missing:
            raise InvalidInput(
                _("Для нового мероприятия не хватает полей: %s.") % ", ".join(missing)
            )
        measure = Measure(strategy=strategy, code=code, **clean)
        measure.save()
        _set_links(
            measure, goals=goals, kpis=kpis, proposals=proposals, municipalities=municipalities
        )
        change_record(strategy=strategy, actor=actor, action="create", obj=measure)
        outcome = "created"
    else:
        changes = _apply(measure, clean)
        if changes:
            measure.save()
        changes.update(
            _set_links(
                measure, goals=goals, kpis=kpis, proposals=proposals, municipalities=municipalities
            )
        )
        if changes:
            change_record(
                strategy=strategy, actor=actor, action="update", obj=measure, changes=changes
            )
        outcome = "updated" if changes else "unchanged"
    if rollup and outcome != "unchanged":
        measure_rollup(strategy=strategy, actor=actor)
    return measure, outcome


@transaction.atomic
def measure_progress_set(
    *, measure: Measure, progress: Any, state: str | None = None, actor: Any = None
) -> Measure:
    """Set the progress (0–100) and optionally the state of a measure; parents roll up."""
    fields: dict[str, Any] = {"progress": progress}
    if state:
        fields["state"] = state
    clean = _measure_clean(measure.strategy, measure, fields)
    if measure.children.exists():
        raise InvalidInput(
            _("Выполнение сводного мероприятия считается по вложенным — измените их."),
            field="progress",
        )
    if (
        clean["progress"] == 100
        and "state" not in clean
        and measure.state != MeasureState.CANCELLED
    ):
        clean["state"] = MeasureState.DONE
    elif clean["progress"] > 0 and "state" not in clean and measure.state == MeasureState.PLANNED:
        clean["state"] = MeasureState.IN_PROGRESS
    changes = _apply(measure, clean)
    if changes:
        measure.save()
        change_record(
            strategy=measure.strategy, actor=actor, action="update", obj=measure, changes=changes
        )
        measure_rollup(strategy=measure.strategy, actor=actor)
    return measure


def measure_tree(measures: Iterable[Measure]) -> dict[int, Node]:
    """Roll-up nodes for every measure, keyed by primary key."""
    items = list(measures)
    children: dict[int | None, list[Measure]] = defaultdict(list)
    for m in items:
        children[m.parent_id].append(m)

    def build(m: Measure, depth: int = 0) -> Node:
        if depth > 50:
            raise InvalidInput(_("Слишком глубокая вложенность мероприятий."))
        return Node(
            key=m.pk,
            progress=m.progress,
            weight=m.weight,
            cancelled=m.state == MeasureState.CANCELLED,
            children=[build(c, depth + 1) for c in children.get(m.pk, [])],
        )

    nodes: dict[int, Node] = {}

    def index(node: Node) -> None:
        nodes[node.key] = node  # type: ignore[index]
        for child in node.children:
            index(child)

    for root in children.get(None, []):
        index(build(root))
    return nodes


def measure_rollup(*, strategy: Strategy, actor: Any = None) -> int:
    """Recompute the progress of every parent measure from its children. Returns rows changed."""
    measures = list(
        Measure.objects.filter(strategy=strategy).only(
            "pk", "parent_id", "progress", "weight", "state"
        )
    )
    nodes = measure_tree(measures)
    changed = []
    for m in measures:
        node = nodes.get(m.pk)
        if node is None or not node.children:
            continue
        value = round(rolled_up_progress(node))
        if value != m.progress:
            m.progress = value
            changed.append(m)
    if changed:
        Measure.objects.bulk_update(changed, ["progress"])
    return len(changed)


@transaction.atomic
def milestone_upsert(
    *, measure: Measure, title: str, due_on: Any, done_on: Any = None, actor: Any = None
) -> Milestone:
    if not title.strip():
        raise InvalidInput(_("У контрольной точки должно быть название."), field="title")
    due = _date(due_on, field="due_on", label=_("Срок"))
    done = _date(done_on, field="done_on", label=_("Дата выполнения")) if done_on else None
    if not (measure.starts_on <= due <= measure.ends_on):
        raise InvalidInput(
            _("Срок контрольной точки %(due)s вне сроков мероприятия.")
            % {"due": due.strftime("%d.%m.%Y")},
            field="due_on",
        )
    milestone = measure.milestones.filter(title=title.strip()).order_by("pk").first()
    if milestone is None:
        milestone = Milestone.objects.create(
            measure=measure, title=title.strip(), due_on=due, done_on=done
        )
        change_record(strategy=measure.strategy, actor=actor, action="create", obj=milestone)
    else:
        changes = _apply(milestone, {"due_on": due, "done_on": done})
        if changes:
            milestone.save()
            change_record(
                strategy=measure.strategy,
                actor=actor,
                action="update",
                obj=milestone,
                changes=changes,
            )
    return milestone


@transaction.atomic
def measure_draft_from_text(
    *,
    strategy: Strategy,
    direction: Direction,
    title: str,
    description: str = "",
    organisation: str,
    sector: str = Sector.GOVERNMENT,
    proposals: Iterable[Any] = (),
    actor: Any = None,
) -> Measure:
    """A draft measure (state «planned», a year from today) from a session resolution."""
    today = timezone.localdate()
    number = Measure.objects.filter(strategy=strategy).count() + 1
    code = f"П-{number}"
    while Measure.objects.filter(strategy=strategy, code=code).exists():
        number += 1
        code = f"П-{number}"
    measure, _outcome = measure_upsert(
        strategy=strategy,
        code=code,
        direction=direction,
        title=title,
        description=description,
        organisation=organisation,
        sector=sector,
        starts_on=today,
        ends_on=today.replace(year=today.year + 1)
        if not (today.month == 2 and today.day == 29)
        else today + dt.timedelta(days=365),
        proposals=list(proposals),
        actor=actor,
    )
    return measure
