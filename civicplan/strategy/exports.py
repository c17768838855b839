"""Exports: the whole strategy as a DOCX document, roadmaps and KPIs as an XLSX workbook."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.svg import format_number
from civicplan.reports.documents import DocxTable, docx_bytes, docx_document, docx_table_slot
from civicplan.reports.tabular import Sheet, xlsx_bytes
from civicplan.strategy.models import Better, Measure, Strategy
from civicplan.strategy.selectors import (
    BUDGET_FIELDS,
    LIGHT_LABELS,
    roadmap_measures,
    strategy_tree,
)


def _money(value: object) -> str:
    return format_number(float(value), 1)  # type: ignore[arg-type]


def strategy_docx(strategy: Strategy) -> bytes:
    """Structure, KPI tables with targets by year, roadmap tables — one document."""
    document = docx_document(size=11, landscape=True, margins_cm=1.8)
    tables: dict[str, DocxTable] = {}

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
            + "; ".join(
                _("%(title)s — %(start)s–%(end)s гг.")
                % {"title": s.title, "start": s.start_year, "end": s.end_year}
                for s in stages
            )
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
            kpi_rows = []
            for status in goal_node.kpis:
                kpi = status.kpi
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
                        else str(LIGHT_LABELS["grey"])
                    ),
                ]
                kpi_rows.append(values)
            tables[docx_table_slot(document)] = DocxTable(header=headers, rows=kpi_rows)
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
            measure_rows = []
            for m in measures:
                values = [
                    m.code,
                    ("— " * m.depth) + m.title,  # type: ignore[attr-defined]
                    f"{m.organisation} ({m.get_sector_display()})",
                    f"{m.starts_on:%d.%m.%Y} — {m.ends_on:%d.%m.%Y}",
                    " / ".join(_money(m.budget[f]) for f in BUDGET_FIELDS)  # type: ignore[attr-defined]
                    + (" (" + _("сумма вложенных") + ")" if m.budget["summed"] else ""),  # type: ignore[attr-defined]
                    m.get_state_display() + (" (" + _("отстаёт") + ")" if m.late else ""),  # type: ignore[attr-defined]
                    f"{m.progress} %",
                ]
                measure_rows.append(values)
            tables[docx_table_slot(document)] = DocxTable(header=headers, rows=measure_rows)
    # Tables go in as XML (`DocxTable`): python-docx's rows took seconds on a 1,000-measure
    # roadmap.
    return docx_bytes(document, tables=tables)


def _key_years(strategy: Strategy, stages: list[object]) -> set[int]:
    """Years shown as columns in the document: every year up to 12, otherwise stage ends."""
    years = set(range(strategy.horizon_start, strategy.horizon_end + 1))
    if len(years) <= 12:
        return years
    keep = {strategy.horizon_end} | {s.end_year for s in stages}  # type: ignore[attr-defined]
    return keep or years


def strategy_xlsx(strategy: Strategy) -> bytes:
    """Two sheets: «Дорожная карта» (every measure) and «Показатели» (targets and actuals)."""
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
        _("Финансирование — сумма вложенных мероприятий"),
        _("Состояние"),
        _("Выполнение, %"),
        _("Отстаёт"),
        _("Предложений жителей"),
    ]
    proposals = Counter(
        Measure.proposals.through.objects.filter(measure__strategy=strategy).values_list(
            "measure_id", flat=True
        )
    )
    rows: list[list[object]] = []
    late: dict[int, str] = {}
    for index, m in enumerate(roadmap_measures(strategy, prefetch=("municipalities",))):
        rows.append(
            [
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
                *(float(m.budget[f]) for f in BUDGET_FIELDS),  # type: ignore[attr-defined]
                float(m.budget["total"]),  # type: ignore[attr-defined]
                _("да") if m.budget["summed"] else "",  # type: ignore[attr-defined]
                m.get_state_display(),
                m.progress,
                _("да") if m.late else "",  # type: ignore[attr-defined]
                proposals[m.pk],
            ]
        )
        if m.late:  # type: ignore[attr-defined]
            late[index] = LATE_FILL
    years = list(range(strategy.horizon_start, strategy.horizon_end + 1))
    fact_years = list(range(years[0] - 2, years[-1] + 1))
    kpi_headers = [
        _("Код"),
        _("Направление"),
        _("Цель"),
        _("Показатель"),
        _("Единица измерения"),
        _("Что лучше"),
        _("Базовый год"),
        _("Базовое значение"),
        *[_("Цель %(y)s") % {"y": y} for y in years],
        *[_("Факт %(y)s") % {"y": y} for y in fact_years],
        _("Достижение, %"),
        _("Оценка"),
        _("Прогноз по тренду на %(y)s") % {"y": years[-1]},
    ]
    kpi_rows = [
        [
            s.kpi.code,
            node.direction.title,
            goal.goal.title,
            s.kpi.name,
            s.kpi.unit,
            s.kpi.get_better_display(),
            s.kpi.baseline_year,
            s.kpi.baseline_value,
            *[s.targets.get(y) for y in years],
            *[s.actuals.get(y) for y in fact_years],
            round(s.attainment, 1) if s.attainment is not None else None,
            str(LIGHT_LABELS[s.light]),
            round(s.forecast, 2) if s.forecast is not None else None,
        ]
        for node in strategy_tree(strategy)
        for goal in node.goals
        for s in goal.kpis
    ]
    return xlsx_bytes(
        [
            Sheet(
                title=_("Дорожная карта"),
                header=headers,
                rows=rows,
                widths=_widths(len(headers)),
                number_formats={8: "DD.MM.YYYY", 9: "DD.MM.YYYY"},
                row_fills=late,
            ),
            Sheet(
                title=_("Показатели"),
                header=kpi_headers,
                rows=kpi_rows,
                widths=_widths(len(kpi_headers)),
            ),
        ]
    )


LATE_FILL = "F6D5D9"  # a late measure's row


def _widths(count: int) -> list[float]:
    """Every column 16 characters wide, the fourth (measure or KPI name) 60."""
    return [60 if i == 3 else 16 for i in range(count)]
