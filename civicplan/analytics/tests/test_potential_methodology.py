"""The methodology is data: it reads from a dict/JSON, normalises weights and says so."""

import json

import pytest

from civicplan.analytics.potential import Methodology, MethodologyError, default_methodology


def _method(**over):
    data = {
        "name": "Проверочная",
        "normalisation": {"method": "minmax", "scope": "country", "winsor": [0, 1]},
        "subindices": [
            {
                "code": "demography",
                "name": "Демография",
                "weight": 1,
                "indicators": [
                    {
                        "code": "kids",
                        "name": "Доля детей",
                        "op": "share",
                        "source": "population_age_0_14",
                        "base": "population",
                        "weight": 1,
                    }
                ],
            }
        ],
    }
    data.update(over)
    return data


def test_default_methodology_ships_five_subindices_on_the_shipped_indicators():
    method = default_methodology()

    assert [s.code for s in method.subindices] == [
        "demography",
        "migration",
        "income",
        "economy",
        "market",
    ]
    assert sum(s.weight for s in method.subindices) == pytest.approx(1.0)
    for sub in method.subindices:
        assert sum(i.weight for i in sub.indicators) == pytest.approx(1.0)
    assert method.indicator("share_age_65_plus").better == "lower"
    assert method.warnings == ()


def test_methodology_round_trips_through_json():
    method = default_methodology()

    again = Methodology.from_json(method.to_json())

    assert again.to_dict() == method.to_dict()


def test_weights_not_summing_to_one_are_normalised_with_a_warning():
    data = _method(
        subindices=[
            {
                "code": "a",
                "name": "Демография",
                "weight": 3,
                "indicators": [
                    {"code": "x", "name": "Икс", "source": "population", "weight": 2},
                    {"code": "y", "name": "Игрек", "source": "population", "weight": 6},
                ],
            },
            {
                "code": "b",
                "name": "Рынки",
                "weight": 1,
                "indicators": [{"code": "z", "name": "Зет", "source": "market_access"}],
            },
        ]
    )

    method = Methodology.from_dict(data)

    assert [s.weight for s in method.subindices] == [0.75, 0.25]
    assert [i.weight for i in method.subindices[0].indicators] == [0.25, 0.75]
    assert any("субиндексов равна 4" in w for w in method.warnings)
    assert any("«Демография» равна 8" in w for w in method.warnings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"op": "ratio"}, "способ расчёта «ratio» неизвестен"),
        ({"better": "больше"}, "направление «больше» неизвестно"),
        ({"weight": -1}, "отрицателен"),
        ({"weight": "много"}, "должно быть числом"),
        ({"base": ""}, "не задан параметр «base»"),
    ],
)
def test_bad_indicator_definitions_are_refused_with_a_reason(change, message):
    data = _method()
    data["subindices"][0]["indicators"][0].update(change)

    with pytest.raises(MethodologyError, match=message):
        Methodology.from_dict(data)


def test_duplicate_indicator_code_is_refused():
    data = _method()
    ind = data["subindices"][0]["indicators"][0]
    data["subindices"][0]["indicators"].append(dict(ind))

    with pytest.raises(MethodologyError, match="встречается в методике дважды"):
        Methodology.from_dict(data)


def test_all_zero_weights_are_refused():
    data = _method()
    data["subindices"][0]["weight"] = 0

    with pytest.raises(MethodologyError, match="равна нулю"):
        Methodology.from_dict(data)


@pytest.mark.parametrize(
    ("normalisation", "message"),
    [
        ({"method": "rank"}, "способ нормирования «rank»"),
        ({"scope": "district"}, "группа сравнения «district»"),
        ({"winsor": [0.9, 0.1]}, "винсоризации"),
    ],
)
def test_bad_normalisation_is_refused(normalisation, message):
    with pytest.raises(MethodologyError, match=message):
        Methodology.from_dict(_method(normalisation=normalisation))


def test_broken_json_is_reported_in_russian():
    with pytest.raises(MethodologyError, match="не читается как JSON"):
        Methodology.from_json("{name: ")


def test_methodology_without_subindices_is_refused():
    with pytest.raises(MethodologyError, match="нет ни одного субиндекса"):
        Methodology.from_dict(json.loads('{"name": "Пустая", "subindices": []}'))
