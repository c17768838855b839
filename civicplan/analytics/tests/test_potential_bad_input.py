"""Bad input: clear messages, and the index is still computed for everyone it can be."""

import math

import pytest

from civicplan.analytics.potential import (
    Methodology,
    MunicipalityRecord,
    Observation,
    assess,
    build_panel,
    load_csv,
)
from civicplan.analytics.tabular import TableError
from civicplan.analytics.tests.test_potential_index import (
    RECORDS,
    VALUES,
    methodology,
    observations,
)


def _kinds(assessment):
    return {n.kind: n.message for n in assessment.notices}


def test_identical_duplicate_rows_are_counted_once():
    rows = observations() + [Observation("A", "kids", 2024, 10)]

    a = assess(RECORDS, rows, methodology())

    assert a.index.tolist() == pytest.approx([30.0, 45.0, 30.0, 100.0])
    assert "1 повторяющихся строк" in _kinds(a)["duplicate_rows"]


def test_conflicting_duplicate_rows_keep_the_first_value_and_name_the_place():
    rows = observations() + [Observation("A", "kids", 2024, 999)]

    a = assess(RECORDS, rows, methodology())

    message = _kinds(a)["conflicting_rows"]
    assert "Отрадный: kids 2024 (10 и 999)" in message
    assert a.raw[0, 0] == 10


def test_negative_population_is_dropped_and_named():
    rows = [
        Observation("A", "population", 2024, -46_480),
        Observation("B", "population", 2024, 30_000),
    ]

    panel = build_panel(
        [MunicipalityRecord("A", 63, name="Отрадный"), MunicipalityRecord("B", 63)], rows
    )

    message = {n.kind: n.message for n in panel.notices}["negative_values"]
    assert "Отрадный: population 2024 = -46480" in message
    assert panel.municipalities[0].population is None
    assert panel.municipalities[0].size_class == "unknown"


def test_negative_population_in_the_municipality_list_is_reported():
    records = [MunicipalityRecord("A", 63, population=-10, name="Отрадный")] + RECORDS[1:]

    a = assess(records, observations(), methodology())

    assert "Отрадный" in _kinds(a)["negative_population"]
    assert not math.isnan(a.index[0])


def test_indicator_with_no_data_for_a_region_is_reported_and_reweighted():
    values = {**VALUES, "old": {"A": 10, "B": 20}}  # none in region 56

    a = assess(RECORDS, observations(values), methodology(scope="region"))

    message = _kinds(a)["indicator_without_group_data"]
    assert "«Доля пожилых»: нет данных в регионах 56 (0)" in message
    c = a.result("C")
    assert c.index is not None
    assert c.subindices["demo"] == pytest.approx(0.0)  # kids alone: lowest in region 56


def test_indicator_absent_from_the_data_everywhere_is_reported():
    values = {k: v for k, v in VALUES.items() if k != "market_access"}

    a = assess(RECORDS, observations(values), methodology())

    assert "market_access" in _kinds(a)["indicator_without_data"]
    # Markets is missing for everyone: demography carries the whole index, 60 % coverage.
    assert a.coverage.tolist() == pytest.approx([0.6, 0.6, 0.6, 0.3])
    assert a.index[:3].tolist() == pytest.approx([50.0, 250 / 6, 100 / 3])
    assert math.isnan(a.index[3])  # D also lacks «old»: 30 % < 50 %


def test_municipality_with_most_values_missing_gets_a_message_others_an_index():
    records = RECORDS + [MunicipalityRecord("E", 63, population=30_000, name="Похвистнево")]
    rows = observations() + [Observation("E", "kids", 2024, 25)]

    a = assess(records, rows, methodology())

    e = a.result("E")
    assert e.index is None
    assert e.status.startswith("Индекс не рассчитан: данные есть по показателям с весом 30 %")
    assert "Похвистнево" in _kinds(a)["low_coverage"]
    assert not any(math.isnan(v) for v in a.index[:4])
    assert a.result("A").count_region == 2  # E is not ranked


def test_rows_for_unknown_municipalities_and_nan_values_are_skipped():
    rows = observations() + [
        Observation("Z", "kids", 2024, 1),
        Observation("A", "market_access", 2023, float("nan")),
    ]

    a = assess(RECORDS, rows, methodology())

    kinds = _kinds(a)
    assert "пропущены: Z" in kinds["unknown_municipality"]
    assert "Отрадный: market_access, 2023" in kinds["not_finite"]


def test_duplicate_municipality_records_keep_the_first():
    a = assess(RECORDS + [RECORDS[0]], observations(), methodology())

    assert len(a.municipalities) == 4
    assert "учтена первая запись" in _kinds(a)["duplicate_municipality"]


def test_unnormalised_weights_are_reported_in_the_assessment():
    method = methodology(demo=3, market=2)

    a = assess(RECORDS, observations(), method)

    assert "равна 5" in _kinds(a)["methodology_weights"]
    assert a.index.tolist() == pytest.approx([30.0, 45.0, 30.0, 100.0])


def test_csv_with_bad_rows_names_the_lines(tmp_path):
    municipalities = tmp_path / "municipalities.csv"
    municipalities.write_text(
        "oktmo,name,region_code,lat,lon\n"
        "36724000000,городской округ Отрадный,63,53.37,51.34\n"
        ",без кода,63,,\n",
        encoding="utf-8",
    )
    indicators = tmp_path / "indicators.csv"
    indicators.write_text(
        "oktmo;indicator;year;value\n"
        "36724000000;population;2024;46480\n"
        "36724000000;population;2023;сорок шесть\n",
        encoding="cp1251",
    )

    records, rows, notices = load_csv(municipalities, indicators)

    assert [r.id for r in records] == ["36724000000"]
    assert rows == [Observation("36724000000", "population", 2024, 46480.0)]
    messages = " ".join(n.message for n in notices)
    assert "municipalities.csv строки без ОКТМО или кода региона пропущены: 3" in messages
    assert "строки 3" in messages


def test_csv_without_required_column_is_refused(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("oktmo,name\n1,Отрадный\n", encoding="utf-8")

    with pytest.raises(TableError, match="нет столбца «region_code»"):
        load_csv(path, path)


def test_methodology_change_does_not_need_new_data():
    method = Methodology.from_dict(methodology().to_dict())

    a = assess(RECORDS, observations(), method)

    assert a.index.tolist() == pytest.approx([30.0, 45.0, 30.0, 100.0])
