"""Reports a working group can read: a self-contained HTML page or an Excel workbook.

Both show the same things: how many texts, the directions with counts, the topics of each
direction with their labels, sizes, key proposals and summaries, the duplicate groups, the
municipalities mentioned, and the rows that could not be analysed. The HTML file carries
its bar charts in HTML and its styles in the page: it opens anywhere, offline, and can be
mailed as one file. The workbook has a sheet per section and native Excel charts.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from civicplan.analytics.text.personal import mask_personal_data_many
from civicplan.analytics.text.pipeline import AnalysisResult, TopicResult

__all__ = ["ReportInfo", "bar_chart_html", "write_html", "write_xlsx", "write_report"]

XLSX_CELL_LIMIT = 32_767
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SNIPPET = 400


@dataclass(slots=True)
class ReportInfo:
    """What the report says about its input."""

    source: str = ""
    title: str = "Анализ предложений жителей"
    generated_at: datetime | None = None
    rows_total: int | None = None
    problems: list[str] = field(default_factory=list)  # messages about rows not analysed


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _snippet(text: str, limit: int = _SNIPPET) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u00a0")


def bar_chart_html(items: Sequence[tuple[str, int]], *, title: str, max_items: int = 20) -> str:
    """A horizontal bar chart as a list of rows in HTML and CSS (no scripts, no SVG): label,
    bar and count side by side on a wide screen; on a phone the label takes its own line
    above the bar, so the chart fits the screen and every label is read in full."""
    items = list(items)[:max_items]
    if not items:
        return ""
    peak = max(v for _, v in items) or 1
    parts = [f'<figure class="chart"><figcaption>{_e(title)}</figcaption><ol class="bars">']
    for label, value in items:
        share = max(0.5, 100 * value / peak) if value else 0
        parts.append(
            f'<li><span class="bar-label">{_e(label)}</span>'
            f'<span class="bar-track" aria-hidden="true"><span class="bar" '
            f'style="width:{share:.1f}%"></span></span>'
            f'<span class="bar-value">{_number(value)}</span></li>'
        )
    parts.append("</ol></figure>")
    return "".join(parts)


_CSS = """
body{font-family:"PT Sans","Segoe UI",Arial,sans-serif;color:#1d2733;margin:0;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px 32px 48px;background:#fff}
h1{font-size:28px;margin:8px 0 4px}h2{font-size:22px;margin:36px 0 12px;
border-bottom:2px solid #0b5394;padding-bottom:4px}h3{font-size:18px;margin:24px 0 8px}
.meta{color:#5b6675;margin:0 0 16px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0;padding:0;list-style:none}
.figures li{border:1px solid #d6dce4;border-radius:6px;padding:10px 14px;min-width:150px}
.figures b{display:block;font-size:24px;color:#0b5394}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid #d6dce4;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef2f7}td.num{text-align:right;white-space:nowrap}
.note{color:#5b6675;font-size:13px}
.chart{margin:8px 0 16px}.chart figcaption{color:#5b6675;font-size:13px;margin:0 0 6px}
.bars{list-style:none;margin:0;padding:0;font-size:13px}
.bars li{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr) 4.5em;gap:4px 10px;
align-items:center;margin:0 0 4px}
.bar-label{text-align:right;overflow-wrap:anywhere}.bar-value{color:#5b6675;white-space:nowrap}
.bar-track{display:block;height:14px}
.bar{display:block;height:100%;background:#0b5394;print-color-adjust:exact;
-webkit-print-color-adjust:exact}
@media (forced-colors:active){.bar{background:CanvasText}}
@media (max-width:600px){main{padding:16px 12px 32px}h1{font-size:24px}
.bars li{grid-template-columns:minmax(0,1fr) 4.5em;margin:0 0 8px}
.bar-label{grid-column:1/-1;text-align:left}
table.stack thead{display:none}
table.stack tr{display:block;border:1px solid #d6dce4;margin:0 0 12px;padding:6px 8px}
table.stack td{display:block;border:none;padding:2px 0;text-align:left;white-space:normal}
table.stack td[data-label]::before{content:attr(data-label) ": ";color:#5b6675;font-size:13px}}
.problems li{color:#8a1c1c}
blockquote{margin:4px 0;padding:4px 10px;border-left:3px solid #9bb7d4;background:#f3f7fb}
"""


def _topic_rows(topics: Sequence[TopicResult]) -> str:
    rows = []
    for t in topics:
        label = t.label if t.id >= 0 else "прочее (не вошедшие в темы)"
        key = f"<blockquote>{_e(_snippet(t.key_text))}</blockquote>" if t.key_text else "—"
        rows.append(
            "<tr>"
            f'<td class="num" data-label="№">{t.id if t.id >= 0 else "—"}</td>'
            f"<td><b>{_e(label)}</b></td>"
            f'<td class="num" data-label="Текстов">{_number(t.size)}</td>'
            f'<td data-label="Ключевое предложение">{key}</td>'
            f'<td data-label="Сводка">{_e(_snippet(t.summary, 600))}</td>'
            "</tr>"
        )
    return "".join(rows)


def write_html(result: AnalysisResult, path: str | Path, info: ReportInfo | None = None) -> None:
    """Write the report as one self-contained HTML file (UTF-8)."""
    info = info or ReportInfo()
    generated = (info.generated_at or datetime.now()).strftime("%d.%m.%Y %H:%M")
    docs = result.documents
    n = len(docs)
    topics = [t for t in result.topics if t.id >= 0]
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="ru"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(info.title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(info.title)}</h1>",
        f'<p class="meta">Файл: {_e(info.source or "—")} · сформирован {generated}</p>',
        '<ul class="figures">',
        f"<li><b>{_number(n)}</b>{_plural(n, 'текст', 'текста', 'текстов')} проанализировано</li>",
    ]
    if info.problems:
        out.append(f"<li><b>{_number(len(info.problems))}</b>строк не проанализировано</li>")
    out.append(
        f"<li><b>{_number(len(topics))}</b>{_plural(len(topics), 'тема', 'темы', 'тем')}</li>"
    )
    out.append(
        f"<li><b>{_number(len(result.duplicate_groups))}</b>групп дубликатов "
        f"({_number(result.duplicates)} повторов)</li>"
    )
    if result.places:
        out.append(f"<li><b>{_number(len(result.places))}</b>территорий упомянуто</li>")
    out.append("</ul>")

    if result.classified:
        out.append('<section aria-labelledby="directions"><h2 id="directions">Направления</h2>')
        items = list(result.directions.items())
        out.append(bar_chart_html(items, title="Число предложений по направлениям"))
        out.append("<table><thead><tr><th>Направление</th><th>Предложений</th><th>Доля</th>")
        out.append("</tr></thead><tbody>")
        for name, count in items:
            share = f"{100 * count / n:.1f}".replace(".", ",") + "\u00a0%" if n else "—"
            out.append(
                f'<tr><td>{_e(name)}</td><td class="num">{_number(count)}</td>'
                f'<td class="num">{share}</td></tr>'
            )
        out.append("</tbody></table>")
        if result.classifier_mode:
            out.append(
                f'<p class="note">Способ классификации: {_e(_mode_name(result.classifier_mode))}.'
                " «Не определено» — уверенность ниже порога, текст ждёт модератора.</p>"
            )
        out.append("</section>")

    out.append('<section aria-labelledby="topics"><h2 id="topics">Темы</h2>')
    groups: dict[str | None, list[TopicResult]] = {}
    for t in result.topics:
        groups.setdefault(t.direction, []).append(t)
    if not result.topics:
        out.append("<p>Тем не выделено: текстов слишком мало.</p>")
    for direction, items_ in groups.items():
        if direction is not None or result.classified:
            out.append(f"<h3>{_e(direction or 'Не определено')}</h3>")
        chart = [(t.label, t.size) for t in items_ if t.id >= 0]
        out.append(bar_chart_html(chart, title=f"Размер тем: {direction or 'все тексты'}"))
        out.append(
            '<table class="stack"><thead><tr><th>№</th><th>Тема</th><th>Текстов</th>'
            "<th>Ключевое предложение</th><th>Сводка</th></tr></thead><tbody>"
        )
        out.append(_topic_rows(items_))
        out.append("</tbody></table>")
    out.append("</section>")

    out.append('<section aria-labelledby="duplicates"><h2 id="duplicates">Дубликаты</h2>')
    if result.duplicate_groups:
        by_id = {d.id: d for d in docs}
        biggest = sorted(result.duplicate_groups, key=lambda g: (-g.size, g.number))[:100]
        out.append(
            f"<p>{_number(len(result.duplicate_groups))} групп; ниже — самые крупные "
            f"(до 100). Оригинал — самое раннее обращение группы.</p>"
        )
        out.append(
            '<table class="stack"><thead><tr><th>Группа</th><th>Обращений</th><th>Оригинал</th>'
            "<th>Текст оригинала</th><th>Повторы</th></tr></thead><tbody>"
        )
        originals = mask_personal_data_many(
            [
                _snippet(by_id[g.original_id].text if g.original_id in by_id else "", 300)
                for g in biggest
            ],
            drop_signatures=True,
        )
        for g, excerpt in zip(biggest, originals, strict=True):
            others = ", ".join(g.member_ids[1:11]) + (" …" if g.size > 11 else "")
            out.append(
                f'<tr><td class="num" data-label="Группа">{g.number}</td>'
                f'<td class="num" data-label="Обращений">{g.size}</td>'
                f'<td data-label="Оригинал">{_e(g.original_id)}</td>'
                f'<td data-label="Текст оригинала">{_e(excerpt)}</td>'
                f'<td data-label="Повторы">{_e(others)}</td></tr>'
            )
        out.append("</tbody></table>")
    else:
        out.append("<p>Дубликатов не найдено.</p>")
    out.append("</section>")

    if result.places:
        out.append('<section aria-labelledby="places"><h2 id="places">Территории</h2>')
        out.append(
            bar_chart_html(
                [(p.name, p.documents) for p in result.places],
                title="Упоминания муниципальных образований",
            )
        )
        out.append(
            '<table class="stack"><thead><tr><th>Муниципальное образование</th><th>Вид</th>'
            "<th>Код</th><th>Текстов</th></tr></thead><tbody>"
        )
        for p in result.places:
            out.append(
                f'<tr><td>{_e(p.name)}</td><td data-label="Вид">{_e(p.kind)}</td>'
                f'<td data-label="Код">{_e(p.id)}</td>'
                f'<td class="num" data-label="Текстов">{_number(p.documents)}</td></tr>'
            )
        out.append("</tbody></table></section>")

    if info.problems:
        out.append(
            '<section aria-labelledby="problems"><h2 id="problems">Не проанализировано</h2>'
            '<ul class="problems">'
        )
        out.extend(f"<li>{_e(p)}</li>" for p in info.problems[:500])
        if len(info.problems) > 500:
            out.append(f"<li>… и ещё {len(info.problems) - 500}</li>")
        out.append("</ul></section>")

    out.append(
        '<section aria-labelledby="method"><h2 id="method">Как получен отчёт</h2>'
        '<p class="note">Тексты очищены от разметки, контакты скрыты; слова приведены к '
        "начальной форме. Направления определены по описаниям направлений или по "
        "размеченным примерам; дубликаты — по совпадению фрагментов и близости смысла; "
        "темы — кластеризацией внутри направления, название темы — её самые характерные "
        "слова; сводка — самые типичные предложения жителей. Территории найдены по "
        "названиям в любом падеже.</p></section>"
    )
    out.append("</main></body></html>")
    Path(path).write_text("\n".join(out), encoding="utf-8")


def _mode_name(mode: str) -> str:
    names = {
        "zero-shot": "по описаниям направлений (без размеченных примеров)",
        "zero-shot+self-training": "по описаниям направлений с дообучением на самих текстах",
        "supervised": "по размеченным примерам",
        "supervised+self-training": "по размеченным примерам с дообучением на самих текстах",
        "few-shot": "по нескольким размеченным примерам",
        "few-shot+self-training": "по нескольким размеченным примерам с дообучением на самих текстах",
    }
    return names.get(mode, mode)


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(…) in a
# resident's text); such a cell is written with a leading apostrophe, as text. The same rule as
# `civicplan.reports.tabular.defuse`, which this Django-free package cannot import.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: object) -> Any:
    """A text cell a spreadsheet shows and never runs."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_text(value: object) -> Any:
    """A value Excel accepts: no control characters, at most 32,767 characters, no formula."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return value
    text = cell_text(str(value))
    text = _ILLEGAL_XLSX.sub(" ", text)
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - 1] + "…"
    return text


def _sheet(workbook: Any, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
           widths: Sequence[int]) -> Any:  # fmt: skip
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(title)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
    for row in rows:
        sheet.append([xlsx_text(v) for v in row])
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    sheet.freeze_panes = "A2"
    return sheet


def _bar_chart(sheet: Any, title: str, rows: int, anchor: str) -> None:
    from openpyxl.chart import BarChart, Reference

    if rows < 1:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height = max(7.5, 0.6 * rows)
    chart.width = 18
    data = Reference(sheet, min_col=2, min_row=1, max_row=rows + 1)
    categories = Reference(sheet, min_col=1, min_row=2, max_row=rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    sheet.add_chart(chart, anchor)


def write_xlsx(result: AnalysisResult, path: str | Path, info: ReportInfo | None = None) -> None:
    """Write the report as an Excel workbook with a sheet per section."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    info = info or ReportInfo()
    workbook = Workbook()
    summary = workbook.create_sheet("Сводка", 0)
    workbook.remove(workbook.worksheets[1])
    summary.title = "Сводка"
    generated = (info.generated_at or datetime.now()).strftime("%d.%m.%Y %H:%M")
    topics = [t for t in result.topics if t.id >= 0]
    for row in (
        (info.title, ""),
        ("Файл", info.source or "—"),
        ("Сформирован", generated),
        ("Проанализировано текстов", len(result.documents)),
        ("Не проанализировано строк", len(info.problems)),
        ("Тем", len(topics)),
        ("Групп дубликатов", len(result.duplicate_groups)),
        ("Повторов", result.duplicates),
        ("Территорий упомянуто", len(result.places)),
    ):
        summary.append([xlsx_text(v) for v in row])
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 60
    summary["A1"].font = Font(bold=True, size=14)

    if result.classified:
        sheet = _sheet(
            workbook,
            "Направления",
            ("Направление", "Предложений"),
            list(result.directions.items()),
            (50, 14),
        )
        _bar_chart(sheet, "Предложения по направлениям", len(result.directions), "D2")

    _sheet(
        workbook,
        "Темы",
        (
            "Направление",
            "№ темы",
            "Тема",
            "Текстов",
            "Ключевое предложение",
            "Сводка",
            "Ключевые слова",
        ),  # fmt: skip
        [
            (
                t.direction or ("Не определено" if result.classified else ""),
                t.id if t.id >= 0 else "",
                t.label,
                t.size,
                t.key_text,
                t.summary,
                ", ".join(t.terms),
            )
            for t in result.topics
        ],
        (28, 8, 36, 10, 70, 70, 30),
    )
    # Every text of the workbook masked as summaries are (patterns, morphology, and the NER
    # on the few texts where a name is left), on both cores for a large corpus.
    shown = dict(
        zip(
            (d.id for d in result.documents),
            mask_personal_data_many([d.text for d in result.documents], n_jobs=2),
            strict=True,
        )
    )
    _sheet(
        workbook,
        "Дубликаты",
        ("Группа", "Обращений", "Оригинал", "Текст оригинала", "Повторы"),
        [
            (
                g.number,
                g.size,
                g.original_id,
                shown.get(g.original_id, ""),
                ", ".join(g.member_ids[1:]),
            )
            for g in result.duplicate_groups
        ],
        (10, 12, 14, 80, 40),
    )
    if result.places:
        sheet = _sheet(
            workbook,
            "Территории",
            ("Муниципальное образование", "Текстов", "Вид", "Код"),
            [(p.name, p.documents, p.kind, p.id) for p in result.places],
            (44, 10, 22, 16),
        )
        _bar_chart(sheet, "Упоминания территорий", min(20, len(result.places)), "F2")
    _sheet(
        workbook,
        "Тексты",
        (
            "id",
            "Текст",
            "Направление",
            "Уверенность",
            "Тема",
            "Название темы",
            "Группа дубликатов",
            "Дубликат для",
            "Территории",
        ),  # fmt: skip
        [
            (
                d.id,
                shown[d.id],
                d.direction_display if result.classified else "",
                d.confidence,
                d.topic,
                d.topic_label,
                d.duplicate_group,
                d.duplicate_of,
                "; ".join(d.places),
            )
            for d in result.documents
        ],
        (12, 80, 28, 12, 8, 36, 12, 14, 24),
    )
    if info.problems:
        _sheet(workbook, "Ошибки", ("Что не так",), [(p,) for p in info.problems], (120,))
    workbook.save(path)


def write_report(result: AnalysisResult, path: str | Path, info: ReportInfo | None = None) -> None:
    """HTML or XLSX by the file's extension."""
    suffix = Path(path).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        write_xlsx(result, path, info)
    elif suffix in {".html", ".htm"}:
        write_html(result, path, info)
    else:
        raise ValueError(f"Отчёт можно сохранить в .html или .xlsx, а не в «{suffix or path}».")
