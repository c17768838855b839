"""The index arithmetic on four municipalities, every number worked out by hand.

kids (higher is better):  A 10, B 20, C 30, D 40  → min–max scores 0, 1/3, 2/3, 1
old (lower is better):    A 10, B 20, C 30, D —   → 1, 0.5, 0, missing
market (higher is better): A 100, B 300, C 200, D 500 → 0, 0.5, 0.25, 1

Demography (weight 0.6) = ½ kids + ½ old; markets (weight 0.4) = market.
A: 0.6 × 50 + 0.4 × 0 = 30        B: 0.6 × 41.67 + 0.4 × 50 = 45
C: 0.6 × 33.33 + 0.4 × 25 = 30    D: old missing → demography = kids = 100 → index 100
"""

import math

import pytest

from civicplan.analytics.potential import (
    Methodology,
    MunicipalityRecord,
    Observation,
    assess,
    explain,
)


def methodology(*, demo=0.6, market=0.4, method="minmax", scope="country", min_coverage=0.5):
    return Methodology.from_dict(
        {
            "name": "Проверочная",
            "normalisation": {
                "method": method,
                "scope": scope,
                "winsor": [0, 1],
                "min_group_size": 2,
            },
            "min_coverage": min_coverage,
            "clusters": 2,
            "peers": 3,
            "subindices": [
                {
                    "code": "demo",
                    "name": "Демография",
                    "weight": demo,
                    "high_label": "много детей",
                    "low_label": "мало детей",
                    "indicators": [
                        {"code": "kids", "name": "Доля детей", "source": "kids", "weight": 0.5},
                        {
                            "code": "old",
                            "name": "Доля пожилых",
                            "source": "old",
                            "better": "lower",
                            "weight": 0.5,
                        },
                    ],
                },
                {
                    "code": "market",
                    "name": "Рынки",
                    "weight": market,
                    "high_label": "близко к рынкам",
                    "low_label": "далеко от рынков",
                    "indicators": [
                        {"code": "market", "name": "Доступ к рынкам", "source": "market_access"}
                    ],
                },
            ],
        }
    )


RECORDS = [
    MunicipalityRecord("A", 63, population=30_000, name="Отрадный"),
    MunicipalityRecord("B", 63, population=30_000, name="Кинель"),
    MunicipalityRecord("C", 56, population=30_000, name="Бузулук"),
    MunicipalityRecord("D", 56, population=30_000, name="Сорочинск"),
]
VALUES = {
    "kids": {"A": 10, "B": 20, "C": 30, "D": 40},
    "old": {"A": 10, "B": 20, "C": 30},
    "market_access": {"A": 100, "B": 300, "C": 200, "D": 500},
}


def observations(values=VALUES):
    return [Observation(m, code, 2024, v) for code, per in values.items() for m, v in per.items()]


def test_index_scores_by_hand():
    a = assess(RECORDS, observations(), methodology())

    assert a.index.tolist() == pytest.approx([30.0, 45.0, 30.0, 100.0])
    assert a.result("A").subindices == pytest.approx({"demo": 50.0, "market": 0.0})
    assert a.result("B").subindices == pytest.approx({"demo": 250 / 6, "market": 50.0})


def test_missing_value_reweights_within_the_subindex_and_reports_coverage():
    a = assess(RECORDS, observations(), methodology())
    d = a.result("D")

    assert d.subindices["demo"] == pytest.approx(100.0)
    assert d.coverage == pytest.approx(0.6 * 0.5 + 0.4)
    assert d.missing == ["Доля пожилых"]
    assert [c.weight for c in d.contributions] == pytest.approx([0.6, 0.0, 0.4])
    assert any(n.kind == "reweighted" and "У 1 муниципалитетов" in n.message for n in a.notices)


def test_contributions_add_up_to_the_index():
    a = assess(RECORDS, observations(), methodology())

    for result in a.results():
        assert sum(c.points for c in result.contributions) == pytest.approx(result.index)
    assert [c.points for c in a.result("A").contributions] == pytest.approx([0.0, 30.0, 0.0])


def test_ranks_in_region_and_size_class_share_ties():
    a = assess(RECORDS, observations(), methodology())

    assert a.rank_region.tolist() == [2, 1, 2, 1]
    assert a.count_region.tolist() == [2, 2, 2, 2]
    # All four are 20–50 thousand: D 100, B 45, A and C share 30.
    assert a.rank_size_class.tolist() == [3, 2, 3, 1]
    assert a.result("A").count_size_class == 4


def test_explanation_names_strengths_and_weaknesses_against_the_typical_municipality():
    a = assess(RECORDS, observations(), methodology())
    r = a.result("A")

    # Typical scores (medians): kids 0.5, old 0.5, market 0.375.
    assert [c.versus_typical for c in r.contributions] == pytest.approx([-15.0, 15.0, -15.0])
    assert [c.name for c in r.strengths] == ["Доля пожилых"]
    assert {c.name for c in r.weaknesses} == {"Доля детей", "Доступ к рынкам"}
    assert r.explanation.startswith("Сильные стороны: доля пожилых; слабые: ")


def test_explanation_when_nothing_stands_out():
    assert explain([], []) == "Сильные стороны: не выделяются; слабые: не выделяются."


def test_changing_a_weight_changes_the_ranking():
    before = assess(RECORDS, observations(), methodology())
    after = assess(RECORDS, observations(), methodology(demo=0.0, market=1.0))

    assert before.rank_region.tolist() == [2, 1, 2, 1]
    # Markets only: A 0, B 50, C 25, D 100 → C now ranks below D, A below B, A last overall.
    assert after.index.tolist() == pytest.approx([0.0, 50.0, 25.0, 100.0])
    assert after.rank_size_class.tolist() == [4, 2, 3, 1]
    assert before.rank_size_class.tolist() != after.rank_size_class.tolist()


def test_z_score_normalisation_maps_through_the_normal_distribution():
    values = {"kids": {"A": 0, "B": 10}, "old": {"A": 0, "B": 10}, "market_access": {}}
    records = RECORDS[:2]

    a = assess(records, observations(values), methodology(method="zscore"))

    # mean 5, std 5: z = −1 and +1, Φ(−1) = 0.1587, Φ(1) = 0.8413.
    assert a.scores[:, 0].tolist() == pytest.approx([0.158655, 0.841345], abs=1e-6)
    assert a.scores[:, 1].tolist() == pytest.approx([0.841345, 0.158655], abs=1e-6)


def test_winsorisation_limits_an_outlier():
    values = {
        "kids": {str(i): float(i) for i in range(1, 11)} | {"X": 1000.0},
        "old": {},
        "market_access": {},
    }
    records = [MunicipalityRecord(k, 1, population=30_000) for k in values["kids"]]
    method = Methodology.from_dict(
        methodology().to_dict()
        | {"normalisation": {"method": "minmax", "winsor": [0.0, 0.9]}, "min_coverage": 0.1}
    )

    a = assess(records, observations(values), method)

    # The 90th percentile of 1..10, 1000 is 10: 10 and the outlier both score 1,
    # and 5 keeps its place in the middle instead of being squeezed towards zero.
    kids = dict(zip([m.id for m in a.municipalities], a.scores[:, 0], strict=True))
    assert kids["X"] == pytest.approx(1.0)
    assert kids["10"] == pytest.approx(1.0)
    assert kids["5"] == pytest.approx(4 / 9)


def test_region_scope_compares_within_the_region():
    a = assess(RECORDS, observations(), methodology(scope="region"))

    # kids in region 63: 10, 20 → 0, 1; in region 56: 30, 40 → 0, 1.
    assert a.scores[:, 0].tolist() == pytest.approx([0.0, 1.0, 0.0, 1.0])
    assert math.isnan(a.scores[3, 1])
