"""The dashboard as an XLSX workbook: topics, directions, municipalities, and the
classifier's quality when the analysis could measure it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicplan.insights.selectors import Dashboard
from civicplan.reports.tabular import Sheet, xlsx_bytes

PROBLEM_NOTES = {
    "unlabelled": gettext_lazy("не размечено ни разу: модель узнаёт его только по описанию"),
    "missed": gettext_lazy("почти не распознаётся: разметьте ещё 20–30 примеров"),
    "few": gettext_lazy("мало примеров, оценка приблизительна; разметьте ещё 20–30"),
    "weak": gettext_lazy("распознаётся плохо: проверьте разметку и описание направления"),
}


def _quality_sheet(board: Dashboard) -> Sheet | None:
    quality = board.quality
    if quality is None:
        return None
    mistakes = [
        [
            _("«%(truth)s» принимают за «%(predicted)s» — %(count)s")
            % {"truth": m.truth, "predicted": m.predicted, "count": m.count}
            if m.predicted
            else _("«%(truth)s» остаётся без направления — %(count)s")
            % {"truth": m.truth, "count": m.count}
        ]
        for m in quality.confusions
    ]
    return Sheet(
        title=_("Качество классификатора"),
        preamble=[
            [_("Верно определено направление, доля"), quality.accuracy],
            [_("Среднее качество по направлениям (macro-F1)"), quality.macro_f1],
            [
                _("Проверено размеченных примеров"),
                quality.examples,
                _("из"),
                quality.examples_total,
            ],  # fmt: skip
            [],
        ],
        header=[
            _("Направление"),
            _("Точность"),
            _("Полнота"),
            _("F1"),
            _("Размечено примеров"),
            _("Проверено"),
            _("Замечание"),
        ],
        rows=[
            [
                row.title,
                row.precision if row.tested else None,
                row.recall if row.tested else None,
                row.f1 if row.tested else None,
                row.labelled,
                row.tested,
                str(PROBLEM_NOTES.get(row.problem, "")),
            ]
            for row in quality.rows
        ],
        footer=[[], [_("Что с чем путают")], *mistakes],
        number_formats={1: "0%", 2: "0%", 3: "0%"},
    )


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
    quality = _quality_sheet(board)
    if quality is not None:
        sheets.append(quality)
    return xlsx_bytes(sheets)
