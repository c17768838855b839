"""Input of the assessment: municipalities and a long table of statistics.

`MunicipalityRecord` is a municipality as the assessment sees it (id, region, size class,
population); `Observation` is one row of the long table (municipality, indicator, year,
value). `build_panel` checks the rows — duplicates, negative populations and wages,
unknown municipalities, non-numbers — reports each problem in Russian, and packs what is
usable into a dense array `values[municipality, raw code, year]` with NaN for a gap.
`load_csv` reads the shipped CSV files through `civicplan.analytics.tabular`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from civicplan.analytics.tabular import TableError, read_table, require_columns

#: Size classes of settlements (after СП 42.13330.2016, the smallest class split in three
#: because most municipalities are there): code, Russian name, lower population bound.
SIZE_CLASSES: tuple[tuple[str, str, int], ...] = (
    ("under_10k", "до 10 тыс. жителей", 0),
    ("10k_20k", "10–20 тыс. жителей", 10_000),
    ("20k_50k", "20–50 тыс. жителей", 20_000),
    ("50k_100k", "50–100 тыс. жителей", 50_000),
    ("100k_250k", "100–250 тыс. жителей", 100_000),
    ("250k_1m", "250 тыс. – 1 млн жителей", 250_000),
    ("over_1m", "свыше 1 млн жителей", 1_000_000),
)
SIZE_CLASS_NAMES: dict[str, str] = {code: name for code, name, _ in SIZE_CLASSES}
UNKNOWN_SIZE = "unknown"
SIZE_CLASS_NAMES[UNKNOWN_SIZE] = "численность неизвестна"

#: Raw codes that cannot be negative: a negative value is dropped and reported.
NON_NEGATIVE_PREFIXES = ("population", "avg_wage", "market_access")

_MAX_EXAMPLES = 5


def size_class_of(population: float | None) -> str:
    """The size-class code for a population (`unknown` when missing or negative)."""
    if population is None or not math.isfinite(population) or population < 0:
        return UNKNOWN_SIZE
    code = SIZE_CLASSES[0][0]
    for candidate, _name, lower in SIZE_CLASSES:
        if population >= lower:
            code = candidate
    return code


@dataclass(frozen=True, slots=True)
class MunicipalityRecord:
    """A municipality: id (OKTMO), region code, size class, population and a name."""

    id: str
    region: int
    population: float | None = None
    size_class: str = ""
    name: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """One value of a raw indicator for a municipality and a year."""

    municipality: str
    code: str
    year: int
    value: float


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the reader of the assessment must know, in Russian.

    `level` is "warning" (a result was affected) or "info"; `kind` is a stable code
    tests and pages can filter on.
    """

    kind: str
    message: str
    level: str = "warning"
    municipality: str | None = None
    indicator: str | None = None


@dataclass(slots=True)
class Panel:
    """Dense statistics: `values[i, c, y]` for municipality i, raw code c, year y."""

    municipalities: list[MunicipalityRecord]
    codes: list[str]
    years: list[int]
    values: np.ndarray
    notices: list[Notice] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [m.id for m in self.municipalities]

    def code_index(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None

    def year_index(self, year: int) -> int | None:
        try:
            return self.years.index(year)
        except ValueError:
            return None

    def series(self, code: str) -> np.ndarray:
        """(n, years) values of one raw code, all NaN when the code is absent."""
        c = self.code_index(code)
        if c is None:
            return np.full((len(self.municipalities), len(self.years)), np.nan)
        return self.values[:, c, :]


def _examples(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_EXAMPLES])
    more = len(items) - _MAX_EXAMPLES
    return shown + (f" и ещё {more}" if more > 0 else "")


def prepare_municipalities(
    records: Iterable[MunicipalityRecord], notices: list[Notice]
) -> list[MunicipalityRecord]:
    """Drop duplicate ids, fix negative populations, fill missing size classes."""
    seen: set[str] = set()
    duplicates: list[str] = []
    negative: list[str] = []
    result: list[MunicipalityRecord] = []
    for rec in records:
        if rec.id in seen:
            duplicates.append(rec.id)
            continue
        seen.add(rec.id)
        population = rec.population
        if population is not None and (not math.isfinite(population) or population < 0):
            negative.append(rec.name or rec.id)
            population = None
        size_class = rec.size_class or size_class_of(population)
        if size_class not in SIZE_CLASS_NAMES:
            size_class = size_class_of(population)
        result.append(
            MunicipalityRecord(
                id=rec.id,
                region=rec.region,
                population=population,
                size_class=size_class,
                name=rec.name,
                lat=rec.lat,
                lon=rec.lon,
            )
        )
    if duplicates:
        notices.append(
            Notice(
                "duplicate_municipality",
                f"Муниципалитеты повторяются в списке ({len(duplicates)}): "
                f"{_examples(duplicates)}; учтена первая запись каждого.",
            )
        )
    if negative:
        notices.append(
            Notice(
                "negative_population",
                f"Отрицательная или нечисловая численность населения у {len(negative)} "
                f"муниципалитетов ({_examples(negative)}): численность считается неизвестной.",
            )
        )
    return result


def build_panel(
    municipalities: Iterable[MunicipalityRecord],
    observations: Iterable[Observation],
) -> Panel:
    """Check the rows and pack them into a dense panel; every problem becomes a notice."""
    notices: list[Notice] = []
    records = prepare_municipalities(municipalities, notices)
    index = {m.id: i for i, m in enumerate(records)}
    names = {m.id: (m.name or m.id) for m in records}

    cells: dict[tuple[int, str, int], float] = {}
    same_dupes = 0
    conflicts: list[str] = []
    unknown: set[str] = set()
    negative: list[str] = []
    not_finite: list[str] = []
    for obs in observations:
        i = index.get(obs.municipality)
        if i is None:
            unknown.add(obs.municipality)
            continue
        value = obs.value
        if not math.isfinite(value):
            not_finite.append(f"{names[obs.municipality]}: {obs.code}, {obs.year}")
            continue
        if value < 0 and obs.code.startswith(NON_NEGATIVE_PREFIXES):
            negative.append(f"{names[obs.municipality]}: {obs.code} {obs.year} = {value:g}")
            continue
        key = (i, obs.code, obs.year)
        previous = cells.get(key)
        if previous is None:
            cells[key] = value
        elif previous == value:
            same_dupes += 1
        else:
            conflicts.append(
                f"{names[obs.municipality]}: {obs.code} {obs.year} ({previous:g} и {value:g})"
            )

    if same_dupes:
        notices.append(
            Notice(
                "duplicate_rows",
                f"В таблице показателей {same_dupes} повторяющихся строк с тем же значением; "
                "учтена одна строка из каждой группы.",
                level="info",
            )
        )
    if conflicts:
        notices.append(
            Notice(
                "conflicting_rows",
                f"Для одного муниципалитета, показателя и года встречаются разные значения "
                f"({len(conflicts)}): {_examples(conflicts)}. Учтено первое значение.",
            )
        )
    if negative:
        notices.append(
            Notice(
                "negative_values",
                f"Отрицательные значения численности населения, зарплаты или индекса доступа "
                f"к рынкам отброшены ({len(negative)}): {_examples(negative)}.",
            )
        )
    if not_finite:
        notices.append(
            Notice(
                "not_finite",
                f"Нечисловые значения отброшены ({len(not_finite)}): {_examples(not_finite)}.",
            )
        )
    if unknown:
        notices.append(
            Notice(
                "unknown_municipality",
                f"Строки показателей для {len(unknown)} муниципалитетов, которых нет в списке, "
                f"пропущены: {_examples(sorted(unknown))}.",
                level="info",
            )
        )

    codes = sorted({code for _, code, _ in cells})
    years = sorted({year for _, _, year in cells})
    values = np.full((len(records), len(codes), len(years)), np.nan)
    if cells:
        code_pos = {c: k for k, c in enumerate(codes)}
        year_pos = {y: k for k, y in enumerate(years)}
        keys = list(cells)
        ii = np.fromiter((k[0] for k in keys), dtype=np.intp, count=len(keys))
        cc = np.fromiter((code_pos[k[1]] for k in keys), dtype=np.intp, count=len(keys))
        yy = np.fromiter((year_pos[k[2]] for k in keys), dtype=np.intp, count=len(keys))
        values[ii, cc, yy] = np.fromiter(cells.values(), dtype=float, count=len(keys))

    # A municipality without a population figure gets one from the statistics.
    if "population" in codes:
        pop = values[:, codes.index("population"), :]
        latest = _latest_along_years(pop)
        records = [
            _with_population(rec, latest[i]) if rec.population is None else rec
            for i, rec in enumerate(records)
        ]
    return Panel(municipalities=records, codes=codes, years=years, values=values, notices=notices)


def _with_population(rec: MunicipalityRecord, population: float) -> MunicipalityRecord:
    if not math.isfinite(population):
        return rec
    size_class = rec.size_class if rec.size_class != UNKNOWN_SIZE else size_class_of(population)
    return MunicipalityRecord(
        id=rec.id,
        region=rec.region,
        population=float(population),
        size_class=size_class,
        name=rec.name,
        lat=rec.lat,
        lon=rec.lon,
    )


def _latest_along_years(series: np.ndarray) -> np.ndarray:
    """The last non-NaN value of each row of (n, years)."""
    result = np.full(series.shape[0], np.nan)
    for y in range(series.shape[1]):
        column = series[:, y]
        result = np.where(np.isnan(column), result, column)
    return result


def _float_or_none(text: str) -> float | None:
    text = (text or "").strip().replace(",", ".").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def load_csv(
    municipalities_path: str | os.PathLike[str],
    indicators_path: str | os.PathLike[str],
) -> tuple[list[MunicipalityRecord], list[Observation], list[Notice]]:
    """Read `municipalities.csv` and `indicators.csv` in the shipped format.

    Municipality population comes from the statistics (latest year) inside `build_panel`.
    Rows that cannot be read are skipped and reported with their line numbers.
    """
    notices: list[Notice] = []
    table = read_table(municipalities_path)
    require_columns(table, "oktmo", "name", "region_code")
    records: list[MunicipalityRecord] = []
    bad_lines: list[str] = []
    for line, row in table.rows:
        oktmo = row["oktmo"].strip()
        region = _float_or_none(row["region_code"])
        if not oktmo or region is None:
            bad_lines.append(str(line))
            continue
        records.append(
            MunicipalityRecord(
                id=oktmo,
                region=int(region),
                name=row.get("name", "").strip(),
                lat=_float_or_none(row.get("lat", "")),
                lon=_float_or_none(row.get("lon", "")),
            )
        )
    if bad_lines:
        notices.append(
            Notice(
                "bad_municipality_rows",
                f"В файле {table.name} строки без ОКТМО или кода региона пропущены: "
                f"{_examples(bad_lines)}.",
            )
        )

    table = read_table(indicators_path)
    require_columns(table, "oktmo", "indicator", "year", "value")
    observations: list[Observation] = []
    bad_lines = []
    for line, row in table.rows:
        value = _float_or_none(row["value"])
        year = _float_or_none(row["year"])
        code = row["indicator"].strip()
        if value is None or year is None or not code:
            bad_lines.append(str(line))
            continue
        observations.append(Observation(row["oktmo"].strip(), code, int(year), value))
    if bad_lines:
        notices.append(
            Notice(
                "bad_indicator_rows",
                f"В файле {table.name} строки без показателя, года или числового значения "
                f"пропущены ({len(bad_lines)}): строки {_examples(bad_lines)}.",
            )
        )
    return records, observations, notices


__all__ = [
    "SIZE_CLASSES",
    "SIZE_CLASS_NAMES",
    "MunicipalityRecord",
    "Notice",
    "Observation",
    "Panel",
    "TableError",
    "build_panel",
    "load_csv",
    "size_class_of",
]
