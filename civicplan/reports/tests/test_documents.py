"""Large tables in DOCX documents: written fast, read back as typed by Word and python-docx."""

from __future__ import annotations

import io

from docx import Document

from civicplan.reports.documents import DocxTable, docx_bytes, docx_table_slot


def test_a_table_slot_is_replaced_by_the_table_with_its_rows_in_place() -> None:
    # given a document with a heading, a reserved table slot and a closing line
    document = Document()
    document.add_heading("Сводка предложений и замечаний", level=1)
    slot = docx_table_slot(document)
    document.add_paragraph("Руководитель рабочей группы")
    rows = [
        (
            1,
            "Раздел 2, п. 2.3",
            "Житель",
            "Заменить «до 2030 года» на\n«до 2028 года» & <срочно>",
            "Учтено",
        ),
        (2, "Раздел 3, п. 3.1", "ООО «Волга\x07Агро»", "=СУММ(A1:A2)", "Не учтено"),
    ]

    # when it is saved with the table
    content = docx_bytes(
        document,
        tables={
            slot: DocxTable(header=["№", "Пункт", "Автор", "Предложение", "Решение"], rows=rows)
        },
    )

    # then Word (python-docx here) reads one table between the heading and the closing line,
    # with the header, every row, line breaks as paragraphs and no control characters
    reopened = Document(io.BytesIO(content))
    assert [p.text for p in reopened.paragraphs] == [
        "Сводка предложений и замечаний",
        "Руководитель рабочей группы",
    ]
    body = [child.tag.rsplit("}", 1)[1] for child in reopened.element.body]
    assert body[:3] == ["p", "tbl", "p"]
    (table,) = reopened.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == ["№", "Пункт", "Автор", "Предложение", "Решение"]
    assert cells[1] == [
        "1",
        "Раздел 2, п. 2.3",
        "Житель",
        "Заменить «до 2030 года» на\n«до 2028 года» & <срочно>",
        "Учтено",
    ]
    assert cells[2][2] == "ООО «Волга Агро»"
