"""Importing a strategy workbook's directions, goals, KPIs and measures, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.imports import ImportReport
from civicplan.core.registry import proposals_by_reference
from civicplan.strategy.importers.layout import (
    AGGREGATE_READ,
    AGGREGATE_WORDS,
    BETTER_WORDS,
    DIRECTION_COLUMNS,
    DIRECTIONS_SHEET,
    GOAL_COLUMNS,
    GOALS_SHEET,
    KPI_COLUMNS,
    KPIS_SHEET,
    MEASURE_COLUMNS,
    MEASURES_SHEET,
    Col,
    _choice_by_label,
)
from civicplan.strategy.importers.reading import (
    Sheet,
    _codes,
    _count,
    _int,
    _open_workbook,
    _read_sheets,
    _run,
    _text,
    sheet_prefix,
)
from civicplan.strategy.models import (
    KPI,
    Goal,
    Measure,
    MeasureState,
    Sector,
    Strategy,
    StrategyChange,
)
from civicplan.strategy.services import (
    change_record,
    direction_upsert,
    goal_upsert,
    kpi_upsert,
    measure_rollup,
    measure_upsert,
)

# --- structure ----------------------------------------------------------------------------


def structure_import(
    *,
    strategy: Strategy,
    source: str | BinaryIO | bytes,
    actor: Any = None,
    name: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import directions, goals, KPIs with targets and measures; all or nothing.

    `progress(done, total, stage)` hears how many rows are through, sheet by sheet.
    """
    from civicplan.territories.models import Indicator, Municipality

    display = name or getattr(source, "name", "") or "strategy.xlsx"
    workbook = _open_workbook(source, display)
    target_years = [str(y) for y in range(strategy.horizon_start, strategy.horizon_end + 1)]
    sheets = _read_sheets(
        workbook,
        display,
        {
            DIRECTIONS_SHEET: DIRECTION_COLUMNS,
            GOALS_SHEET: GOAL_COLUMNS,
            KPIS_SHEET: KPI_COLUMNS,
            MEASURES_SHEET: MEASURE_COLUMNS,
        },
        {
            DIRECTIONS_SHEET: [Col.CODE, Col.TITLE],
            GOALS_SHEET: [Col.GOAL_CODE, Col.DIRECTION_CODE, Col.TITLE],
            KPIS_SHEET: KPI_COLUMNS[:7],
            MEASURES_SHEET: [
                Col.CODE,
                Col.DIRECTION_CODE,
                Col.TITLE,
                Col.ORGANISATION,
                Col.SECTOR,
                Col.STARTS_ON,
                Col.ENDS_ON,
            ],
        },
    )
    report = ImportReport(source=display)
    report.total_rows = sum(len(s.rows) for s in sheets.values())
    kpi_sheet = sheets[KPIS_SHEET]
    extra_years = [
        c for c in kpi_sheet.columns if c.isdigit() and len(c) == 4 and c not in target_years
    ]
    for year in extra_years:
        report.error(
            1,
            sheet_prefix(KPIS_SHEET)
            + _("год %(y)s вне горизонта стратегии (%(s)s–%(e)s)")
            % {"y": year, "s": strategy.horizon_start, "e": strategy.horizon_end},
            column=year,
        )
    done = 0

    stage = ""

    def step(sheet: str) -> None:
        # The rows of a sheet are counted as they go (`tick`); the job's reporter writes at
        # most twice a second, and to the cache while this transaction is open.
        nonlocal stage
        stage = _("Лист «%(s)s»") % {"s": sheet}
        if progress is not None:
            progress(done, report.total_rows, stage)

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, report.total_rows, stage)

    with transaction.atomic():
        step(DIRECTIONS_SHEET)
        directions = {d.slug: d for d in strategy.directions.all()}
        for line, row in sheets[DIRECTIONS_SHEET].rows:
            tick()
            slug = _text(row, Col.CODE)
            order = row.get(Col.ORDER) or 0
            result = _run(
                report,
                DIRECTIONS_SHEET,
                line,
                direction_upsert,
                strategy=strategy,
                slug=slug,
                title=_text(row, Col.TITLE),
                description=_text(row, Col.DESCRIPTION),
                order=int(order) if str(order).isdigit() else 0,
                actor=actor,
            )
            if result:
                directions[slug] = result[0]
                _count(report, result)
        step(GOALS_SHEET)
        goals = {
            g.code: g
            for g in Goal.objects.filter(direction__strategy=strategy).select_related(
                "direction__strategy"
            )
        }
        for line, row in sheets[GOALS_SHEET].rows:
            tick()
            direction = directions.get(_text(row, Col.DIRECTION_CODE))
            if direction is None:
                report.error(
                    line,
                    sheet_prefix(GOALS_SHEET)
                    + _("нет направления с кодом «%s»") % _text(row, Col.DIRECTION_CODE),
                    Col.DIRECTION_CODE,
                )
                continue
            order = row.get(Col.ORDER) or 0
            result = _run(
                report,
                GOALS_SHEET,
                line,
                goal_upsert,
                direction=direction,
                code=_text(row, Col.GOAL_CODE),
                title=_text(row, Col.TITLE),
                description=_text(row, Col.DESCRIPTION),
                order=int(order) if str(order).isdigit() else 0,
                actor=actor,
            )
            if result:
                goals[result[0].code] = result[0]
                _count(report, result)
        step(KPIS_SHEET)
        indicators = {i.code: i for i in Indicator.objects.all()}
        kpis = {
            k.code: k
            for k in KPI.objects.filter(goal__direction__strategy=strategy).select_related(
                "goal__direction__strategy"
            )
        }
        for order, (line, row) in enumerate(kpi_sheet.rows, start=1):
            tick()
            goal = goals.get(_text(row, Col.GOAL_CODE))
            if goal is None:
                report.error(
                    line,
                    sheet_prefix(KPIS_SHEET)
                    + _("нет цели с кодом «%s»") % _text(row, Col.GOAL_CODE),
                    Col.GOAL_CODE,
                )
                continue
            better = BETTER_WORDS.get(_text(row, Col.BETTER).lower())
            if better is None:
                report.error(
                    line,
                    sheet_prefix(KPIS_SHEET)
                    + _("в столбце «Что лучше» пишут «больше» или «меньше»"),
                    Col.BETTER,
                )
                continue
            indicator_code = _text(row, Col.INDICATOR)
            indicator = indicators.get(indicator_code) if indicator_code else None
            if indicator_code and indicator is None:
                report.error(
                    line,
                    sheet_prefix(KPIS_SHEET)
                    + _("нет показателя статистики с кодом «%s»") % indicator_code,
                    Col.INDICATOR,
                )
                continue
            try:
                baseline_year = _int(row, Col.BASELINE_YEAR, sheet=KPIS_SHEET)
            except InvalidInput as exc:
                report.error(line, sheet_prefix(KPIS_SHEET) + exc.message, Col.BASELINE_YEAR)
                continue
            targets = {int(y): row[y] for y in target_years if row.get(y) not in (None, "")}
            aggregate_word = _text(row, Col.AGGREGATE).lower()
            aggregate = AGGREGATE_READ.get(aggregate_word) if aggregate_word else None
            if aggregate_word and aggregate is None:
                report.error(
                    line,
                    sheet_prefix(KPIS_SHEET)
                    + _("в столбце «Способ расчёта по региону» пишут %(words)s")
                    % {"words": ", ".join(f"«{w}»" for w in AGGREGATE_WORDS.values())},
                    Col.AGGREGATE,
                )
                continue
            result = _run(
                report,
                KPIS_SHEET,
                line,
                kpi_upsert,
                goal=goal,
                code=_text(row, Col.KPI_CODE),
                name=_text(row, Col.TITLE),
                unit=_text(row, Col.UNIT),
                better=better,
                baseline_year=baseline_year,
                baseline_value=row.get(Col.BASELINE_VALUE),
                indicator=indicator,
                indicator_aggregate=aggregate,
                source=_text(row, Col.SOURCE),
                order=None if _text(row, Col.KPI_CODE) in kpis else order,
                targets=targets,
                actor=actor,
            )
            if result:
                kpis[result[0].code] = result[0]
                _count(report, result)
        failed = {_text(row, Col.GOAL_CODE) for _l, row in sheets[GOALS_SHEET].rows} - set(goals)
        failed |= {_text(row, Col.KPI_CODE) for _l, row in kpi_sheet.rows} - set(kpis)
        step(MEASURES_SHEET)
        _import_measures(
            report,
            strategy,
            sheets[MEASURES_SHEET],
            directions,
            goals,
            kpis,
            Municipality,
            actor,
            failed,
            tick,
        )
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
            return report
        if not (report.created or report.updated):
            return report  # an unchanged file changes nothing, not even the history
        measure_rollup(strategy=strategy, actor=actor)
        change_record(
            strategy=strategy,
            actor=actor,
            action=StrategyChange.Action.IMPORT,
            label=_("Структура из файла %(f)s") % {"f": display},
            changes={
                _("добавлено"): (None, report.created),
                _("обновлено"): (None, report.updated),
            },
        )
    return report


def _import_measures(
    report: ImportReport,
    strategy: Strategy,
    sheet: Sheet,
    directions: dict[str, Any],
    goals: dict[str, Goal],
    kpis: dict[str, KPI],
    municipality_model: Any,
    actor: Any,
    failed: set[str],
    tick: Callable[[], None],
) -> None:
    """Measures in two passes: fields and links first, then parents (any order in the file).
    Links to goals or KPIs whose own rows failed are skipped: their error is already reported."""
    municipalities = {m.oktmo: m for m in municipality_model.objects.filter(region=strategy.region)}
    wanted_codes = {c for _line, row in sheet.rows for c in _codes(row, Col.PROPOSALS)}
    proposals_by_code = proposals_by_reference(wanted_codes)
    measures: dict[str, Measure] = {}
    parents: list[tuple[int, str, str]] = []
    # Every measure with its links in five queries, so an unchanged row costs none of its own.
    current = {
        m.code: m
        for m in Measure.objects.filter(strategy=strategy).prefetch_related(
            "goals", "kpis", "proposals", "municipalities"
        )
    }
    existing_codes = set(current)
    for order, (line, row) in enumerate(sheet.rows, start=1):
        tick()
        code = _text(row, Col.CODE)
        direction = directions.get(_text(row, Col.DIRECTION_CODE))
        if direction is None:
            report.error(
                line,
                sheet_prefix(MEASURES_SHEET)
                + _("нет направления с кодом «%s»") % _text(row, Col.DIRECTION_CODE),
                Col.DIRECTION_CODE,
            )
            continue
        problems = []
        linked: dict[str, list[Any]] = {
            "goals": [],
            "kpis": [],
            "municipalities": [],
            "proposals": [],
        }
        for column, pool, key, what in (
            (Col.GOALS, goals, "goals", _("цели")),
            (Col.KPIS, kpis, "kpis", _("показателя")),
            (Col.MUNICIPALITIES, municipalities, "municipalities", _("муниципалитета")),
            (Col.PROPOSALS, proposals_by_code, "proposals", _("предложения")),
        ):
            for item in _codes(row, column):
                if item in failed and key in ("goals", "kpis"):
                    continue
                if item in pool:
                    linked[key].append(pool[item])
                else:
                    problems.append(
                        (
                            column,
                            _("нет %(what)s с кодом «%(code)s»") % {"what": what, "code": item},
                        )
                    )
        sector = _choice_by_label(Sector, _text(row, Col.SECTOR))
        if sector is None:
            problems.append((Col.SECTOR, _("неизвестный сектор «%s»") % _text(row, Col.SECTOR)))
        state_text = _text(row, Col.STATE)
        state = _choice_by_label(MeasureState, state_text) if state_text else MeasureState.PLANNED
        if state is None:
            problems.append((Col.STATE, _("неизвестное состояние «%s»") % state_text))
        for column, reason in problems:
            report.error(line, sheet_prefix(MEASURES_SHEET) + reason, column)
        if problems:
            continue
        fields: dict[str, Any] = {
            "direction": direction,
            "title": _text(row, Col.TITLE),
            "description": _text(row, Col.DESCRIPTION),
            "organisation": _text(row, Col.ORGANISATION),
            "sector": sector,
            "partners": _text(row, Col.PARTNERS),
            "starts_on": row.get(Col.STARTS_ON),
            "ends_on": row.get(Col.ENDS_ON),
            "budget_federal": row.get(Col.BUDGET_FEDERAL),
            "budget_regional": row.get(Col.BUDGET_REGIONAL),
            "budget_municipal": row.get(Col.BUDGET_MUNICIPAL),
            "budget_private": row.get(Col.BUDGET_PRIVATE),
            "state": state,
        }
        if code not in existing_codes:
            fields["order"] = order
        progress = row.get(Col.PROGRESS)
        if progress not in (None, ""):
            fields["progress"] = progress
        weight = row.get(Col.WEIGHT)
        if weight not in (None, ""):
            fields["weight"] = weight
        result = _run(
            report,
            MEASURES_SHEET,
            line,
            measure_upsert,
            strategy=strategy,
            code=code,
            actor=actor,
            rollup=False,
            current=current.get(code),
            **linked,
            **fields,
        )
        if result:
            measures[code] = result[0]
            _count(report, result)
            parents.append((line, code, _text(row, Col.PARENT)))
    existing = {m.code: m for m in Measure.objects.filter(strategy=strategy)}
    for line, code, parent_code in parents:
        parent = None
        if parent_code:
            parent = existing.get(parent_code)
            if parent is None:
                report.error(
                    line,
                    sheet_prefix(MEASURES_SHEET) + _("нет мероприятия с кодом «%s»") % parent_code,
                    Col.PARENT,
                )
                continue
        measure = existing[code]
        if measure.parent_id == (parent.pk if parent else None):
            continue
        _run(
            report,
            MEASURES_SHEET,
            line,
            measure_upsert,
            strategy=strategy,
            code=code,
            parent=parent,
            actor=actor,
            rollup=False,
        )
