"""The strategy tree and a KPI page from the anonymous page cache change with every edit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicplan.strategy import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


def anonymous_page(url: str) -> tuple[str, str]:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def test_new_goal_appears_on_the_cached_strategy_tree(strategy: Any, direction: Any) -> None:
    url = f"/strategy/{strategy.slug}/"
    anonymous_page(url)
    _, second = anonymous_page(url)

    services.goal_upsert(
        direction=direction, code="Ц5.9", title="В малых городах открываются коворкинги"
    )

    html, source = anonymous_page(url)
    assert second == "hit"
    assert source == "miss"
    assert "В малых городах открываются коворкинги" in html


def test_recorded_value_appears_on_the_cached_kpi_page(strategy: Any, kpi: Any) -> None:
    url = f"/strategy/{strategy.slug}/kpi/{kpi.pk}/"
    before, _ = anonymous_page(url)
    anonymous_page(url)

    services.kpi_value_record(kpi=kpi, year=2024, value="57,3")

    after, _ = anonymous_page(url)
    assert "57,3" not in before
    assert "57,3" in after
