"""Attainment the right way round, the plan between targets, the trend, the roll-up."""

from __future__ import annotations

import pytest

from civicplan.strategy.metrics import (
    Node,
    attainment,
    find_cycle,
    linear_trend,
    plan_for_year,
    rolled_up_progress,
    traffic_light,
)


def test_higher_is_better_attainment_is_actual_over_plan() -> None:
    # wages: plan 60 000, actual 57 000 -> 95 %
    assert attainment(actual=57_000, plan=60_000) == pytest.approx(95.0)


def test_lower_is_better_attainment_is_plan_over_actual() -> None:
    # mortality: plan 500, actual 540 -> behind plan, 92.6 %; actual 450 -> ahead, 111 %
    assert attainment(actual=540, plan=500, lower_is_better=True) == pytest.approx(92.59, 0.01)
    assert attainment(actual=450, plan=500, lower_is_better=True) == pytest.approx(111.1, 0.01)
    # the same numbers read as «higher is better» would be the other way round
    assert attainment(actual=540, plan=500) > 100


def test_negative_values_use_distance_from_baseline() -> None:
    # net migration: baseline −2000, plan −1000; actual −1500 is half way -> 50 %
    assert attainment(actual=-1500, plan=-1000, baseline=-2000) == pytest.approx(50.0)
    # exceeding a plan of zero
    assert attainment(actual=500, plan=0, baseline=-1000) == pytest.approx(150.0)
    # lower is better across zero: plan −10, actual 0 -> behind
    assert attainment(actual=0, plan=-10, baseline=10, lower_is_better=True) < 100


def test_traffic_light_thresholds() -> None:
    assert traffic_light(None) == "grey"
    assert traffic_light(101) == "green"
    assert traffic_light(95) == "green"
    assert traffic_light(90) == "yellow"
    assert traffic_light(84.9) == "red"


def test_plan_for_a_year_between_targets_is_interpolated() -> None:
    targets = {2025: 70.0, 2030: 80.0}
    assert plan_for_year(baseline_year=2023, baseline_value=60, targets=targets, year=2024) == 65
    assert plan_for_year(baseline_year=2023, baseline_value=60, targets=targets, year=2027) == 74
    assert plan_for_year(baseline_year=2023, baseline_value=60, targets=targets, year=2035) == 80
    assert plan_for_year(baseline_year=2023, baseline_value=60, targets=targets, year=2020) is None


def test_linear_trend_extrapolates_to_the_horizon() -> None:
    trend = linear_trend([(2023, 100.0), (2024, 110.0), (2025, 120.0)])
    assert trend is not None
    assert trend.at(2036) == pytest.approx(230.0)
    assert linear_trend([(2024, 1.0)]) is None


def test_parent_progress_is_weighted_mean_of_children() -> None:
    tree = Node(
        key="1",
        progress=0,
        children=[
            Node(key="1.1", progress=100, weight=3),
            Node(key="1.2", progress=0, weight=1),
            Node(key="1.3", progress=80, weight=2, cancelled=True),
        ],
    )
    assert rolled_up_progress(tree) == pytest.approx(75.0)


def test_roll_up_goes_through_levels() -> None:
    tree = Node(
        key="1",
        progress=0,
        children=[
            Node(
                key="1.1",
                progress=0,
                children=[Node(key="a", progress=100), Node(key="b", progress=50)],
            ),
            Node(key="1.2", progress=25),
        ],
    )
    assert rolled_up_progress(tree) == pytest.approx(50.0)


def test_find_cycle() -> None:
    assert find_cycle({1: 2, 2: 3, 3: None}, 1) is None
    assert find_cycle({1: 2, 2: 3, 3: 1}, 1) == [1, 2, 3, 1]
