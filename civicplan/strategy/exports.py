"""Exports: the whole strategy as a DOCX document, roadmaps and KPIs as an XLSX workbook."""

from __future__ import annotations

import io
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.svg import format_number
from civicplan.reports.tabular import defuse
from civicplan.strategy.models import Better, Measure, Strategy
from civicplan.strategy.selectors import (
    LIGHT_LABELS,
    roadmap_measures,
    strategy_tree,
)


def _money(value: object) -> str:
    return format_number(float(value), 1)  # type: ignore[arg-type]


def strategy_docx(strategy: Strategy) -> bytes:
    """Structure, KPI tables with targets by year, roadmap tables — one document."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)

    document.add_heading(strategy.title, level=0)
    document.add_paragraph(
        _("Горизонт: %(s)s–%(e)s годы. Версия %(v)s, состояние: %(st)s.")
        % {
            "s": strategy.horizon_start,
            "e": strategy.horizon_end,
            "v": strategy.version,
            "st": strategy.get_state_display(),
        }
    )
    if strategy.approval_act:
        document.add_paragraph(_("Утверждена: %s.") % strategy.approval_act)
    if strategy.summary:
        document.add_paragraph(strategy.summary)
    stages = list(strategy.stages.all())
    if stages:
        document.add_paragraph(
            _("Этапы реализации: ")
            + "; ".join(f"{s.title} — {s.start_year}–{s.end_year} гг." for s in stages)
            + "."
        )
    document.add_paragraph(
        _("Документ сформирован %(d)s.") % {"d": timezone.localtime().strftime("%d.%m.%Y %H:%M")}
    )

    tree = strategy_tree(strategy)
    years = list(range(strategy.horizon_start, strategy.horizon_end + 1))
    shown_years = [y for y in years if y in _key_years(strategy, list(stages))]
    for number, node in enumerate(tree, start=1):
        direction = node.direction
        document.add_heading(f"{number}. {direction.title}", level=1)
        if direction.description:
            document.add_paragraph(direction.description)
        for goal_number, goal_node in enumerate(node.goals, start=1):
            goal = goal_node.goal
            document.add_heading(f"{number}.{goal_number}. {_('Цель')}: {goal.title}", level=2)
            if goal.description:
                document.add_paragraph(goal.description)
            if not goal_node.kpis:
                continue
            headers = [
                _("Показатель"),
                _("Ед. изм."),
                _("База"),
                *[str(y) for y in shown_years],
                _("Факт"),
                _("Оценка"),
            ]
            table = document.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for status in goal_node.kpis:
                kpi = status.kpi
                cells = table.add_row().cells
                arrow = "↑" if kpi.better == Better.HIGHER else "↓"
                values = [
                    f"{kpi.name} ({arrow})",
                    kpi.unit,
                    f"{format_number(kpi.baseline_value)} ({kpi.baseline_year})",
                    *[format_number(status.targets.get(y)) for y in shown_years],
                    (
                        f"{format_number(status.latest_value)} ({status.latest_year})"
                        if status.latest_year
                        else "—"
                    ),
                    (
                        f"{format_number(status.attainment, 0)} % — {LIGHT_LABELS[status.light]}"
                        if status.attainment is not None
                        else LIGHT_LABELS["grey"]
                    ),
                ]
                for cell, text in zip(cells, values, strict=True):
                    cell.text = text
        measures = roadmap_measures(strategy, direction=direction, prefetch=())
        if measures:
            document.add_heading(f"{number}.{len(node.goals) + 1}. {_('Дорожная карта')}", level=2)
            headers = [
                _("Код"),
                _("Мероприятие"),
                _("Исполнитель"),
                _("Сроки"),
                _("Финансирование, млн руб. (фед./обл./мест./внебюдж.)"),
                _("Состояние"),
                _("Выполнение"),
            ]
            table = document.add_table(rows=1, cols=len(headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for m in measures:
                cells = table.add_row().cells
                values = [
                    m.code,
                    ("— " * m.depth) + m.title,  # type: ignore[attr-defined]
                    f"{m.organisation} ({m.get_sector_display()})",
                    f"{m.starts_on:%d.%m.%Y} — {m.ends_on:%d.%m.%Y}",
                    " / ".join(
                        _money(v)
                        for v in (
                            m.budget_federal,
                            m.budget_regional,
                            m.budget_municipal,
                            m.budget_private,
                        )
                    ),
                    m.get_state_display() + (" (" + _("отстаёт") + ")" if m.late else ""),  # type: ignore[attr-defined]
                    f"{m.progress} %",
                ]
                for cell, text in zip(cells, values, strict=True):
                    cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _key_years(strategy: Strategy, stages: list[object]) -> set[int]:
    """Years shown as columns in the document: every year up to 12, otherwise stage ends."""
    years = set(range(strategy.horizon_start, strategy.horizon_end + 1))
    if len(years) <= 12:
        return years
    keep = {strategy.horizon_end} | {s.end_year for s in stages}  # type: ignore[attr-defined]
    return keep or years


def strategy_xlsx(strategy: Strategy) -> bytes:
    """Two sheets: «Дорожная карта» (every measure) and «Показатели» (targets and actuals)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws: Worksheet = wb.worksheets[0]
    ws.title = _("Дорожная карта")
    headers = [
        _("Код"),
        _("Входит в"),
        _("Направление"),
        _("Мероприятие"),
        _("Ответственный исполнитель"),
        _("Сектор"),
        _("Соисполнители и партнёры"),
        _("Муниципалитеты"),
        _("Начало"),
        _("Окончание"),
        _("Федеральный бюджет, млн руб."),
        _("Областной бюджет, млн руб."),
        _("Местные бюджеты, млн руб."),
        _("Внебюджетные средства, млн руб."),
        _("Всего, млн руб."),
        _("Состояние"),
        _("Выполнение, %"),
        _("Отстаёт"),
        _("Предложений жителей"),
    ]
    ws.append([defuse(v) for v in headers])
    late_fill = PatternFill("solid", fgColor="F6D5D9")
    proposals = Counter(
        Measure.proposals.through.objects.filter(measure__strategy=strategy).values_list(
            "measure_id", flat=True
        )
    )
    for row_number, m in enumerate(
        roadmap_measures(strategy, prefetch=("municipalities",)), start=2
    ):
        ws.append(
            [
                defuse(v)
                for v in (
                    m.code,
                    m.parent.code if m.parent else "",
                    m.direction.title,
                    m.title,
                    m.organisation,
                    m.get_sector_display(),
                    m.partners,
                    "; ".join(x.short_name for x in m.municipalities.all()),
                    m.starts_on,
                    m.ends_on,
                    float(m.budget_federal),
                    float(m.budget_regional),
                    float(m.budget_municipal),
                    float(m.budget_private),
                    float(m.budget_total),
                    m.get_state_display(),
                    m.progress,
                    _("да") if m.late else "",  # type: ignore[attr-defined]
                    proposals[m.pk],
                )
            ]
        )
        if m.late:  # type: ignore[attr-defined]
            for cell in ws[row_number]:
                cell.fill = late_fill
        ws.cell(row=row_number, column=9).number_format = "DD.MM.YYYY"
        ws.cell(row=row_number, column=10).number_format = "DD.MM.YYYY"
    kpi_ws = wb.create_sheet(_("Показатели"))
    years = list(range(strategy.horizon_start, strategy.horizon_end + 1))
    kpi_headers = [
        _("Код"),
        _("Направление"),
        _("Цель"),
        _("Показатель"),
        _("Единица измерения"),
        _("Что лучше"),
        _("Базовый год"),
        _("Базовое значение"),
    ]
    kpi_headers += [_("Цель %(y)s") % {"y": y} for y in years]
    kpi_headers += [_("Факт %(y)s") % {"y": y} for y in range(years[0] - 2, years[-1] + 1)]
    kpi_headers += [
        _("Достижение, %"),
        _("Оценка"),
        _("Прогноз по тренду на %(y)s") % {"y": years[-1]},
    ]
    kpi_ws.append([defuse(v) for v in kpi_headers])
    fact_years = list(range(years[0] - 2, years[-1] + 1))
    for node in strategy_tree(strategy):
        for goal in node.goals:
            for s in goal.kpis:
                k = s.kpi
                kpi_ws.append(
                    [
                        defuse(v)
                        for v in (
                            k.code,
                            node.direction.title,
                            goal.goal.title,
                            k.name,
                            k.unit,
                            k.get_better_display(),
                            k.baseline_year,
                            k.baseline_value,
                            *[s.targets.get(y) for y in years],
                            *[s.actuals.get(y) for y in fact_years],
                            round(s.attainment, 1) if s.attainment is not None else None,
                            LIGHT_LABELS[s.light],
                            round(s.forecast, 2) if s.forecast is not None else None,
                        )
                    ]
                )
    for sheet in (ws, kpi_ws):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for index in range(1, sheet.max_column + 1):
            sheet.column_dimensions[get_column_letter(index)].width = 16
    ws.column_dimensions["D"].width = 60
    kpi_ws.column_dimensions["D"].width = 60
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
