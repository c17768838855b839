from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from civicplan.analytics.tabular import TableError, read_table, require_columns


def test_utf8_with_bom_and_commas():
    table = read_table(
        io.BytesIO("\ufefftext,town\nПочините дорогу,Отрадный\n".encode()), name="a.csv"
    )
    assert table.columns == ["text", "town"]
    assert list(table.rows) == [(2, {"text": "Почините дорогу", "town": "Отрадный"})]


def test_cp1251_with_semicolons():
    data = "текст;город\nНужен детский сад;Кинель\n".encode("cp1251")
    table = read_table(io.BytesIO(data), name="b.csv")
    assert table.encoding == "cp1251" and table.delimiter == ";"
    assert next(table.rows)[1]["город"] == "Кинель"


def test_xlsx(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["text", "n"])
    sheet.append(["Отремонтировать школу в Похвистнево", 3])
    sheet.append([None, None])
    sheet.append(["Построить бассейн", 4.0])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    rows = list(read_table(path).rows)
    assert rows == [
        (2, {"text": "Отремонтировать школу в Похвистнево", "n": "3"}),
        (4, {"text": "Построить бассейн", "n": "4"}),
    ]


def test_missing_column_names_file_and_columns():
    table = read_table(io.BytesIO(b"a,b\n1,2\n"), name="d.csv")
    with pytest.raises(TableError, match="d.csv.*«text»"):
        require_columns(table, "text")


def test_missing_file():
    with pytest.raises(TableError, match="не найден"):
        read_table("/nonexistent/file.csv")
