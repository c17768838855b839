"""A potential page from the anonymous page cache changes after the index is recomputed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from civicplan.potential.services import (
    potential_ensure_computed,
    potential_methodology_active,
    potential_recompute,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

OTRADNY = "36724000000"


def anonymous_page(url: str) -> tuple[str, str]:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def test_recomputed_index_refreshes_the_cached_potential_page(samara: Any) -> None:
    potential_ensure_computed()
    methodology = potential_methodology_active()
    assert methodology is not None
    url = f"/territories/municipalities/{OTRADNY}/potential/"
    anonymous_page(url)
    _, second = anonymous_page(url)

    potential_recompute(methodology=methodology)

    _, third = anonymous_page(url)
    assert (second, third) == ("hit", "miss")
