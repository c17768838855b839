"""Demo territories: the whole country's municipalities and statistics from data/municipal/.

All 2,594 municipalities are loaded (peers and typology compare towns across Russia); the
demo campaign itself is about the Samara (63) and Orenburg (56) regions.
"""

from __future__ import annotations

from typing import Any

from civicplan.territories import services
from civicplan.territories.management.commands.import_territories import shipped_file

DEMO_REGION_CODES = (63, 56)


def load(*, stdout: Any) -> None:
    for kind, run in (
        ("municipalities", services.municipalities_import),
        ("indicators-meta", services.indicators_meta_import),
        ("indicators", services.indicator_values_import),
        ("cities", services.cities_import),
    ):
        report = run(source=shipped_file(kind))
        stdout.write(f"  {report.summary()}")
