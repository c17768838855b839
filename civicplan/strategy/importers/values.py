"""Importing KPI actual values from the «Факт» workbook."""

from __future__ import annotations

from typing import Any, BinaryIO

from django.db import transaction
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.imports import ImportReport
from civicplan.strategy.importers.layout import (
    REQUIRED_VALUE_COLUMNS,
    VALUE_COLUMNS,
    VALUES_SHEET,
    Col,
)
from civicplan.strategy.importers.reading import _count, _int, _open_workbook, _read_sheets, _text
from civicplan.strategy.models import (
    KPI,
    Strategy,
    StrategyChange,
)
from civicplan.strategy.services import (
    change_record,
    kpi_value_record,
)

# --- KPI values ---------------------------------------------------------------------------


def kpi_values_import(
    *,
    strategy: Strategy,
    source: str | BinaryIO | bytes,
    actor: Any = None,
    name: str | None = None,
) -> ImportReport:
    """Import actual values of KPIs (region-wide or per municipality); all or nothing."""
    from civicplan.territories.models import Municipality

    display = name or getattr(source, "name", "") or "kpi-values.xlsx"
    workbook = _open_workbook(source, display)
    sheet = _read_sheets(
        workbook, display, {VALUES_SHEET: VALUE_COLUMNS}, {VALUES_SHEET: REQUIRED_VALUE_COLUMNS}
    )[VALUES_SHEET]
    report = ImportReport(source=display, total_rows=len(sheet.rows))
    kpis = {
        k.code: k
        for k in KPI.objects.filter(goal__direction__strategy=strategy).select_related(
            "goal__direction__strategy"
        )
    }
    municipalities = {m.oktmo: m for m in Municipality.objects.filter(region=strategy.region)}
    with transaction.atomic():
        seen: dict[tuple[str, int, str], int] = {}
        for line, row in sheet.rows:
            code = _text(row, Col.KPI_CODE)
            kpi = kpis.get(code)
            if kpi is None:
                report.error(line, _("нет показателя с кодом «%s»") % code, Col.KPI_CODE)
                continue
            oktmo = _text(row, Col.OKTMO)
            municipality = None
            if oktmo:
                municipality = municipalities.get(oktmo.zfill(11) if oktmo.isdigit() else oktmo)
                if municipality is None:
                    report.error(
                        line, _("нет муниципалитета региона с ОКТМО «%s»") % oktmo, Col.OKTMO
                    )
                    continue
            try:
                year = _int(row, Col.YEAR, sheet=VALUES_SHEET)
            except InvalidInput as exc:
                report.error(line, exc.message, Col.YEAR)
                continue
            key = (code, year, oktmo)
            if key in seen:
                report.error(
                    line,
                    _("значение показателя «%(c)s» за %(y)s год уже есть в строке %(l)s")
                    % {"c": code, "y": year, "l": seen[key]},
                    Col.YEAR,
                )
                continue
            seen[key] = line
            value = row.get(Col.VALUE)
            if value in (None, ""):
                report.error(line, _("не указано значение"), Col.VALUE)
                continue
            try:
                with transaction.atomic():
                    _row, outcome = kpi_value_record(
                        kpi=kpi,
                        year=year,
                        value=value,
                        municipality=municipality,
                        source=_text(row, Col.SOURCE),
                        unit=_text(row, Col.UNIT) or None,
                        actor=actor,
                        history=False,
                    )
            except InvalidInput as exc:
                report.error(
                    line,
                    exc.message,
                    exc.field
                    and {"unit": Col.UNIT, "value": Col.VALUE, "year": Col.YEAR}.get(exc.field, "")
                    or "",
                )
                continue
            _count(report, outcome)
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
            return report
        if report.created or report.updated:
            change_record(
                strategy=strategy,
                actor=actor,
                action=StrategyChange.Action.IMPORT,
                label=_("Фактические значения из файла %(f)s") % {"f": display},
                changes={
                    _("добавлено"): (None, report.created),
                    _("обновлено"): (None, report.updated),
                },
            )
    return report
