"""Reading a strategy workbook: streamed sheets, rows with their line numbers, cell helpers."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.imports import ImportReport
from civicplan.reports.tabular import FORMULA_STARTS
from civicplan.strategy.importers.layout import (
    COLUMN_OF_FIELD,
    MAX_COLUMNS,
    MAX_ROWS,
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
        rows: list[tuple[int, dict[str, Any]]] = []
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
            line, sheet_prefix(sheet) + exc.message, column=COLUMN_OF_FIELD.get(exc.field or "", "")
        )
        return None


def sheet_prefix(sheet: str) -> str:
    """«лист «Цели»: », the start of an error message about a row of that sheet."""
    return _("лист «%(sheet)s»: ") % {"sheet": sheet}


def _count(report: ImportReport, outcome: Any) -> None:
    changed = outcome[1] if isinstance(outcome, tuple) else outcome
    if changed == "created":
        report.created += 1
    elif changed == "updated":
        report.updated += 1
    else:
        report.unchanged += 1
