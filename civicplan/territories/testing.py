"""Test support for territories: the real municipalities and statistics of chosen regions.

    load_regions(63)  # Samara region: municipalities, indicators, cities

Used by the root conftest.py (`samara` fixture) and by tests of higher apps.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "municipal"


def _filtered_csv(path: Path, keep: Callable[[dict[str, str]], bool]) -> io.BytesIO:
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        for row in reader:
            if keep(row):
                writer.writerow(row)
    buffer = io.BytesIO(out.getvalue().encode("utf-8"))
    buffer.name = path.name
    return buffer


def load_regions(*codes: int) -> None:
    """Import the real municipalities, indicators and cities of the given regions."""
    from civicplan.territories import services
    from civicplan.territories.models import Municipality

    wanted = {str(c) for c in codes}
    services.municipalities_import(
        source=_filtered_csv(DATA / "municipalities.csv", lambda r: r["region_code"] in wanted)
    )
    oktmos = set(Municipality.objects.values_list("oktmo", flat=True))
    services.indicators_meta_import(source=DATA / "indicators_meta.csv")
    services.indicator_values_import(
        source=_filtered_csv(DATA / "indicators.csv", lambda r: r["oktmo"] in oktmos)
    )
    services.cities_import(
        source=_filtered_csv(
            DATA / "cities.csv", lambda r: r["oktmo"][:8] in {o[:8] for o in oktmos}
        )
    )
