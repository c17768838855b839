"""Writes: bad inputs are refused with a clear message and nothing is stored; history is kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.strategy import services
from civicplan.strategy.models import KPITarget, KPIValue, Measure, StrategyChange
from civicplan.strategy.tests.conftest import make_measure


def test_target_outside_the_horizon_is_refused_and_nothing_saved(kpi: Any) -> None:
    with pytest.raises(InvalidInput, match="2040 вне горизонта стратегии \\(2025–2036\\)"):
        services.kpi_targets_set(kpi=kpi, targets={2031: 95, 2040: 130})
    assert not KPITarget.objects.filter(kpi=kpi, year=2031).exists()


def test_measure_ending_before_it_starts_is_refused(strategy: Any, direction: Any) -> None:
    with pytest.raises(InvalidInput, match="заканчивается \\(01.01.2025\\) раньше, чем начинается"):
        make_measure(
            strategy, direction, "5.9", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2025, 1, 1)
        )
    assert not Measure.objects.filter(code="5.9").exists()


def test_progress_over_hundred_percent_is_refused(strategy: Any, direction: Any) -> None:
    measure = make_measure(strategy, direction, "5.1")
    with pytest.raises(InvalidInput, match="от 0 до 100, а не 120"):
        services.measure_progress_set(measure=measure, progress=120)
    measure.refresh_from_db()
    assert measure.progress == 0


def test_value_in_another_unit_is_refused(kpi: Any) -> None:
    with pytest.raises(InvalidInput, match="измеряется в «тыс. чел.», а значение указано в «%»"):
        services.kpi_value_record(kpi=kpi, year=2024, value=56, unit="%")
    assert not KPIValue.objects.filter(kpi=kpi).exists()
    row, outcome = services.kpi_value_record(kpi=kpi, year=2024, value="56,5", unit="тыс. чел")
    assert (row.value, outcome) == (56.5, "created")


def test_future_year_and_foreign_municipality_are_refused(kpi: Any) -> None:
    from civicplan.territories.models import Municipality, Region

    with pytest.raises(InvalidInput, match="год ещё не наступил"):
        services.kpi_value_record(kpi=kpi, year=dt.date.today().year + 1, value=1)
    other = Region.objects.create(code=99, name="Тестовая область")
    stranger = Municipality.objects.create(
        oktmo="99000000000", name="Город Н", short_name="Н", region=other
    )
    with pytest.raises(InvalidInput, match="не входит в регион стратегии"):
        services.kpi_value_record(kpi=kpi, year=2024, value=1, municipality=stranger)


def test_cycle_in_nested_measures_is_refused(strategy: Any, direction: Any) -> None:
    top = make_measure(strategy, direction, "5.1")
    middle = make_measure(strategy, direction, "5.1.1", parent=top)
    bottom = make_measure(strategy, direction, "5.1.1.1", parent=middle)
    with pytest.raises(InvalidInput, match="цикл 5.1 → 5.1.1.1 → 5.1.1 → 5.1"):
        services.measure_upsert(strategy=strategy, code="5.1", parent=bottom)
    top.refresh_from_db()
    assert top.parent is None
    with pytest.raises(InvalidInput, match="само в себя"):
        services.measure_upsert(strategy=strategy, code="5.1", parent=top)


def test_parent_progress_rolls_up_by_weight(strategy: Any, direction: Any) -> None:
    parent = make_measure(strategy, direction, "5.1")
    a = make_measure(strategy, direction, "5.1.1", parent=parent, weight=3)
    b = make_measure(strategy, direction, "5.1.2", parent=parent, weight=1)

    services.measure_progress_set(measure=a, progress=100)
    services.measure_progress_set(measure=b, progress=20)

    parent.refresh_from_db()
    a.refresh_from_db()
    assert parent.progress == 80  # (100·3 + 20·1) / 4
    assert a.state == "done"
    with pytest.raises(InvalidInput, match="считается по вложенным"):
        services.measure_progress_set(measure=parent, progress=10)
    services.measure_upsert(strategy=strategy, code="5.1.2", state="cancelled")
    parent.refresh_from_db()
    assert parent.progress == 100


def test_every_change_is_recorded_with_who_and_what(kpi: Any, editor: Any) -> None:
    services.kpi_targets_set(kpi=kpi, targets={2030: 90}, actor=editor)
    change = StrategyChange.objects.filter(object_type="kpi").first()
    assert change.actor == editor
    assert change.changes == {"2030": [85.0, 90.0]}


def test_editors_edit_only_their_region(strategy: Any, editor: Any, outsider: Any) -> None:
    services.strategy_require_editor(user=editor, strategy=strategy)
    with pytest.raises(Forbidden):
        services.strategy_require_editor(user=outsider, strategy=strategy)


def test_kpi_bound_to_statistics_takes_actuals_from_it(samara: Any, goal: Any) -> None:
    from civicplan.territories.models import Indicator, IndicatorValue

    kpi, _ = services.kpi_upsert(
        goal=goal,
        code="П5.2",
        name="Миграционный прирост",
        unit="чел.",
        baseline_year=2023,
        baseline_value=-3000,
        indicator=Indicator.objects.get(code="net_migration"),
    )
    written = services.kpi_values_sync_from_statistics(kpi=kpi)
    region_value = KPIValue.objects.get(kpi=kpi, year=2023, municipality__isnull=True).value
    expected = sum(
        IndicatorValue.objects.filter(
            indicator__code="net_migration", year=2023, municipality__region=samara
        )
        .exclude(municipality__kind="intracity")
        .values_list("value", flat=True)
    )
    assert region_value == pytest.approx(expected)
    assert written > 30
    assert services.kpi_values_sync_from_statistics(kpi=kpi) == 0  # nothing new the second time


def test_region_total_takes_last_years_value_for_a_missing_municipality() -> None:
    # Тольятти has no 2024 figure yet: the region's 2024 total must not drop by a fifth
    series = {
        1: {2023: 1_160_000, 2024: 1_159_000},
        2: {2023: 675_000},
        3: {2023: 47_000, 2024: 46_500},
    }
    assert services.region_series_from_statistics(series, {}, "sum") == [
        (2023, 1_882_000, 0),
        (2024, 1_880_500, 1),
    ]
    # a year that only a few municipalities report is left out rather than summed
    sparse = {i: {2023: 10.0} for i in range(10)}
    sparse[0][2025] = 12.0
    assert [y for y, _v, _c in services.region_series_from_statistics(sparse, {}, "sum")] == [2023]
    # weighted mean by population
    wages = {1: {2024: 80_000.0}, 2: {2024: 40_000.0}}
    population = {(1, 2024): 3.0, (2, 2024): 1.0}
    assert services.region_series_from_statistics(wages, population, "weighted") == [
        (2024, 70_000.0, 0)
    ]
