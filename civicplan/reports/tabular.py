"""Tables as files: one XLSX/CSV writer for every export of the platform.

    sheet = Sheet(title=_("Предложения"), header=[_("Номер"), _("Текст")], rows=rows)
    return xlsx_response([sheet], filename="proposals.xlsx")
    return csv_response(header, rows, filename="proposals.csv")

Every text cell is defused: a spreadsheet program runs a cell starting with =, +, -, @, a
tab or a carriage return as a formula (CSV/formula injection, OWASP), so such a cell gets a
leading apostrophe and is stored as text. Numbers, dates and booleans stay typed values, so
that sums and sorting work in the spreadsheet.
"""

from __future__ import annotations

import csv
import datetime
import io
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from civicplan.reports.documents import CSV, XLSX, attachment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | Decimal | bool | datetime.date | datetime.datetime | None


def defuse(value: Any) -> Any:
    """A text that a spreadsheet would run as a formula is made plain text; others unchanged."""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if value is None or isinstance(value, int | float | Decimal | datetime.date):
        return value
    # numpy's counts and scores (the analytics results) are numbers, not text, in a sheet.
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return defuse(str(value))  # lazy translations and other objects are written as text


@dataclass
class Sheet:
    """A worksheet: lines above the table, a bold header, rows, lines below."""

    title: str
    header: Sequence[Any]
    rows: Iterable[Sequence[Any]]
    preamble: Sequence[Sequence[Any]] = ()
    footer: Sequence[Sequence[Any]] = ()
    widths: Sequence[float] | None = None  # None: fitted to the content, 10 to 80 characters
    freeze_header: bool = True
    freeze_columns: int = 0  # columns kept in view when scrolling right
    number_formats: dict[int, str] = field(default_factory=dict)  # column index → format
    header_fill: str = ""  # a background colour of the header row, e.g. "DDE6F0"
    row_fills: dict[int, str] = field(default_factory=dict)  # data row index → background
    bold_header: bool = True


def _excel_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet title."""
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in str(title)).strip()
    return (cleaned or _("Лист"))[:31]


def _write_sheet(book: Any, spec: Sheet) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(_excel_title(spec.title))
    widths: dict[int, int] = {}

    def add(row: Sequence[Any], *, track: bool = True) -> None:
        values = [defuse(v) for v in row]
        sheet.append(values)
        if track:
            for i, v in enumerate(values):
                widths[i] = max(widths.get(i, 0), len(str(v)) if v is not None else 0)

    for line in spec.preamble:
        add(line, track=False)
    if spec.preamble:
        sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    header_row = sheet.max_row + 1 if spec.preamble else 1
    add(list(spec.header))
    for cell in sheet[header_row]:
        if spec.bold_header:
            cell.font = Font(bold=True)
        if spec.header_fill:
            cell.fill = PatternFill("solid", fgColor=spec.header_fill)
    fills = {c: PatternFill("solid", fgColor=c) for c in set(spec.row_fills.values())}
    for index, row in enumerate(spec.rows):
        add(row)
        colour = spec.row_fills.get(index)
        if colour:
            # Cells by coordinates: `sheet[n]` and `sheet.max_row` scan the whole sheet.
            row_number = header_row + 1 + index
            for column in range(1, len(row) + 1):
                sheet.cell(row=row_number, column=column).fill = fills[colour]
    for line in spec.footer:
        add(line, track=False)
    if spec.freeze_header:
        # A coordinate, not `sheet.cell(...)`: that would create an empty row under the header,
        # and rows a person appends to a template would start one row lower.
        sheet.freeze_panes = f"{get_column_letter(spec.freeze_columns + 1)}{header_row + 1}"
    for index, fmt in spec.number_formats.items():
        for (cell,) in sheet.iter_rows(
            min_row=header_row + 1, min_col=index + 1, max_col=index + 1
        ):
            cell.number_format = fmt
    for i in range(len(spec.header)):
        width = spec.widths[i] if spec.widths and i < len(spec.widths) else None
        if width is None:
            width = min(80, max(10, widths.get(i, 0) + 2))
        sheet.column_dimensions[get_column_letter(i + 1)].width = width


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The workbook with the given sheets, in order."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    for spec in sheets:
        _write_sheet(book, spec)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(sheets: Sheet | Sequence[Sheet], *, filename: str) -> HttpResponse:
    """A download of the workbook."""
    if isinstance(sheets, Sheet):
        sheets = [sheets]
    return attachment(xlsx_bytes(sheets), filename=filename, content_type=XLSX)


def csv_bytes(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, delimiter: str = ";"
) -> bytes:
    """UTF-8 with a byte order mark and `;` between cells: what Excel in Russia opens as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([defuse(v) for v in header])
    for row in rows:
        writer.writerow([defuse(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def csv_response(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], *, filename: str, delimiter: str = ";"
) -> HttpResponse:
    """A download of the table as CSV."""
    return attachment(
        csv_bytes(header, rows, delimiter=delimiter), filename=filename, content_type=CSV
    )
