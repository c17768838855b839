"""Importers for the municipal data formats (see data/municipal/README.md).

Each importer validates every row, reports bad rows by line number with the reason, imports
the rest in one transaction, and changes nothing when re-run with the same file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, BinaryIO

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from civicplan.analytics.tabular import MAX_ROWS, Table, TableError, read_table, require_columns
from civicplan.core.imports import ImportReport, Progress, bulk_upsert
from civicplan.core.pagecache import changes_public_pages
from civicplan.territories.models import (
    DEFAULT_CITY_KIND,
    Better,
    City,
    Indicator,
    IndicatorValue,
    Municipality,
    MunicipalityKind,
    Region,
    size_class_for,
)

Source = str | os.PathLike[str] | BinaryIO

# The source stored with every imported statistics value (a data label, not a message).
STATISTICS_SOURCE_LABEL = "СберИндекс / БД ПМО Росстата"
# «ё» is read as «е» when region names are compared.
YO_AS_E = str.maketrans("ё", "е")

KIND_BY_TEXT = {
    "муниципальный район": MunicipalityKind.MUNICIPAL_DISTRICT,
    "муниципальный округ": MunicipalityKind.MUNICIPAL_OKRUG,
    "городской округ": MunicipalityKind.URBAN_OKRUG,
    "городской округ с внутригородским делением": MunicipalityKind.URBAN_OKRUG,
    "внутригородская территория города федерального значения": MunicipalityKind.INTRACITY,
    "внутригородской район": MunicipalityKind.INTRACITY,
}

REGION_TIMEZONES = {
    63: "Europe/Samara",
    56: "Asia/Yekaterinburg",
    18: "Europe/Samara",
    73: "Europe/Ulyanovsk",
    64: "Europe/Saratov",
    30: "Europe/Astrakhan",
    34: "Europe/Volgograd",
    2: "Asia/Yekaterinburg",
    66: "Asia/Yekaterinburg",
    74: "Asia/Yekaterinburg",
    45: "Asia/Yekaterinburg",
    72: "Asia/Yekaterinburg",
    86: "Asia/Yekaterinburg",
    89: "Asia/Yekaterinburg",
    59: "Asia/Yekaterinburg",
    55: "Asia/Omsk",
    54: "Asia/Novosibirsk",
    22: "Asia/Barnaul",
    4: "Asia/Barnaul",
    70: "Asia/Tomsk",
    42: "Asia/Novokuznetsk",
    24: "Asia/Krasnoyarsk",
    19: "Asia/Krasnoyarsk",
    17: "Asia/Krasnoyarsk",
    38: "Asia/Irkutsk",
    3: "Asia/Irkutsk",
    75: "Asia/Chita",
    14: "Asia/Yakutsk",
    28: "Asia/Yakutsk",
    27: "Asia/Vladivostok",
    25: "Asia/Vladivostok",
    79: "Asia/Vladivostok",
    49: "Asia/Magadan",
    65: "Asia/Sakhalin",
    41: "Asia/Kamchatka",
    87: "Asia/Anadyr",
    39: "Europe/Kaliningrad",
}


# Official statistics come as one long table for the whole country (2,594 municipalities ×
# indicators × years: the shipped file alone has 100,436 rows), well past the cap of a table
# that staff upload through the site.
STATISTICS_MAX_ROWS = 1_000_000


def _open(source: Source, name: str | None, max_rows: int = MAX_ROWS) -> Table:
    return read_table(source, name=name, max_rows=max_rows)


def _parse_float(raw: str) -> float | None:
    text = (raw or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text:
        return None
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(raw)
    return value


def _normalise_oktmo(raw: str) -> str | None:
    """11 digits; Excel drops leading zeros, so a 10-digit code is padded."""
    digits = (raw or "").strip().replace("-", "").replace(" ", "")
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdigit():
        return None
    if len(digits) == 10:
        digits = "0" + digits
    return digits if len(digits) == 11 else None


def _run(
    source: Source,
    name: str | None,
    work: Callable[[Table, ImportReport], None],
    *,
    max_rows: int = MAX_ROWS,
) -> ImportReport:
    report = ImportReport()
    try:
        table = _open(source, name, max_rows)
    except TableError as exc:
        report.source = name or str(source)
        report.error(0, str(exc))
        return report
    report.source = table.name
    try:
        with transaction.atomic():
            work(table, report)
    except TableError as exc:
        report.error(0, str(exc))
    return report


@changes_public_pages(topics=("territories",))
def municipalities_import(
    *, source: Source, name: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import regions and municipalities from a municipalities.csv-shaped table."""

    def work(table: Table, report: ImportReport) -> None:
        require_columns(table, "oktmo", "name", "short_name", "type", "region_code", "region_name")
        regions: dict[int, str] = {}
        rows: dict[str, dict[str, Any]] = {}
        seen: dict[str, int] = {}
        for line, row in table.rows:
            report.total_rows += 1
            oktmo = _normalise_oktmo(row.get("oktmo", ""))
            if oktmo is None:
                report.error(
                    line,
                    _("код ОКТМО «%(value)s» — не 11 цифр") % {"value": row.get("oktmo", "")},
                    "oktmo",
                )
                continue
            if oktmo in seen:
                report.error(
                    line,
                    _("ОКТМО %(oktmo)s уже был в строке %(line)s")
                    % {"oktmo": oktmo, "line": seen[oktmo]},
                    "oktmo",
                )
                continue
            name_value = row.get("name", "").strip()
            if not name_value:
                report.error(line, _("пустое название"), "name")
                continue
            try:
                region_code = int(row.get("region_code", "").strip())
                if not 1 <= region_code <= 99:
                    raise ValueError
            except ValueError:
                report.error(
                    line,
                    _("код региона «%(value)s» — не число от 1 до 99")
                    % {"value": row.get("region_code", "")},
                    "region_code",
                )
                continue
            try:
                lat = _parse_float(row.get("lat", ""))
                lon = _parse_float(row.get("lon", ""))
            except ValueError:
                report.error(line, _("координаты — не числа"), "lat")
                continue
            if (
                lat is not None
                and not -90 <= lat <= 90
                or lon is not None
                and not -180 <= lon <= 180
            ):
                report.error(line, _("координаты вне допустимого диапазона"), "lat")
                continue
            seen[oktmo] = line
            regions.setdefault(
                region_code,
                row.get("region_name", "").strip() or _("Регион %(code)s") % {"code": region_code},
            )
            kind_text = row.get("type", "").strip().lower()
            rows[oktmo] = {
                "oktmo": oktmo,
                "name": name_value,
                "short_name": row.get("short_name", "").strip() or name_value,
                "kind": KIND_BY_TEXT.get(kind_text, MunicipalityKind.OTHER),
                "status": row.get("status", "").strip(),
                "center": row.get("center", "").strip(),
                "region_code": region_code,
                "lat": lat,
                "lon": lon,
            }
            if progress:
                progress(report.total_rows, 0)
        region_report = ImportReport()
        bulk_upsert(
            Region,
            {
                code: {
                    "code": code,
                    "name": rname,
                    "timezone": REGION_TIMEZONES.get(code, "Europe/Moscow"),
                }
                for code, rname in regions.items()
            },
            key=lambda r: r.code,
            existing=Region.objects.filter(code__in=regions),
            fields=["name"],
            report=region_report,
        )
        region_ids = dict(Region.objects.filter(code__in=regions).values_list("code", "id"))
        for values in rows.values():
            values["region_id"] = region_ids[values.pop("region_code")]
        bulk_upsert(
            Municipality,
            rows,
            key=lambda m: m.oktmo,
            existing=Municipality.objects.filter(oktmo__in=rows),
            fields=["name", "short_name", "kind", "status", "center", "region_id", "lat", "lon"],
            report=report,
        )

    return _run(source, name, work)


@changes_public_pages(topics=("territories",))
def indicators_meta_import(*, source: Source, name: str | None = None) -> ImportReport:
    """Import indicator codes, names, units and the better direction."""

    def work(table: Table, report: ImportReport) -> None:
        require_columns(table, "indicator", "name")
        rows: dict[str, dict[str, Any]] = {}
        for line, row in table.rows:
            report.total_rows += 1
            code = row.get("indicator", "").strip()
            if not code:
                report.error(line, _("пустой код показателя"), "indicator")
                continue
            if code in rows:
                report.error(
                    line, _("показатель %(code)s повторяется") % {"code": code}, "indicator"
                )
                continue
            better = row.get("better", "").strip().lower() or Better.HIGHER
            if better not in Better.values:
                report.error(
                    line,
                    _("«%(value)s» — ожидается higher, lower или neutral") % {"value": better},
                    "better",
                )
                continue
            rows[code] = {
                "code": code,
                "name": row.get("name", "").strip() or code,
                "unit": row.get("unit", "").strip(),
                "better": better,
            }
        bulk_upsert(
            Indicator,
            rows,
            key=lambda i: i.code,
            existing=Indicator.objects.filter(code__in=rows),
            fields=["name", "unit", "better"],
            report=report,
        )

    return _run(source, name, work)


POPULATION_CODES = {
    "population",
    "population_age_0_14",
    "population_age_15_64",
    "population_age_65_plus",
}


@changes_public_pages(topics=("territories",))
def indicator_values_import(
    *,
    source: Source,
    name: str | None = None,
    source_label: str = STATISTICS_SOURCE_LABEL,
    progress: Progress | None = None,
    only_region_codes: set[int] | None = None,
) -> ImportReport:
    """Import values in long format: oktmo, indicator, year, value."""

    def work(table: Table, report: ImportReport) -> None:
        require_columns(table, "oktmo", "indicator", "year", "value")
        municipalities = dict(Municipality.objects.values_list("oktmo", "id"))
        region_of = dict(Municipality.objects.values_list("oktmo", "region__code"))
        indicators = dict(Indicator.objects.values_list("code", "id"))
        rows: dict[tuple[int, int, int], dict[str, Any]] = {}
        seen: dict[tuple[int, int, int], int] = {}
        for line, row in table.rows:
            report.total_rows += 1
            if progress and report.total_rows % 5000 == 0:
                progress(report.total_rows, 0)
            oktmo = _normalise_oktmo(row.get("oktmo", ""))
            if oktmo is None:
                report.error(
                    line,
                    _("код ОКТМО «%(value)s» — не 11 цифр") % {"value": row.get("oktmo", "")},
                    "oktmo",
                )
                continue
            if oktmo not in municipalities:
                report.error(
                    line,
                    _("неизвестный ОКТМО %(oktmo)s: нет такого муниципального образования")
                    % {"oktmo": oktmo},
                    "oktmo",
                )
                continue
            if only_region_codes is not None and region_of[oktmo] not in only_region_codes:
                report.total_rows -= 1
                continue
            code = row.get("indicator", "").strip()
            if code not in indicators:
                report.error(
                    line, _("неизвестный показатель «%(code)s»") % {"code": code}, "indicator"
                )
                continue
            try:
                year = int(row.get("year", "").strip())
                if not 1990 <= year <= 2100:
                    raise ValueError
            except ValueError:
                report.error(
                    line,
                    _("год «%(value)s» — не год от 1990 до 2100") % {"value": row.get("year", "")},
                    "year",
                )
                continue
            try:
                value = _parse_float(row.get("value", ""))
            except ValueError:
                report.error(
                    line,
                    _("значение «%(value)s» — не число") % {"value": row.get("value", "")},
                    "value",
                )
                continue
            if value is None:
                report.error(line, _("пустое значение"), "value")
                continue
            if code in POPULATION_CODES and value < 0:
                report.error(
                    line,
                    _("отрицательная численность населения: %(value)s") % {"value": value},
                    "value",
                )
                continue
            key = (municipalities[oktmo], indicators[code], year)
            if key in seen:
                report.error(
                    line,
                    _("повторяет строку %(line)s (тот же ОКТМО, показатель и год)")
                    % {"line": seen[key]},
                    "oktmo",
                )
                continue
            seen[key] = line
            rows[key] = {
                "municipality_id": key[0],
                "indicator_id": key[1],
                "year": year,
                "value": value,
                "source": source_label,
            }
        bulk_upsert(
            IndicatorValue,
            rows,
            key=lambda v: (v.municipality_id, v.indicator_id, v.year),
            existing=IndicatorValue.objects.filter(
                indicator_id__in={k[1] for k in rows},
                municipality_id__in={k[0] for k in rows},
            ).only("id", "municipality_id", "indicator_id", "year", "value", "source"),
            fields=["value", "source"],
            report=report,
        )
        municipality_population_refresh(municipality_ids={k[0] for k in rows})

    return _run(source, name, work, max_rows=STATISTICS_MAX_ROWS)


@changes_public_pages(topics=("territories",))
def municipality_population_refresh(*, municipality_ids: set[int] | None = None) -> int:
    """Copy the latest «population» value into Municipality.population for filtering."""
    values = IndicatorValue.objects.filter(indicator__code="population")
    if municipality_ids is not None:
        values = values.filter(municipality_id__in=municipality_ids)
    latest = dict(
        values.values("municipality_id").annotate(y=Max("year")).values_list("municipality_id", "y")
    )
    pairs = values.filter(year__in=set(latest.values())).values_list(
        "municipality_id", "year", "value"
    )
    updates = []
    by_id = {}
    for municipality_id, year, value in pairs:
        if latest.get(municipality_id) == year:
            by_id[municipality_id] = (year, int(value))
    for municipality in Municipality.objects.filter(pk__in=by_id):
        year, value = by_id[municipality.pk]
        if municipality.population != value or municipality.population_year != year:
            municipality.population, municipality.population_year = value, year
            updates.append(municipality)
    Municipality.objects.bulk_update(updates, ["population", "population_year"], batch_size=1000)
    return len(updates)


# Words of a region's name that are dropped before names are compared («Самарская область» and
# «Самарская обл.» meet); input is matched against them.
REGION_WORDS = (
    "республика",
    "область",
    "край",
    "автономный округ",
    "автономная",
    "г.",
    "город",
    "—",
    "-",
    "ао",
)


def _region_key(name: str) -> str:
    text = name.lower().translate(YO_AS_E).replace("/", " ").replace("(", " ").replace(")", " ")
    for word in REGION_WORDS:
        text = text.replace(word, " ")
    return " ".join(text.split())


@changes_public_pages(topics=("territories",))
def cities_import(
    *, source: Source, name: str | None = None, progress: Progress | None = None
) -> ImportReport:
    """Import cities; each is matched to its municipality by OKTMO prefix, with care."""

    def work(table: Table, report: ImportReport) -> None:
        require_columns(table, "city", "region", "oktmo", "population")
        municipalities = list(Municipality.objects.values_list("id", "oktmo", "region_id"))
        by_prefix8 = {oktmo[:8]: (mid, rid) for mid, oktmo, rid in municipalities}
        by_prefix5: dict[str, tuple[int, int]] = {}
        region_by_prefix2: dict[str, int] = {}
        for mid, oktmo, rid in municipalities:
            by_prefix5.setdefault(oktmo[:5], (mid, rid))
            region_by_prefix2.setdefault(oktmo[:2], rid)
        region_by_name = {
            _region_key(n): rid for rid, n in Region.objects.values_list("id", "name")
        }
        rows: dict[tuple[int, str], dict[str, Any]] = {}
        for line, row in table.rows:
            report.total_rows += 1
            city = row.get("city", "").strip()
            if not city:
                report.error(line, _("пустое название города"), "city")
                continue
            oktmo = _normalise_oktmo(row.get("oktmo", "")) or ""
            municipality_id = region_id = None
            if oktmo:
                match = by_prefix8.get(oktmo[:8]) or by_prefix5.get(oktmo[:5])
                if match:
                    municipality_id, region_id = match
                else:
                    region_id = region_by_prefix2.get(oktmo[:2])
            if region_id is None:
                region_id = region_by_name.get(_region_key(row.get("region", "")))
            if region_id is None:
                report.error(
                    line,
                    _("не удалось определить регион «%(value)s»")
                    % {"value": row.get("region", "")},
                    "region",
                )
                continue
            try:
                population_value = _parse_float(row.get("population", ""))
                lat = _parse_float(row.get("lat", ""))
                lon = _parse_float(row.get("lon", ""))
                year_value = _parse_float(row.get("foundation_year", ""))
            except ValueError:
                report.error(
                    line, _("численность, координаты или год основания — не числа"), "population"
                )
                continue
            if population_value is not None and population_value < 0:
                report.error(line, _("отрицательная численность населения"), "population")
                continue
            population = int(population_value) if population_value is not None else None
            key = (region_id, city)
            if key in rows:
                report.error(
                    line, _("город «%(city)s» в этом регионе уже был") % {"city": city}, "city"
                )
                continue
            rows[key] = {
                "name": city,
                "kind": row.get("city_type", "").strip() or DEFAULT_CITY_KIND,
                "region_id": region_id,
                "municipality_id": municipality_id,
                "oktmo": oktmo,
                "lat": lat,
                "lon": lon,
                "population": population,
                "foundation_year": int(year_value) if year_value is not None else None,
                "is_regional_capital": row.get("capital_marker", "").strip() == "2",
                "size_class": size_class_for(population),
            }
        bulk_upsert(
            City,
            rows,
            key=lambda c: (c.region_id, c.name),
            existing=City.objects.all(),
            fields=[
                "kind",
                "municipality_id",
                "oktmo",
                "lat",
                "lon",
                "population",
                "foundation_year",
                "is_regional_capital",
                "size_class",
            ],
            report=report,
        )

    return _run(source, name, work)
