"""The dashboard as an XLSX workbook: topics, directions, municipalities."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from civicplan.insights.selectors import Dashboard


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        width = max(len(str(c.value or "")) for c in column)
        sheet.column_dimensions[column[0].column_letter].width = min(80, max(10, width + 2))


def dashboard_xlsx(board: Dashboard) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "Темы",
        [
            "Направление",
            "Тема",
            "Ключевые слова",
            "Предложений",
            "Поддержек",
            "Ключевое предложение",
            "Сводка",
        ],
        [
            [
                row.topic.direction.title if row.topic.direction else "",
                row.topic.label,
                ", ".join(row.topic.terms),
                row.topic.size,
                row.topic.supports,
                row.topic.key_text,
                row.topic.summary,
            ]
            for row in board.topics
        ]
        + [
            [
                t.direction.title if t.direction else "",
                t.label,
                "",
                t.size,
                t.supports,
                "",
                t.summary,
            ]
            for t in board.other
        ],
    )
    _sheet(
        workbook,
        "Направления",
        ["Направление", "Предложений"],
        [[d.title if d else "не определено", n] for d, n in board.directions],
    )
    _sheet(
        workbook,
        "Муниципалитеты",
        ["ОКТМО", "Муниципальное образование", "Население", "Предложений", "На 1 000 жителей"],
        [
            [
                r.municipality.oktmo,
                r.municipality.name,
                r.municipality.population,
                r.proposals,
                r.per_thousand,
            ]
            for r in board.municipalities
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
