"""The strategy workbooks to download: the structure (blank or filled) and the values."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from civicplan.reports.tabular import Sheet, xlsx_bytes
from civicplan.strategy.importers.layout import (
    AGGREGATE_WORDS,
    BETTER_WORD,
    DIRECTION_COLUMNS,
    DIRECTIONS_SHEET,
    GOAL_COLUMNS,
    GOALS_SHEET,
    KPI_COLUMNS,
    KPIS_SHEET,
    MEASURE_COLUMNS,
    MEASURES_SHEET,
    VALUE_COLUMNS,
    VALUES_SHEET,
)
from civicplan.strategy.models import (
    KPI,
    Better,
    Goal,
    IndicatorAggregate,
    Measure,
    MeasureState,
    Sector,
    Strategy,
)

# --- templates ----------------------------------------------------------------------------


def _sheet(title: str, columns: list[str], rows: list[list[Any]], **extra: Any) -> Sheet:
    """A sheet to fill in: a shaded header, columns as wide as their names ask."""
    return Sheet(
        title=title,
        header=columns,
        rows=rows,
        header_fill="DDE6F0",
        widths=[max(12, min(60, len(column) + 4)) for column in columns],
        **extra,
    )


def _help(lines: list[list[str]]) -> Sheet:
    """The «Справка» sheet: plain lines, one wide column."""
    return Sheet(
        title=_("Справка"),
        header=lines[0],
        rows=lines[1:],
        widths=[110],
        bold_header=False,
        freeze_header=False,
    )


def structure_template(strategy: Strategy, *, filled: bool = True) -> bytes:
    """The structure workbook; with `filled` it holds the current strategy (edit and re-import)."""
    years = list(range(strategy.horizon_start, strategy.horizon_end + 1))
    directions = list(strategy.directions.all())
    directions_sheet = _sheet(
        DIRECTIONS_SHEET,
        DIRECTION_COLUMNS,
        [[d.slug, d.title, d.description, d.order] for d in directions],
    )
    goals = (
        list(Goal.objects.filter(direction__strategy=strategy).select_related("direction"))
        if filled
        else []
    )
    goals_sheet = _sheet(
        GOALS_SHEET,
        GOAL_COLUMNS,
        [[g.code, g.direction.slug, g.title, g.description, g.order] for g in goals],
    )
    kpis = (
        list(
            KPI.objects.filter(goal__direction__strategy=strategy)
            .select_related("goal", "indicator")
            .prefetch_related("targets")
        )
        if filled
        else []
    )
    kpi_rows = []
    for k in kpis:
        targets = {t.year: t.value for t in k.targets.all()}
        kpi_rows.append(
            [
                k.code,
                k.goal.code,
                k.name,
                k.unit,
                BETTER_WORD[Better.HIGHER if k.better == Better.HIGHER else Better.LOWER],
                k.baseline_year,
                k.baseline_value,
                k.indicator.code if k.indicator else "",
                AGGREGATE_WORDS.get(
                    IndicatorAggregate(k.indicator_aggregate), k.indicator_aggregate
                ),
                k.source,
                *[targets.get(y) for y in years],
            ]
        )
    kpis_sheet = _sheet(KPIS_SHEET, KPI_COLUMNS + [str(y) for y in years], kpi_rows)
    measures = (
        list(
            Measure.objects.filter(strategy=strategy)
            .select_related("direction", "parent")
            .prefetch_related("goals", "kpis", "municipalities", "proposals")
        )
        if filled
        else []
    )
    measures_sheet = _sheet(
        MEASURES_SHEET,
        MEASURE_COLUMNS,
        [
            [
                m.code,
                m.parent.code if m.parent else "",
                m.direction.slug,
                m.title,
                m.description,
                "; ".join(g.code for g in m.goals.all()),
                "; ".join(k.code for k in m.kpis.all()),
                m.organisation,
                m.get_sector_display(),
                m.partners,
                "; ".join(x.oktmo for x in m.municipalities.all()),
                m.starts_on,
                m.ends_on,
                float(m.budget_federal),
                float(m.budget_regional),
                float(m.budget_municipal),
                float(m.budget_private),
                m.get_state_display(),
                m.progress,
                m.weight,
                "; ".join(str(p.pk) for p in m.proposals.all()),
            ]
            for m in measures
        ],
        number_formats={11: "DD.MM.YYYY", 12: "DD.MM.YYYY"},  # «Начало», «Окончание»
    )
    help_rows = [
        [_("Как заполнять")],
        [_("Каждая строка — один объект; связи указываются кодами, несколько кодов — через «;».")],
        [
            _(
                "«Что лучше»: «больше» или «меньше». Цели показателей — в столбцах с годами горизонта."
            )
        ],
        [
            _(
                "«Способ расчёта по региону» (для показателей со статистикой): %(words)s. "
                "Пустая ячейка оставляет способ без изменений."
            )
            % {"words": "; ".join(f"«{word}»" for word in AGGREGATE_WORDS.values())}
        ],
        [
            _("Сектор: %(labels)s.")
            % {"labels": "; ".join(str(label) for _v, label in Sector.choices)}
        ],
        [
            _("Состояние: %(labels)s.")
            % {"labels": "; ".join(str(label) for _v, label in MeasureState.choices)}
        ],
        [_("Даты — ДД.ММ.ГГГГ. Суммы — в миллионах рублей. Не объединяйте ячейки.")],
        [_("Повторная загрузка обновляет строки с теми же кодами, а не создаёт новые.")],
    ]
    return xlsx_bytes([directions_sheet, goals_sheet, kpis_sheet, measures_sheet, _help(help_rows)])


def kpi_values_template(strategy: Strategy) -> bytes:
    """The values workbook: one row per KPI for the last year, to fill in."""
    year = dt.date.today().year - 1
    rows = [
        [k.code, k.name, k.unit, year, "", None, ""]
        for k in KPI.objects.filter(goal__direction__strategy=strategy).order_by(
            "goal__direction__order", "goal__order", "order"
        )
    ]
    lines = [
        [
            _(
                "Одна строка — значение показателя за год; ОКТМО — если значение относится к "
                "муниципалитету."
            )
        ],
        [
            _(
                "Единица измерения должна совпадать с единицей показателя (например, «%», «руб.», "
                "«чел.»)."
            )
        ],
        [_("Повторная загрузка обновляет значения за те же годы.")],
    ]
    return xlsx_bytes([_sheet(VALUES_SHEET, VALUE_COLUMNS, rows), _help(lines)])
