"""Importers: real data, idempotent re-runs, and every kind of bad input."""

from __future__ import annotations

import io

import pytest

from civicplan.territories import services
from civicplan.territories.models import City, IndicatorValue, Municipality, Region, SizeClass

pytestmark = pytest.mark.django_db


def csv_file(text: str, *, encoding: str = "utf-8", name: str = "file.csv") -> io.BytesIO:
    buffer = io.BytesIO(text.encode(encoding))
    buffer.name = name
    return buffer


MUNICIPALITIES = (
    "oktmo,name,short_name,type,status,center,region_code,region_name,lat,lon\n"
    "36724000000,городской округ Отрадный,Отрадный,городской округ,,г Отрадный,63,Самарская область,53.37618,51.34805\n"
    "36708000000,городской округ Кинель,Кинель,городской округ,,г Кинель,63,Самарская область,53.21974,50.63323\n"
)


def test_real_samara_region_is_imported_with_population(samara):
    otradny = Municipality.objects.get(oktmo="36724000000")
    assert otradny.name == "городской округ Отрадный"
    assert otradny.region == samara
    assert otradny.population == 46480
    assert otradny.population_year == 2024
    assert Municipality.objects.filter(region=samara).count() == 37
    assert City.objects.get(name="Отрадный").size_class == SizeClass.SMALL
    assert City.objects.get(name="Самара").size_class == SizeClass.LARGEST


def test_reimport_changes_nothing(samara):
    values_before = IndicatorValue.objects.count()
    report = services.municipalities_import(source=csv_file(MUNICIPALITIES))
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    again = services.indicators_meta_import(source="data/municipal/indicators_meta.csv")
    assert again.created == 0 and again.updated == 0
    assert IndicatorValue.objects.count() == values_before


def test_cp1251_with_semicolons_as_excel_saves_it(db):
    text = MUNICIPALITIES.replace(",", ";")
    report = services.municipalities_import(source=csv_file(text, encoding="cp1251"))
    assert report.ok, report.errors
    assert report.created == 2
    assert Municipality.objects.get(oktmo="36708000000").short_name == "Кинель"
    assert Region.objects.get(code=63).name == "Самарская область"


def test_bad_rows_are_reported_by_line_and_good_rows_stay(db):
    text = (
        MUNICIPALITIES
        + "12345,Неизвестный округ,Неизвестный,городской округ,,,63,Самарская область,,\n"
        + "36724000000,городской округ Отрадный,Отрадный,городской округ,,,63,Самарская область,,\n"
        + "36601000000,Алексеевский муниципальный район,Алексеевский,муниципальный район,,,девяносто,Самарская область,,\n"
        + "36602000000,Безенчукский муниципальный район,Безенчукский,муниципальный район,,,63,Самарская область,сто,50\n"
    )
    report = services.municipalities_import(source=csv_file(text))
    by_line = {e.line: e for e in report.errors}
    assert set(by_line) == {4, 5, 6, 7}
    assert "не 11 цифр" in by_line[4].reason
    assert "уже был в строке 2" in by_line[5].reason
    assert by_line[6].column == "region_code"
    assert "координаты" in by_line[7].reason
    assert Municipality.objects.count() == 2


def test_indicator_values_validate_every_row(db):
    services.municipalities_import(source=csv_file(MUNICIPALITIES))
    services.indicators_meta_import(source="data/municipal/indicators_meta.csv")
    text = (
        "oktmo,indicator,year,value\n"
        "36724000000,population,2024,46480\n"
        "36724000000,population,2024,46480\n"
        "99999999999,population,2024,100\n"
        "36724000000,avg_wage,2024,много\n"
        "36724000000,no_such_indicator,2024,1\n"
        "36724000000,population,2023,-5\n"
        "36708000000,avg_wage,двадцать,1\n"
        '36708000000,avg_wage,2024,"65 432,1"\n'
        "broken line without enough columns\n"
    )
    report = services.indicator_values_import(source=csv_file(text))
    reasons = {e.line: e.reason for e in report.errors}
    assert "повторяет строку 2" in reasons[3]
    assert "неизвестный ОКТМО 99999999999" in reasons[4]
    assert "не число" in reasons[5]
    assert "неизвестный показатель" in reasons[6]
    assert "отрицательная численность" in reasons[7]
    assert "не год" in reasons[8]
    assert 10 in reasons
    assert IndicatorValue.objects.count() == 2
    assert IndicatorValue.objects.get(indicator__code="avg_wage").value == pytest.approx(65432.1)
    assert Municipality.objects.get(oktmo="36724000000").population == 46480


def test_excel_dropped_leading_zero_of_oktmo_is_restored(db):
    text = (
        "oktmo,name,short_name,type,status,center,region_code,region_name,lat,lon\n"
        "1512000000,Белгородский район,Белгородский,муниципальный район,,,31,Белгородская область,,\n"
    )
    report = services.municipalities_import(source=csv_file(text))
    assert report.ok
    assert Municipality.objects.get().oktmo == "01512000000"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "пуст"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "двоичные данные"),
        ("name,region\nОтрадный,63\n".encode(), "нет столбца «oktmo»"),
    ],
)
def test_unreadable_files_get_a_clear_message(db, content, message):
    buffer = io.BytesIO(content)
    buffer.name = "bad.csv"
    report = services.municipalities_import(source=buffer)
    assert not report.ok
    assert message in report.errors[0].reason
    assert Municipality.objects.count() == 0


def test_statistics_for_the_whole_country_load_past_the_upload_cap(samara):
    """The shipped statistics have 100,436 rows, past the 100,000 rows of a table staff upload
    through the site; the cap refused the whole file and the demo region had no statistics
    (the potential index was computed for no town). The statistics import takes such files."""
    from civicplan.analytics.tabular import MAX_ROWS

    population = IndicatorValue.objects.filter(indicator__code="population").select_related(
        "municipality"
    )
    chosen = population.order_by("pk").first()
    lines = ["oktmo,indicator,year,value"]
    lines.append(f"{chosen.municipality.oktmo},population,{chosen.year},{chosen.value + 1}")
    # The rest of the country: municipalities this database does not hold (reported, skipped).
    lines += [f"01{n:09d},population,2023,1000" for n in range(MAX_ROWS + 10)]
    report = services.indicator_values_import(
        source=io.BytesIO("\n".join(lines).encode()), name="indicators.csv"
    )

    assert report.total_rows == MAX_ROWS + 11
    assert "больше" not in " ".join(e.reason for e in report.errors)
    assert IndicatorValue.objects.get(pk=chosen.pk).value == chosen.value + 1
