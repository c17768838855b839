"""Derived indicators, checked by hand on three municipalities."""

import math

import numpy as np
import pytest

from civicplan.analytics.potential import (
    IndicatorSpec,
    MunicipalityRecord,
    Observation,
    build_panel,
    size_class_of,
)
from civicplan.analytics.potential.derived import derive

RECORDS = [
    MunicipalityRecord("A", 63, name="городской округ Отрадный"),
    MunicipalityRecord("B", 63, name="Кинельский район"),
    MunicipalityRecord("C", 56, name="городской округ Бузулук"),
]


def _obs(rows):
    return [Observation(m, code, year, value) for m, code, year, value in rows]


ROWS = [
    ("A", "population", 2023, 1000),
    ("A", "population", 2024, 1100),
    ("B", "population", 2023, 2000),
    ("B", "population", 2024, 1900),
    ("C", "population", 2023, 500),
    ("A", "population_age_0_14", 2023, 200),
    ("A", "population_age_0_14", 2024, 220),
    ("B", "population_age_0_14", 2023, 300),
    ("B", "population_age_0_14", 2024, 285),
    ("C", "population_age_0_14", 2023, 100),
    ("A", "net_migration", 2023, 5),
    ("B", "net_migration", 2023, -10),
    ("C", "net_migration", 2023, 1),
    ("A", "avg_wage", 2024, 30000),
    ("B", "avg_wage", 2024, 50000),
    ("C", "avg_wage", 2024, 40000),
    ("A", "avg_wage_okved_A", 2024, 10),
    ("A", "avg_wage_okved_B", 2024, 20),
    ("A", "avg_wage_okved_C", 2024, 30),
    ("B", "avg_wage_okved_A", 2023, 10),
    ("B", "avg_wage_okved_B", 2023, 10),
    ("B", "avg_wage_okved_C", 2023, 10),
    ("B", "avg_wage_okved_A", 2024, 40),
    ("B", "avg_wage_okved_B", 2024, 60),
]


@pytest.fixture
def panel():
    return build_panel(RECORDS, _obs(ROWS))


def _values(panel, **spec):
    return derive(panel, IndicatorSpec(code="x", name="x", weight=1, **spec)).tolist()


def test_share_takes_the_latest_year_where_both_figures_exist(panel):
    share = _values(panel, op="share", source="population_age_0_14", base="population")

    # A: 220 / 1100, B: 285 / 1900, C has no 2024 figures, so 100 / 500 from 2023.
    assert share == pytest.approx([20.0, 15.0, 20.0])


def test_change_in_population_between_two_years(panel):
    change = _values(panel, op="change", source="population", year=2024, from_year=2023)

    assert change[:2] == pytest.approx([10.0, -5.0])
    assert math.isnan(change[2])  # Бузулук has no 2024 population: no change, not zero


def test_net_migration_per_thousand_residents(panel):
    rate = _values(
        panel, op="per_1000", source="net_migration", base="population", year=2023, base_year=2023
    )

    assert rate == pytest.approx([5.0, -5.0, 2.0])


def test_wage_relative_to_the_regional_median(panel):
    ratio = _values(panel, op="ratio_to_region_median", source="avg_wage")

    # Region 63: median of 30 000 and 50 000 is 40 000; region 56 has one town.
    assert ratio == pytest.approx([0.75, 1.25, 1.0])


def test_spread_of_wages_across_industries_is_the_coefficient_of_variation(panel):
    spread = _values(panel, op="spread", prefix="avg_wage_okved_", min_count=3)

    # A: mean 20, population std √(200/3) = 8.165 → 40.82 %.
    assert spread[0] == pytest.approx(100 * math.sqrt(200 / 3) / 20)
    # B's latest year (2024) has two industries only: too few for a spread.
    assert math.isnan(spread[1])
    assert math.isnan(spread[2])


def test_count_of_industries_uses_one_year_only(panel):
    count = _values(panel, op="count", prefix="avg_wage_okved_", min_count=1)

    assert count[:2] == [3.0, 2.0]
    assert math.isnan(count[2])


def test_missing_source_code_gives_no_value_not_zero(panel):
    values = _values(panel, op="value", source="market_access")

    assert np.isnan(values).all()


@pytest.mark.parametrize(
    ("population", "size_class"),
    [
        (46_480, "20k_50k"),
        (9_999, "under_10k"),
        (10_000, "10k_20k"),
        (1_100_000, "over_1m"),
        (None, "unknown"),
        (-5, "unknown"),
    ],
)
def test_size_class_of_population(population, size_class):
    assert size_class_of(population) == size_class


def test_population_and_size_class_come_from_statistics_when_not_given(panel):
    a, b, c = panel.municipalities

    assert (a.population, a.size_class) == (1100, "under_10k")
    assert c.population == 500  # latest year it has
