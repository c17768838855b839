"""Charts a person can read: no «−0,0», whole direction names, a map with signed places."""

from __future__ import annotations

from civicplan.core.svg import Bar, MapPoint, bar_chart, format_number, point_map


def test_a_forecast_rounding_to_zero_has_no_minus():
    assert format_number(-0.04) == "0,0"
    assert format_number(-0.4) == "\u22120,4"
    assert format_number(-12345.0) == "\u221212\u00a0345"


def test_direction_bars_keep_their_whole_names():
    svg = str(
        bar_chart(
            [Bar("Экономический прорыв. Цифровая экономика", 412), Bar("Сбережение народа", 87)],
            title="Предложения по направлениям",
        )
    )
    assert "Экономический прорыв." in svg and "Цифровая экономика" in svg
    assert "…" not in svg


def test_the_map_signs_places_on_a_ground_and_links_are_not_inside_an_image():
    points = [
        MapPoint(53.37, 51.35, "городской округ Отрадный", 40, url="/m/1/"),
        MapPoint(53.22, 50.62, "муниципальный район Кинельский", 12, url="/m/2/"),
        MapPoint(53.20, 50.15, "городской округ Самара", 300, url="/m/3/"),
    ]
    svg = str(point_map(points, title="Предложения на карте"))
    assert 'role="group"' in svg and 'role="img"' not in svg
    assert ">Отрадный</text>" in svg and ">Самара</text>" in svg
    assert 'class="map-area"' in svg and "° с. ш." in svg
    assert '<a href="/m/1/"><circle' in svg and "<title>городской округ Отрадный: 40" in svg


def test_votes_are_counted_in_russian():
    from civicplan.core.svg import unit_for

    forms = ("голос", "голоса", "голосов")
    assert [unit_for(n, forms) for n in (1, 3, 5, 11, 21, 22)] == [
        "голос",
        "голоса",
        "голосов",
        "голосов",
        "голос",
        "голоса",
    ]
    svg = str(bar_chart([Bar("Идея", 3), Bar("Другая", 1)], title="Итоги", unit=forms))
    assert "3 голоса" in svg and "1 голос<" in svg and "голосов" not in svg
