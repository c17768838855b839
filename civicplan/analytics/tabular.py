"""Reading tables the way Russian offices save them.

CSV files arrive in UTF-8 (with or without a BOM) or in cp1251, separated by `,` or `;`
(Excel's Russian locale saves `;`); XLSX files arrive from Excel. `read_table` hides the
difference and yields rows with the line number a person sees in the file, so that every
error can name it.

Rows are read lazily (XLSX in openpyxl's streaming read-only mode), and a file is capped:
past `max_rows` data rows or `MAX_COLUMNS` columns reading stops with a `TableError` that
says so in Russian, so a hostile or mistaken file cannot fill the server's memory.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO

MAX_CELL_CHARS = 1_000_000
MAX_ROWS = 100_000
MAX_COLUMNS = 200
_SNIFF_BYTES = 64 * 1024


class TableError(ValueError):
    """The file as a whole cannot be read; the message says why, in Russian."""


@dataclass(slots=True)
class Table:
    """A table read from a file: its columns and an iterator of (line number, row)."""

    name: str
    columns: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str = "utf-8"
    delimiter: str = ","
    warnings: list[str] = field(default_factory=list)


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (BOM stripped) when the bytes decode as UTF-8, otherwise cp1251."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        if exc.start < len(sample) - 4:
            return "cp1251"
    return "utf-8"


def detect_delimiter(header_line: str) -> str:
    """`;` when the header has more semicolons than commas (Excel, Russian locale)."""
    semicolons = header_line.count(";")
    commas = header_line.count(",")
    tabs = header_line.count("\t")
    if tabs > max(semicolons, commas):
        return "\t"
    return ";" if semicolons > commas else ","


def _looks_binary(sample: bytes) -> bool:
    """Binary (or UTF-16) data is full of NUL bytes; a stray one in a cell is not binary.

    A stray NUL reaches the importer, which refuses that cell by line and column.
    """
    head = sample[:_SNIFF_BYTES]
    return b"\x00\x00" in head or head.count(b"\x00") * 100 > len(head)


def _is_xlsx(sample: bytes, name: str) -> bool:
    return sample[:4] == b"PK\x03\x04" or name.lower().endswith((".xlsx", ".xlsm"))


def _rows_over(display: str, max_rows: int) -> TableError:
    return TableError(
        f"В файле {display} больше {max_rows:,} строк — столько за один раз не загрузить. "
        "Разделите файл на части.".replace(",", "\u00a0")
    )


def _columns_check(columns: list[str], display: str) -> None:
    if len(columns) > MAX_COLUMNS:
        raise TableError(
            f"В файле {display} {len(columns)} столбцов, допустимо не больше {MAX_COLUMNS}."
        )


def read_table(
    source: str | os.PathLike[str] | IO[bytes] | BinaryIO,
    *,
    name: str | None = None,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Open a CSV or XLSX file and return its header and rows.

    Raises `TableError` with a Russian message for an empty, binary or unreadable file; the
    rows iterator raises it when the file has more than `max_rows` data rows.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        display = name or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise TableError(f"Файл {display} не найден.") from exc
        except IsADirectoryError as exc:
            raise TableError(f"{display} — это папка, а не файл.") from exc
    else:
        display = name or str(getattr(source, "name", "файл"))
        data = source.read()
    if not data.strip():
        raise TableError(f"Файл {display} пуст.")
    if _is_xlsx(data, display):
        return _read_xlsx(data, display, max_rows)
    if _looks_binary(data):
        raise TableError(f"Файл {display} не похож на таблицу CSV или XLSX: в нём двоичные данные.")
    encoding = detect_encoding(data[:_SNIFF_BYTES])
    text = data.decode(encoding, errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = detect_delimiter(first_line)
    return _read_csv_text(text, display, encoding, delimiter, max_rows)


def _read_csv_text(
    text: str, display: str, encoding: str, delimiter: str, max_rows: int = MAX_ROWS
) -> Table:
    csv.field_size_limit(max(MAX_CELL_CHARS * 20, 2**24))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise TableError(f"Файл {display} пуст.") from exc
    columns = [c.strip() for c in header]
    if not any(columns):
        raise TableError(f"В первой строке файла {display} нет названий столбцов.")
    _columns_check(columns, display)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        count = 0
        for values in reader:
            line = reader.line_num
            if not values or not any(v.strip() for v in values):
                continue
            count += 1
            if count > max_rows:
                raise _rows_over(display, max_rows)
            row = {col: (values[i] if i < len(values) else "") for i, col in enumerate(columns)}
            if len(values) > len(columns):
                row["__extra__"] = delimiter.join(values[len(columns) :])
            yield line, row

    return Table(name=display, columns=columns, rows=rows(), encoding=encoding, delimiter=delimiter)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes, display: str, max_rows: int = MAX_ROWS) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise TableError(f"Файл {display} не удалось прочитать как XLSX: {exc}") from exc
    sheet = workbook.worksheets[0]
    declared = sheet.max_row  # from the sheet's own <dimension>, when Excel wrote one
    if declared is not None and declared - 1 > max_rows:
        workbook.close()
        raise _rows_over(display, max_rows)
    header_rows = sheet.iter_rows(values_only=True, max_row=1, max_col=MAX_COLUMNS + 1)
    try:
        header = next(header_rows)
    except StopIteration as exc:
        raise TableError(f"Файл {display} пуст.") from exc
    columns = [_cell_text(c).strip() for c in header]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise TableError(f"В первой строке файла {display} нет названий столбцов.")
    _columns_check(columns, display)
    iterator = sheet.iter_rows(values_only=True, min_row=2, max_col=len(columns))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        count = 0
        try:
            for line, values in enumerate(iterator, start=2):
                cells = [_cell_text(v) for v in values]
                if not any(c.strip() for c in cells):
                    continue
                count += 1
                if count > max_rows:
                    raise _rows_over(display, max_rows)
                yield (
                    line,
                    {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(columns)},
                )
        finally:
            workbook.close()

    return Table(name=display, columns=columns, rows=rows(), encoding="xlsx", delimiter="")


def require_columns(table: Table, *required: str) -> None:
    """Raise `TableError` naming the file and the missing columns."""
    missing = [c for c in required if c not in table.columns]
    if missing:
        listed = ", ".join(f"«{c}»" for c in missing)
        present = ", ".join(f"«{c}»" for c in table.columns)
        raise TableError(f"В файле {table.name} нет столбца {listed}. Есть столбцы: {present}.")
