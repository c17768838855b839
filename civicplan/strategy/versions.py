"""Saved versions of a strategy and their comparison.

A version is the whole strategy as plain data (directions, goals, KPIs with targets, measures);
comparing two versions lists what was added, removed and changed, field by field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy

from civicplan.strategy.models import KPI, Goal, Measure, Strategy

# The key of a KPI's target in a saved version: stored data that later versions are compared
# with, so it does not follow the reader's language.
TARGET_KEY = "цель {year}"


def strategy_serialize(strategy: Strategy) -> dict[str, Any]:
    """The strategy as JSON-ready data keyed by stable codes."""
    directions = {
        d.slug: {"title": d.title, "description": d.description} for d in strategy.directions.all()
    }
    goals = {
        g.code: {"direction": g.direction.slug, "title": g.title, "description": g.description}
        for g in Goal.objects.filter(direction__strategy=strategy).select_related("direction")
    }
    kpis = {
        k.code: {
            "goal": k.goal.code,
            "name": k.name,
            "unit": k.unit,
            "better": k.better,
            "baseline": f"{k.baseline_value:g} ({k.baseline_year})",
            **{TARGET_KEY.format(year=t.year): t.value for t in k.targets.all()},
        }
        for k in KPI.objects.filter(goal__direction__strategy=strategy)
        .select_related("goal")
        .prefetch_related("targets")
    }
    measures = {
        m.code: {
            "direction": m.direction.slug,
            "parent": m.parent.code if m.parent else "",
            "title": m.title,
            "organisation": m.organisation,
            "sector": m.sector,
            "starts_on": m.starts_on.isoformat(),
            "ends_on": m.ends_on.isoformat(),
            "budget": float(m.budget_total),
            "state": m.state,
            "progress": m.progress,
        }
        for m in Measure.objects.filter(strategy=strategy).select_related("direction", "parent")
    }
    return {
        "strategy": {
            "title": strategy.title,
            "version": strategy.version,
            "state": strategy.state,
            "horizon": f"{strategy.horizon_start}–{strategy.horizon_end}",
            "approval_act": strategy.approval_act,
        },
        "directions": directions,
        "goals": goals,
        "kpis": kpis,
        "measures": measures,
    }


FIELD_LABELS = {
    "title": gettext_lazy("название"),
    "name": gettext_lazy("название"),
    "description": gettext_lazy("описание"),
    "version": gettext_lazy("версия"),
    "state": gettext_lazy("состояние"),
    "horizon": gettext_lazy("горизонт"),
    "horizon_start": gettext_lazy("начало горизонта"),
    "horizon_end": gettext_lazy("конец горизонта"),
    "approval_act": gettext_lazy("акт об утверждении"),
    "summary": gettext_lazy("краткое описание"),
    "direction": gettext_lazy("направление"),
    "goal": gettext_lazy("цель"),
    "unit": gettext_lazy("единица измерения"),
    "better": gettext_lazy("что лучше"),
    "baseline": gettext_lazy("базовое значение"),
    "baseline_year": gettext_lazy("базовый год"),
    "baseline_value": gettext_lazy("базовое значение"),
    "indicator": gettext_lazy("показатель статистики"),
    "parent": gettext_lazy("входит в"),
    "organisation": gettext_lazy("ответственный исполнитель"),
    "sector": gettext_lazy("сектор"),
    "partners": gettext_lazy("соисполнители и партнёры"),
    "starts_on": gettext_lazy("начало"),
    "ends_on": gettext_lazy("окончание"),
    "budget": gettext_lazy("финансирование, млн руб."),
    "budget_federal": gettext_lazy("федеральный бюджет"),
    "budget_regional": gettext_lazy("областной бюджет"),
    "budget_municipal": gettext_lazy("местные бюджеты"),
    "budget_private": gettext_lazy("внебюджетные средства"),
    "progress": gettext_lazy("выполнение, %"),
    "weight": gettext_lazy("вес"),
    "order": gettext_lazy("порядок"),
    "goals": gettext_lazy("цели (число)"),
    "kpis": gettext_lazy("показатели (число)"),
    "proposals": gettext_lazy("предложения жителей (число)"),
    "municipalities": gettext_lazy("муниципалитеты (число)"),
    "start_year": gettext_lazy("первый год"),
    "end_year": gettext_lazy("последний год"),
    "due_on": gettext_lazy("срок"),
    "done_on": gettext_lazy("выполнено"),
    "slug": gettext_lazy("адрес"),
    "code": gettext_lazy("код"),
    "color": gettext_lazy("цвет"),
    "indicator_aggregate": gettext_lazy("способ расчёта по региону"),
    "source": gettext_lazy("источник данных"),
}


def _model_field(name: str) -> Any:
    """The first model field of the strategy app with this name (for its Russian name)."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    for model in apps.get_app_config("strategy").get_models():
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def field_label(name: str) -> str:
    """How a changed field is named in the history: in Russian, never the code name."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    model_field = _model_field(name)
    verbose = getattr(model_field, "verbose_name", None)
    return str(verbose) if verbose else name


def field_value(name: str, value: Any) -> Any:
    """A stored code shown as people read it (state, sector, «what is better», aggregate)."""
    from civicplan.strategy.importers.layout import AGGREGATE_WORDS
    from civicplan.strategy.models import Better, MeasureState, Sector

    table: dict[str, dict[Any, Any]] = {
        "state": {**dict(MeasureState.choices), **dict(Strategy.State.choices)},
        "sector": dict(Sector.choices),
        "better": dict(Better.choices),
        "indicator_aggregate": dict(AGGREGATE_WORDS),
    }
    choices: dict[Any, Any] | None = table.get(name)
    if choices is None:
        model_field = _model_field(name)
        choices = dict(model_field.choices) if getattr(model_field, "choices", None) else None
    if choices and isinstance(value, str) and value in choices:
        return str(choices[value])
    return value


SECTION_TITLES = {
    "strategy": gettext_lazy("Стратегия"),
    "directions": gettext_lazy("Направления"),
    "goals": gettext_lazy("Цели"),
    "kpis": gettext_lazy("Показатели"),
    "measures": gettext_lazy("Мероприятия"),
}


@dataclass
class Difference:
    section: str
    code: str
    kind: str  # added, removed, changed
    title: str
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def section_title(self) -> str:
        return str(SECTION_TITLES.get(self.section, self.section))

    @property
    def labelled_fields(self) -> list[tuple[str, Any, Any]]:
        return [
            (field_label(name), field_value(name, old), field_value(name, new))
            for name, old, new in self.fields
        ]


def _title(item: dict[str, Any]) -> str:
    return str(item.get("title") or item.get("name") or "")


def strategy_compare(old: dict[str, Any], new: dict[str, Any]) -> list[Difference]:
    """What changed from `old` to `new` (both from `strategy_serialize`)."""
    out: list[Difference] = []
    before, after = old.get("strategy", {}), new.get("strategy", {})
    fields = [
        (k, before.get(k), after.get(k))
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    ]
    if fields:
        out.append(Difference("strategy", "", "changed", after.get("title", ""), fields))
    for section in ("directions", "goals", "kpis", "measures"):
        a, b = old.get(section, {}), new.get(section, {})
        for code in sorted(set(a) | set(b)):
            if code not in b:
                out.append(Difference(section, code, "removed", _title(a[code])))
            elif code not in a:
                out.append(Difference(section, code, "added", _title(b[code])))
            else:
                keys = sorted(set(a[code]) | set(b[code]))
                changed = [
                    (k, a[code].get(k), b[code].get(k))
                    for k in keys
                    if a[code].get(k) != b[code].get(k)
                ]
                if changed:
                    out.append(Difference(section, code, "changed", _title(b[code]), changed))
    return out
