"""The demo roadmap: realistic size, baselines from the real statistics, links to proposals."""

from __future__ import annotations

import io
from typing import Any

from civicplan.strategy import demo_roadmap
from civicplan.strategy.models import KPI, Measure, Strategy
from civicplan.territories.models import IndicatorValue


def test_demo_roadmap_has_kpis_from_statistics_and_forty_measures(samara: Any) -> None:
    out = io.StringIO()

    demo_roadmap.load(stdout=out)

    strategy = Strategy.objects.get(slug="samara-2036")
    assert KPI.objects.filter(goal__direction__strategy=strategy).count() >= 15
    assert Measure.objects.filter(strategy=strategy).count() >= 40
    assert set(Measure.objects.values_list("sector", flat=True)) >= {
        "government",
        "municipality",
        "business",
        "civil",
        "science",
    }
    population = KPI.objects.get(indicator__code="population")
    expected = sum(
        IndicatorValue.objects.filter(
            indicator__code="population", year=2023, municipality__region=samara
        )
        .exclude(municipality__kind="intracity")
        .values_list("value", flat=True)
    )
    assert population.baseline_value == expected
    assert 3_000_000 < expected < 3_300_000
    assert population.values.filter(municipality__isnull=True, year=2024).exists()
    assert "мероприятий" in out.getvalue()

    demo_roadmap.load(stdout=out)  # a second run adds nothing
    assert Measure.objects.filter(strategy=strategy).count() == len(demo_roadmap.MEASURES)
