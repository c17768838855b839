"""The dashboard as an XLSX workbook: topics, directions, municipalities."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicplan.insights.selectors import Dashboard
from civicplan.reports.tabular import Sheet, xlsx_bytes


def _sheet(title: str, header: list[str], rows: list[list[Any]]) -> Sheet:
    return Sheet(title=title, header=header, rows=rows)


def dashboard_xlsx(board: Dashboard) -> bytes:
    sheets: list[Sheet] = []
    sheets.append(
        _sheet(
            _("Темы"),
            [
                _("Направление"),
                _("Тема"),
                _("Ключевые слова"),
                _("Предложений"),
                _("Поддержек"),
                _("Ключевое предложение"),
                _("Сводка"),
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
    )
    sheets.append(
        _sheet(
            _("Направления"),
            [_("Направление"), _("Предложений")],
            [[d.title if d else _("не определено"), n] for d, n in board.directions],
        )
    )
    sheets.append(
        _sheet(
            _("Муниципалитеты"),
            [
                _("ОКТМО"),
                _("Муниципальное образование"),
                _("Население"),
                _("Предложений"),
                _("На 1 000 жителей"),
            ],
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
    )
    return xlsx_bytes(sheets)
