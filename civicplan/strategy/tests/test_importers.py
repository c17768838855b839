"""XLSX templates and imports: round trip, re-import updates, bad files refused whole."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from civicplan.core.errors import InvalidInput
from civicplan.strategy import importers
from civicplan.strategy.models import KPI, Goal, KPITarget, KPIValue, Measure


def _edit(data: bytes, fn: Any) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    fn(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_structure(wb: Any) -> None:
    wb["Цели"].append(["Ц5.1", "small-towns", "Малые города сохраняют население", "", 1])
    kpis = wb["Показатели"]
    header = [c.value for c in kpis[1]]
    row = dict.fromkeys(header)
    row.update(
        {
            "Код показателя": "П5.3",
            "Код цели": "Ц5.1",
            "Название": "Число самозанятых в малых городах",
            "Единица измерения": "тыс. чел.",
            "Что лучше": "больше",
            "Базовый год": 2023,
            "Базовое значение": 48,
            "2025": 60,
            "2030": 85,
            "2036": 110,
        }
    )
    kpis.append([row[h] for h in header])
    measures = wb["Мероприятия"]
    header = [c.value for c in measures[1]]
    for code, parent, title, progress, weight in (
        ("5.3", "", "Вывод теневой занятости из тени", None, None),
        ("5.3.1", "5.3", "Консультации для самозанятых", 100, 1),
        ("5.3.2", "5.3", "Налоговые каникулы для новых ИП", 0, 1),
    ):
        row = dict.fromkeys(header)
        row.update(
            {
                "Код": code,
                "Входит в": parent,
                "Код направления": "small-towns",
                "Название": title,
                "Цели": "Ц5.1",
                "Показатели": "П5.3",
                "Ответственный исполнитель": "Управление ФНС России по Самарской области",
                "Сектор": "органы власти региона",
                "Муниципалитеты (ОКТМО)": "36724000000; 36708000000",
                "Начало": dt.datetime(2025, 1, 1),
                "Окончание": dt.datetime(2027, 12, 31),
                "Областной бюджет, млн руб.": 12.5,
                "Состояние": "выполняется",
                "Выполнение, %": progress,
                "Вес": weight,
            }
        )
        measures.append([row[h] for h in header])


def test_structure_template_imports_and_reimport_updates_instead_of_duplicating(
    strategy: Any,
) -> None:
    blank = importers.structure_template(strategy, filled=False)
    data = _edit(blank, _fill_structure)

    report = importers.structure_import(strategy=strategy, source=data, name="стратегия.xlsx")

    assert report.ok, report.errors
    kpi = KPI.objects.get(code="П5.3")
    assert {t.year: t.value for t in kpi.targets.all()} == {2025: 60, 2030: 85, 2036: 110}
    parent = Measure.objects.get(code="5.3")
    assert parent.progress == 50  # rolled up from 100 and 0
    assert parent.municipalities.count() == 2
    assert Measure.objects.get(code="5.3.1").parent == parent

    # download the filled template, change a target and a title, import again
    filled = importers.structure_template(strategy, filled=True)

    def change(wb: Any) -> None:
        ws = wb["Показатели"]
        header = [c.value for c in ws[1]]
        ws.cell(row=2, column=header.index("2030") + 1, value=90)
        ws2 = wb["Мероприятия"]
        header2 = [c.value for c in ws2[1]]
        ws2.cell(row=2, column=header2.index("Название") + 1, value="Вывод занятости из тени")

    report = importers.structure_import(
        strategy=strategy, source=_edit(filled, change), name="2.xlsx"
    )

    assert report.ok, report.errors
    assert report.created == 0
    assert report.updated == 2
    assert KPI.objects.count() == 1 and Measure.objects.count() == 3 and Goal.objects.count() == 1
    assert KPITarget.objects.get(kpi=kpi, year=2030).value == 90
    assert Measure.objects.get(code="5.3").title == "Вывод занятости из тени"

    # the same file once more changes nothing
    report = importers.structure_import(
        strategy=strategy, source=_edit(filled, change), name="2.xlsx"
    )
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == report.total_rows


def test_import_reports_progress_row_by_row_within_each_sheet(strategy: Any) -> None:
    data = _edit(importers.structure_template(strategy, filled=False), _fill_structure)
    heard: list[tuple[int, int, str]] = []

    report = importers.structure_import(
        strategy=strategy,
        source=data,
        name="стратегия.xlsx",
        progress=lambda done, total, stage: heard.append((done, total, stage)),
    )

    assert report.ok, report.errors
    measures = [done for done, _total, stage in heard if stage == "Лист «Мероприятия»"]
    assert len(set(measures)) >= 3  # each of the three measures moves the bar
    assert heard[-1][0] == heard[-1][1] == report.total_rows


def test_bad_rows_are_reported_by_line_and_nothing_is_saved(strategy: Any) -> None:
    def bad(wb: Any) -> None:
        _fill_structure(wb)
        kpis = wb["Показатели"]
        header = [c.value for c in kpis[1]]
        kpis.cell(row=2, column=header.index("Единица измерения") + 1, value="")
        m = wb["Мероприятия"]
        header = [c.value for c in m[1]]
        m.cell(row=3, column=header.index("Окончание") + 1, value=dt.datetime(2024, 1, 1))
        m.cell(row=4, column=header.index("Выполнение, %") + 1, value=140)

    report = importers.structure_import(
        strategy=strategy, source=_edit(importers.structure_template(strategy), bad), name="x.xlsx"
    )

    assert not report.ok
    reasons = [str(e) for e in report.errors]
    assert any("строка 2" in r and "единица измерения" in r for r in reasons), reasons
    assert any("строка 3" in r and "раньше, чем начинается" in r for r in reasons), reasons
    assert any("строка 4" in r and "а не 140" in r for r in reasons), reasons
    assert not Goal.objects.exists() and not Measure.objects.exists()


def test_target_year_outside_horizon_in_file_is_refused(strategy: Any) -> None:
    def extra_year(wb: Any) -> None:
        _fill_structure(wb)
        ws = wb["Показатели"]
        ws.cell(row=1, column=ws.max_column + 1, value="2040")
        ws.cell(row=2, column=ws.max_column, value=150)

    report = importers.structure_import(
        strategy=strategy, source=_edit(importers.structure_template(strategy), extra_year)
    )
    assert any("2040 вне горизонта" in str(e) for e in report.errors)
    assert not KPI.objects.exists()


def test_cycle_in_file_is_refused(strategy: Any) -> None:
    def cycle(wb: Any) -> None:
        _fill_structure(wb)
        m = wb["Мероприятия"]
        header = [c.value for c in m[1]]
        m.cell(row=2, column=header.index("Входит в") + 1, value="5.3.1")

    report = importers.structure_import(
        strategy=strategy, source=_edit(importers.structure_template(strategy), cycle)
    )
    assert any("цикл" in str(e) for e in report.errors), report.errors
    assert not Measure.objects.exists()


def test_merged_cells_and_missing_sheet_are_refused(strategy: Any) -> None:
    def merge(wb: Any) -> None:
        _fill_structure(wb)
        wb["Мероприятия"].merge_cells("A2:A3")

    with pytest.raises(InvalidInput, match="На листе «Мероприятия» объединены ячейки A2:A3"):
        importers.structure_import(
            strategy=strategy, source=_edit(importers.structure_template(strategy), merge)
        )

    def drop(wb: Any) -> None:
        del wb["Цели"]

    with pytest.raises(InvalidInput, match="нет листа «Цели»"):
        importers.structure_import(
            strategy=strategy, source=_edit(importers.structure_template(strategy), drop)
        )

    with pytest.raises(InvalidInput, match="не таблица XLSX"):
        importers.structure_import(strategy=strategy, source=b"code;title\n1;2\n", name="a.csv")
    assert not Goal.objects.exists()


def _values_file(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Факт"
    ws.append(importers.VALUE_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_kpi_values_import_and_reimport(kpi: Any) -> None:
    strategy = kpi.goal.direction.strategy
    template = load_workbook(io.BytesIO(importers.kpi_values_template(strategy)))
    assert [c.value for c in template["Факт"][1]] == importers.VALUE_COLUMNS
    assert template["Факт"]["A2"].value == "П5.3"

    data = _values_file(
        [
            ["П5.3", "", "тыс. чел.", 2024, "", 56, "Управление ФНС"],
            ["П5.3", "", "тыс. чел.", 2024, "36724000000", 3.1, "Управление ФНС"],
        ]
    )
    report = importers.kpi_values_import(strategy=strategy, source=data)
    assert report.ok and report.created == 2
    again = importers.kpi_values_import(
        strategy=strategy,
        source=_values_file([["П5.3", "", "тыс. чел.", 2024, "", 57, "Управление ФНС"]]),
    )
    assert (again.created, again.updated) == (0, 1)
    assert KPIValue.objects.get(kpi=kpi, year=2024, municipality__isnull=True).value == 57


def test_kpi_value_in_wrong_unit_column_refuses_the_whole_file(kpi: Any) -> None:
    strategy = kpi.goal.direction.strategy
    data = _values_file(
        [
            ["П5.3", "", "тыс. чел.", 2024, "", 56, ""],
            ["П5.3", "", "%", 2025, "", 12, ""],
            ["П9.9", "", "%", 2025, "", 12, ""],
            ["П5.3", "", "тыс. чел.", 2024, "", 58, ""],
        ]
    )
    report = importers.kpi_values_import(strategy=strategy, source=data)
    reasons = {e.line: (e.column, e.reason) for e in report.errors}
    assert reasons[3][0] == "Единица измерения" and "в «тыс. чел.»" in reasons[3][1]
    assert "нет показателя" in reasons[4][1]
    assert "уже есть в строке 2" in reasons[5][1]
    assert not KPIValue.objects.exists()

    missing = Workbook()
    missing.active.title = "Значения"
    out = io.BytesIO()
    missing.save(out)
    with pytest.raises(InvalidInput, match="нет листа «Факт»"):
        importers.kpi_values_import(strategy=strategy, source=out.getvalue())
