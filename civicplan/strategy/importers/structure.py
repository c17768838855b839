"""Reading a strategy workbook and importing its directions, goals, KPIs and measures."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.imports import ImportReport
from civicplan.core.registry import proposals_by_reference
from civicplan.reports.tabular import FORMULA_STARTS
from civicplan.strategy.importers.layout import (
    AGGREGATE_READ,
    AGGREGATE_WORDS,
    BETTER_WORDS,
    DIRECTION_COLUMNS,
    DIRECTIONS_SHEET,
    GOAL_COLUMNS,
    GOALS_SHEET,
    KPI_COLUMNS,
    KPIS_SHEET,
    MAX_COLUMNS,
    MAX_ROWS,
    MEASURE_COLUMNS,
    MEASURES_SHEET,
    _choice_by_label,
)
from civicplan.strategy.models import (
    KPI,
    Goal,
    Measure,
    MeasureState,
    Sector,
    Strategy,
    StrategyChange,
)
from civicplan.strategy.services import (
    change_record,
    direction_upsert,
    goal_upsert,
    kpi_upsert,
    measure_rollup,
    measure_upsert,
)

# --- reading ------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        # our templates write a text that a spreadsheet would run as a formula with a leading
        # apostrophe (civicplan.reports.tabular.defuse): read it back as it was typed
        if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2]:
            return value[1:]
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _open_workbook(source: str | BinaryIO | bytes, name: str) -> Any:
    from openpyxl import load_workbook

    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str):
        with open(source, "rb") as handle:
            data = handle.read()
    else:
        data = source.read()
    if not data:
        raise InvalidInput(_("Файл %(name)s пуст.") % {"name": name}, field="file")
    if data[:4] != b"PK\x03\x04":
        raise InvalidInput(
            _(
                "Файл %(name)s — не таблица XLSX. Скачайте шаблон и заполните его в Excel или LibreOffice."
            )
            % {"name": name},
            field="file",
        )
    try:
        # Streamed: a large file is read row by row, never held as a whole in memory.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise InvalidInput(
            _("Файл %(name)s не удалось прочитать как XLSX: %(err)s") % {"name": name, "err": exc},
            field="file",
        ) from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell [^>]*ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(workbook: Any, ws: Any) -> list[str]:
    """Merged cells of a sheet, read from its XML in chunks (read-only sheets do not say)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if not path or archive is None:
        return [str(r) for r in getattr(ws, "merged_cells", ())]
    found: list[str] = []
    tail = b""
    with archive.open(path) as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            found.extend(m.decode() for m in _MERGE.findall(data))
            tail = data[-200:]
            if len(found) >= 5:
                break
    return list(dict.fromkeys(found))


def _read_sheets(
    workbook: Any,
    name: str,
    wanted: dict[str, list[str]],
    required_columns: dict[str, list[str]] | None = None,
) -> dict[str, Sheet]:
    present = list(workbook.sheetnames)
    missing = [s for s in wanted if s not in present]
    if missing:
        raise InvalidInput(
            _(
                "В файле %(name)s нет листа %(missing)s. Есть листы: %(present)s. Скачайте шаблон заново."
            )
            % {
                "name": name,
                "missing": ", ".join(f"«{s}»" for s in missing),
                "present": ", ".join(f"«{s}»" for s in present),
            },
            field="file",
        )
    sheets: dict[str, Sheet] = {}
    for sheet_name, columns in wanted.items():
        ws = workbook[sheet_name]
        merged = _merged_ranges(workbook, ws)
        if merged:
            raise InvalidInput(
                _(
                    "На листе «%(sheet)s» объединены ячейки %(cells)s. Разъедините их: в каждой ячейке "
                    "должно быть одно значение."
                )
                % {"sheet": sheet_name, "cells": ", ".join(merged[:5])},
                field="file",
            )
        header = [
            str(_cell(c) or "").strip()
            for c in next(ws.iter_rows(values_only=True, max_row=1, max_col=MAX_COLUMNS + 1), ())
        ]
        while header and not header[-1]:
            header.pop()
        if len(header) > MAX_COLUMNS:
            raise InvalidInput(
                _("На листе «%(sheet)s» больше %(n)s столбцов.")
                % {"sheet": sheet_name, "n": MAX_COLUMNS},
                field="file",
            )
        iterator = ws.iter_rows(values_only=True, min_row=2, max_col=max(len(header), 1))
        needed = (required_columns or {}).get(sheet_name, columns)
        absent = [c for c in needed if c not in header]
        if absent:
            raise InvalidInput(
                _("На листе «%(sheet)s» нет столбца %(cols)s.")
                % {"sheet": sheet_name, "cols": ", ".join(f"«{c}»" for c in absent)},
                field="file",
            )
        rows = []
        for line, values in enumerate(iterator, start=2):
            cells = [_cell(v) for v in values]
            if not any(c not in (None, "") for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise InvalidInput(
                    _("На листе «%(sheet)s» больше %(n)s строк.")
                    % {"sheet": sheet_name, "n": MAX_ROWS}
                )
            rows.append(
                (
                    line,
                    {h: (cells[i] if i < len(cells) else None) for i, h in enumerate(header) if h},
                )
            )
        sheets[sheet_name] = Sheet(name=sheet_name, columns=header, rows=rows)
    return sheets


def _text(row: dict[str, Any], column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _codes(row: dict[str, Any], column: str) -> list[str]:
    return [c.strip() for c in _text(row, column).replace(",", ";").split(";") if c.strip()]


def _int(row: dict[str, Any], column: str, *, sheet: str) -> int:
    value = row.get(column)
    try:
        return int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _("«%(v)s» — не год.") % {"v": value if value is not None else ""}, field=column
        ) from exc


def _run(report: ImportReport, sheet: str, line: int, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call `fn`; an `InvalidInput` becomes an error of this line (column from the error)."""
    try:
        with transaction.atomic():
            return fn(*args, **kwargs)
    except InvalidInput as exc:
        report.error(
            line, f"лист «{sheet}»: {exc.message}", column=COLUMN_OF_FIELD.get(exc.field or "", "")
        )
        return None


def _count(report: ImportReport, outcome: Any) -> None:
    changed = outcome[1] if isinstance(outcome, tuple) else outcome
    if changed == "created":
        report.created += 1
    elif changed == "updated":
        report.updated += 1
    else:
        report.unchanged += 1


# service field -> the column a person sees in the file
COLUMN_OF_FIELD = {
    "title": "Название",
    "name": "Название",
    "unit": "Единица измерения",
    "better": "Что лучше",
    "baseline_year": "Базовый год",
    "baseline_value": "Базовое значение",
    "targets": "",
    "code": "Код",
    "organisation": "Ответственный исполнитель",
    "sector": "Сектор",
    "state": "Состояние",
    "starts_on": "Начало",
    "ends_on": "Окончание",
    "progress": "Выполнение, %",
    "weight": "Вес",
    "parent": "Входит в",
    "budget_federal": "Федеральный бюджет, млн руб.",
    "budget_regional": "Областной бюджет, млн руб.",
    "budget_municipal": "Местные бюджеты, млн руб.",
    "budget_private": "Внебюджетные средства, млн руб.",
    "goals": "Цели",
    "kpis": "Показатели",
    "proposals": "Предложения",
    "year": "Год",
    "value": "Значение",
    "municipality": "ОКТМО",
}


# --- structure ----------------------------------------------------------------------------


def structure_import(
    *,
    strategy: Strategy,
    source: str | BinaryIO | bytes,
    actor: Any = None,
    name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import directions, goals, KPIs with targets and measures; all or nothing.

    `progress(done, total, stage)` hears how many rows are through, sheet by sheet.
    """
    from civicplan.territories.models import Indicator, Municipality

    display = name or getattr(source, "name", "") or "strategy.xlsx"
    workbook = _open_workbook(source, display)
    target_years = [str(y) for y in range(strategy.horizon_start, strategy.horizon_end + 1)]
    sheets = _read_sheets(
        workbook,
        display,
        {
            DIRECTIONS_SHEET: DIRECTION_COLUMNS,
            GOALS_SHEET: GOAL_COLUMNS,
            KPIS_SHEET: KPI_COLUMNS,
            MEASURES_SHEET: MEASURE_COLUMNS,
        },
        {
            DIRECTIONS_SHEET: ["Код", "Название"],
            GOALS_SHEET: ["Код цели", "Код направления", "Название"],
            KPIS_SHEET: KPI_COLUMNS[:7],
            MEASURES_SHEET: [
                "Код",
                "Код направления",
                "Название",
                "Ответственный исполнитель",
                "Сектор",
                "Начало",
                "Окончание",
            ],
        },
    )
    report = ImportReport(source=display)
    report.total_rows = sum(len(s.rows) for s in sheets.values())
    kpi_sheet = sheets[KPIS_SHEET]
    extra_years = [
        c for c in kpi_sheet.columns if c.isdigit() and len(c) == 4 and c not in target_years
    ]
    for year in extra_years:
        report.error(
            1,
            f"лист «{KPIS_SHEET}»: "
            + _("год %(y)s вне горизонта стратегии (%(s)s–%(e)s)")
            % {"y": year, "s": strategy.horizon_start, "e": strategy.horizon_end},
            column=year,
        )
    done = 0

    def step(sheet: str) -> None:
        nonlocal done
        if progress is not None:
            progress(done, report.total_rows, _("Лист «%(s)s»") % {"s": sheet})
        done += len(sheets[sheet].rows)

    with transaction.atomic():
        step(DIRECTIONS_SHEET)
        directions = {d.slug: d for d in strategy.directions.all()}
        for line, row in sheets[DIRECTIONS_SHEET].rows:
            slug = _text(row, "Код")
            order = row.get("Порядок") or 0
            result = _run(
                report,
                DIRECTIONS_SHEET,
                line,
                direction_upsert,
                strategy=strategy,
                slug=slug,
                title=_text(row, "Название"),
                description=_text(row, "Описание"),
                order=int(order) if str(order).isdigit() else 0,
                actor=actor,
            )
            if result:
                directions[slug] = result[0]
                _count(report, result)
        step(GOALS_SHEET)
        goals = {
            g.code: g
            for g in Goal.objects.filter(direction__strategy=strategy).select_related(
                "direction__strategy"
            )
        }
        for line, row in sheets[GOALS_SHEET].rows:
            direction = directions.get(_text(row, "Код направления"))
            if direction is None:
                report.error(
                    line,
                    f"лист «{GOALS_SHEET}»: "
                    + _("нет направления с кодом «%s»") % _text(row, "Код направления"),
                    "Код направления",
                )
                continue
            order = row.get("Порядок") or 0
            result = _run(
                report,
                GOALS_SHEET,
                line,
                goal_upsert,
                direction=direction,
                code=_text(row, "Код цели"),
                title=_text(row, "Название"),
                description=_text(row, "Описание"),
                order=int(order) if str(order).isdigit() else 0,
                actor=actor,
            )
            if result:
                goals[result[0].code] = result[0]
                _count(report, result)
        step(KPIS_SHEET)
        indicators = {i.code: i for i in Indicator.objects.all()}
        kpis = {
            k.code: k
            for k in KPI.objects.filter(goal__direction__strategy=strategy).select_related(
                "goal__direction__strategy"
            )
        }
        for order, (line, row) in enumerate(kpi_sheet.rows, start=1):
            goal = goals.get(_text(row, "Код цели"))
            if goal is None:
                report.error(
                    line,
                    f"лист «{KPIS_SHEET}»: " + _("нет цели с кодом «%s»") % _text(row, "Код цели"),
                    "Код цели",
                )
                continue
            better = BETTER_WORDS.get(_text(row, "Что лучше").lower())
            if better is None:
                report.error(
                    line,
                    f"лист «{KPIS_SHEET}»: "
                    + _("в столбце «Что лучше» пишут «больше» или «меньше»"),
                    "Что лучше",
                )
                continue
            indicator_code = _text(row, "Показатель статистики")
            indicator = indicators.get(indicator_code) if indicator_code else None
            if indicator_code and indicator is None:
                report.error(
                    line,
                    f"лист «{KPIS_SHEET}»: "
                    + _("нет показателя статистики с кодом «%s»") % indicator_code,
                    "Показатель статистики",
                )
                continue
            try:
                baseline_year = _int(row, "Базовый год", sheet=KPIS_SHEET)
            except InvalidInput as exc:
                report.error(line, f"лист «{KPIS_SHEET}»: {exc.message}", "Базовый год")
                continue
            targets = {int(y): row[y] for y in target_years if row.get(y) not in (None, "")}
            aggregate_word = _text(row, "Способ расчёта по региону").lower()
            aggregate = AGGREGATE_READ.get(aggregate_word) if aggregate_word else None
            if aggregate_word and aggregate is None:
                report.error(
                    line,
                    f"лист «{KPIS_SHEET}»: "
                    + _("в столбце «Способ расчёта по региону» пишут %(words)s")
                    % {"words": ", ".join(f"«{w}»" for w in AGGREGATE_WORDS.values())},
                    "Способ расчёта по региону",
                )
                continue
            result = _run(
                report,
                KPIS_SHEET,
                line,
                kpi_upsert,
                goal=goal,
                code=_text(row, "Код показателя"),
                name=_text(row, "Название"),
                unit=_text(row, "Единица измерения"),
                better=better,
                baseline_year=baseline_year,
                baseline_value=row.get("Базовое значение"),
                indicator=indicator,
                indicator_aggregate=aggregate,
                source=_text(row, "Источник"),
                order=None if _text(row, "Код показателя") in kpis else order,
                targets=targets,
                actor=actor,
            )
            if result:
                kpis[result[0].code] = result[0]
                _count(report, result)
        failed = {_text(row, "Код цели") for _l, row in sheets[GOALS_SHEET].rows} - set(goals)
        failed |= {_text(row, "Код показателя") for _l, row in kpi_sheet.rows} - set(kpis)
        step(MEASURES_SHEET)
        _import_measures(
            report,
            strategy,
            sheets[MEASURES_SHEET],
            directions,
            goals,
            kpis,
            Municipality,
            actor,
            failed,
        )
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
            return report
        if not (report.created or report.updated):
            return report  # an unchanged file changes nothing, not even the history
        measure_rollup(strategy=strategy, actor=actor)
        change_record(
            strategy=strategy,
            actor=actor,
            action=StrategyChange.Action.IMPORT,
            label=_("Структура из файла %(f)s") % {"f": display},
            changes={
                "добавлено": (None, report.created),
                "обновлено": (None, report.updated),
            },
        )
    return report


def _import_measures(
    report: ImportReport,
    strategy: Strategy,
    sheet: Sheet,
    directions: dict[str, Any],
    goals: dict[str, Goal],
    kpis: dict[str, KPI],
    municipality_model: Any,
    actor: Any,
    failed: set[str],
) -> None:
    """Measures in two passes: fields and links first, then parents (any order in the file).
    Links to goals or KPIs whose own rows failed are skipped: their error is already reported."""
    municipalities = {m.oktmo: m for m in municipality_model.objects.filter(region=strategy.region)}
    wanted_codes = {c for _line, row in sheet.rows for c in _codes(row, "Предложения")}
    proposals_by_code = proposals_by_reference(wanted_codes)
    measures: dict[str, Measure] = {}
    parents: list[tuple[int, str, str]] = []
    existing_codes = set(Measure.objects.filter(strategy=strategy).values_list("code", flat=True))
    for order, (line, row) in enumerate(sheet.rows, start=1):
        code = _text(row, "Код")
        direction = directions.get(_text(row, "Код направления"))
        if direction is None:
            report.error(
                line,
                f"лист «{MEASURES_SHEET}»: "
                + _("нет направления с кодом «%s»") % _text(row, "Код направления"),
                "Код направления",
            )
            continue
        problems = []
        linked: dict[str, list[Any]] = {
            "goals": [],
            "kpis": [],
            "municipalities": [],
            "proposals": [],
        }
        for column, pool, key, what in (
            ("Цели", goals, "goals", _("цели")),
            ("Показатели", kpis, "kpis", _("показателя")),
            ("Муниципалитеты (ОКТМО)", municipalities, "municipalities", _("муниципалитета")),
            ("Предложения", proposals_by_code, "proposals", _("предложения")),
        ):
            for item in _codes(row, column):
                if item in failed and key in ("goals", "kpis"):
                    continue
                if item in pool:
                    linked[key].append(pool[item])
                else:
                    problems.append(
                        (
                            column,
                            _("нет %(what)s с кодом «%(code)s»") % {"what": what, "code": item},
                        )
                    )
        sector = _choice_by_label(Sector, _text(row, "Сектор"))
        if sector is None:
            problems.append(("Сектор", _("неизвестный сектор «%s»") % _text(row, "Сектор")))
        state_text = _text(row, "Состояние")
        state = _choice_by_label(MeasureState, state_text) if state_text else MeasureState.PLANNED
        if state is None:
            problems.append(("Состояние", _("неизвестное состояние «%s»") % state_text))
        for column, reason in problems:
            report.error(line, f"лист «{MEASURES_SHEET}»: {reason}", column)
        if problems:
            continue
        fields: dict[str, Any] = {
            "direction": direction,
            "title": _text(row, "Название"),
            "description": _text(row, "Описание"),
            "organisation": _text(row, "Ответственный исполнитель"),
            "sector": sector,
            "partners": _text(row, "Соисполнители и партнёры"),
            "starts_on": row.get("Начало"),
            "ends_on": row.get("Окончание"),
            "budget_federal": row.get("Федеральный бюджет, млн руб."),
            "budget_regional": row.get("Областной бюджет, млн руб."),
            "budget_municipal": row.get("Местные бюджеты, млн руб."),
            "budget_private": row.get("Внебюджетные средства, млн руб."),
            "state": state,
        }
        if code not in existing_codes:
            fields["order"] = order
        progress = row.get("Выполнение, %")
        if progress not in (None, ""):
            fields["progress"] = progress
        weight = row.get("Вес")
        if weight not in (None, ""):
            fields["weight"] = weight
        result = _run(
            report,
            MEASURES_SHEET,
            line,
            measure_upsert,
            strategy=strategy,
            code=code,
            actor=actor,
            rollup=False,
            **linked,
            **fields,
        )
        if result:
            measures[code] = result[0]
            _count(report, result)
            parents.append((line, code, _text(row, "Входит в")))
    existing = {m.code: m for m in Measure.objects.filter(strategy=strategy)}
    for line, code, parent_code in parents:
        parent = None
        if parent_code:
            parent = existing.get(parent_code)
            if parent is None:
                report.error(
                    line,
                    f"лист «{MEASURES_SHEET}»: " + _("нет мероприятия с кодом «%s»") % parent_code,
                    "Входит в",
                )
                continue
        measure = existing[code]
        if measure.parent_id == (parent.pk if parent else None):
            continue
        _run(
            report,
            MEASURES_SHEET,
            line,
            measure_upsert,
            strategy=strategy,
            code=code,
            parent=parent,
            actor=actor,
            rollup=False,
        )
