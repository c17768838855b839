"""The strategy workbooks to download: the structure (blank or filled) and the values."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from civicplan.reports.tabular import defuse
from civicplan.strategy.importers.layout import (
    AGGREGATE_WORDS,
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


def _sheet(wb: Any, title: str, columns: list[str], rows: list[list[Any]], note: str = "") -> Any:
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append(columns)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
    for row in rows:
        ws.append([defuse(value) for value in row])
    for index, column in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        ws.column_dimensions[letter].width = max(12, min(60, len(column) + 4))
    ws.freeze_panes = "A2"
    return ws


def structure_template(strategy: Strategy, *, filled: bool = True) -> bytes:
    """The structure workbook; with `filled` it holds the current strategy (edit and re-import)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    years = list(range(strategy.horizon_start, strategy.horizon_end + 1))
    directions = list(strategy.directions.all())
    _sheet(
        wb,
        DIRECTIONS_SHEET,
        DIRECTION_COLUMNS,
        [[d.slug, d.title, d.description, d.order] for d in directions],
    )
    goals = (
        list(Goal.objects.filter(direction__strategy=strategy).select_related("direction"))
        if filled
        else []
    )
    _sheet(
        wb,
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
                "больше" if k.better == Better.HIGHER else "меньше",
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
    _sheet(wb, KPIS_SHEET, KPI_COLUMNS + [str(y) for y in years], kpi_rows)
    measures = (
        list(
            Measure.objects.filter(strategy=strategy)
            .select_related("direction", "parent")
            .prefetch_related("goals", "kpis", "municipalities", "proposals")
        )
        if filled
        else []
    )
    _sheet(
        wb,
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
    )
    for cell in wb[MEASURES_SHEET]["L"][1:] + wb[MEASURES_SHEET]["M"][1:]:
        cell.number_format = "DD.MM.YYYY"
    help_rows = [
        ["Как заполнять"],
        ["Каждая строка — один объект; связи указываются кодами, несколько кодов — через «;»."],
        ["«Что лучше»: «больше» или «меньше». Цели показателей — в столбцах с годами горизонта."],
        [
            "«Способ расчёта по региону» (для показателей со статистикой): "
            + "; ".join(f"«{word}»" for word in AGGREGATE_WORDS.values())
            + ". Пустая ячейка оставляет способ без изменений."
        ],
        ["Сектор: " + "; ".join(str(label) for _v, label in Sector.choices) + "."],
        ["Состояние: " + "; ".join(str(label) for _v, label in MeasureState.choices) + "."],
        ["Даты — ДД.ММ.ГГГГ. Суммы — в миллионах рублей. Не объединяйте ячейки."],
        ["Повторная загрузка обновляет строки с теми же кодами, а не создаёт новые."],
    ]
    ws = wb.create_sheet("Справка")
    for row in help_rows:
        ws.append(row)
    ws.column_dimensions["A"].width = 110
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def kpi_values_template(strategy: Strategy) -> bytes:
    """The values workbook: one row per KPI for the last year, to fill in."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.worksheets[0])
    year = dt.date.today().year - 1
    rows = [
        [k.code, k.name, k.unit, year, "", None, ""]
        for k in KPI.objects.filter(goal__direction__strategy=strategy).order_by(
            "goal__direction__order", "goal__order", "order"
        )
    ]
    _sheet(wb, VALUES_SHEET, VALUE_COLUMNS, rows)
    ws = wb.create_sheet("Справка")
    for line in (
        [
            "Одна строка — значение показателя за год; ОКТМО — если значение относится к муниципалитету."
        ],
        [
            "Единица измерения должна совпадать с единицей показателя (например, «%», «руб.», «чел.»)."
        ],
        ["Повторная загрузка обновляет значения за те же годы."],
    ):
        ws.append(line)
    ws.column_dimensions["A"].width = 110
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
