"""Re-importing the filled structure template: an unchanged file changes nothing, an edited
cell changes exactly that, and the history names what changed in Russian."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from civicplan.strategy import demo_roadmap, importers
from civicplan.strategy.models import KPI, Measure, Strategy, StrategyChange


@pytest.fixture
def demo(samara: Any) -> Strategy:
    demo_roadmap.load(stdout=io.StringIO())
    return Strategy.objects.get(slug="samara-2036")


def _edit(data: bytes, sheet: str, code_column: str, code: str, column: str, value: Any) -> bytes:
    book = load_workbook(io.BytesIO(data))
    ws = book[sheet]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index(code_column)].value == code:
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _state(strategy: Strategy) -> dict[str, Any]:
    return {
        "kpis": sorted(
            KPI.objects.filter(goal__direction__strategy=strategy).values_list(
                "code", "indicator_aggregate", "name", "baseline_value", "source"
            )
        ),
        "measures": sorted(
            Measure.objects.filter(strategy=strategy).values_list(
                "code", "title", "budget_regional", "progress", "state"
            )
        ),
    }


def test_unchanged_template_changes_nothing_and_keeps_weighted_wage_kpis(demo: Strategy) -> None:
    # given the demo strategy, whose wage KPIs are averaged over the region weighted by population
    weighted = set(
        KPI.objects.filter(
            goal__direction__strategy=demo, indicator_aggregate="weighted"
        ).values_list("code", flat=True)
    )
    assert len(weighted) >= 2
    before = _state(demo)
    history = StrategyChange.objects.filter(strategy=demo).count()

    # when the filled template is downloaded and uploaded as it is
    data = importers.structure_template(demo, filled=True)
    report = importers.structure_import(strategy=demo, source=data, name="стратегия.xlsx")

    # then nothing is created or updated, nothing changed, no history entry is written
    assert not report.errors
    assert (report.created, report.updated) == (0, 0)
    assert _state(demo) == before
    assert StrategyChange.objects.filter(strategy=demo).count() == history


def test_one_edited_measure_title_is_exactly_one_change(client: Any, demo: Strategy) -> None:
    # given the filled template with one measure renamed
    data = importers.structure_template(demo, filled=True)
    edited = _edit(
        data, "Мероприятия", "Код", "5.5", "Название", "Электрички до малых городов к началу смен"
    )
    before = _state(demo)

    # when it is uploaded
    report = importers.structure_import(strategy=demo, source=edited, name="стратегия.xlsx")

    # then exactly that title changed and the history says so in Russian
    assert (report.created, report.updated) == (0, 1)
    after = _state(demo)
    assert after["kpis"] == before["kpis"]
    changed = [m for m in after["measures"] if m not in before["measures"]]
    assert [(m[0], m[1]) for m in changed] == [("5.5", "Электрички до малых городов к началу смен")]
    update = StrategyChange.objects.filter(strategy=demo, action="update").latest("pk")
    assert list(update.changes) == ["title"]


def test_changed_aggregate_cell_is_applied_and_named_in_russian(
    client: Any, demo: Strategy
) -> None:
    # given a wage KPI averaged with population weights, switched to «сумма» in the file
    kpi = KPI.objects.filter(goal__direction__strategy=demo, indicator_aggregate="weighted").first()
    assert kpi is not None
    data = importers.structure_template(demo, filled=True)
    edited = _edit(
        data, "Показатели", "Код показателя", kpi.code, "Способ расчёта по региону", "сумма"
    )

    # when it is uploaded
    report = importers.structure_import(strategy=demo, source=edited, name="стратегия.xlsx")

    # then only that KPI changed, and the history page speaks Russian, not field names
    assert (report.created, report.updated) == (0, 1)
    kpi.refresh_from_db()
    assert kpi.indicator_aggregate == "sum"
    html = client.get(reverse("strategy:history", args=[demo.slug])).content.decode()
    assert "Способ расчёта по региону: «средневзвешенное по населению» → «сумма»" in html
    assert "indicator_aggregate" not in html and "weighted" not in html


def test_unknown_aggregate_word_is_refused_with_a_clear_message(demo: Strategy) -> None:
    kpi = KPI.objects.filter(goal__direction__strategy=demo).exclude(indicator=None).first()
    assert kpi is not None
    data = importers.structure_template(demo, filled=True)
    edited = _edit(
        data, "Показатели", "Код показателя", kpi.code, "Способ расчёта по региону", "медиана"
    )

    report = importers.structure_import(strategy=demo, source=edited, name="стратегия.xlsx")

    assert report.errors
    assert "«Способ расчёта по региону» пишут «сумма», «среднее»" in report.errors[0].reason
