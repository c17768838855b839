"""A municipality page from the anonymous page cache changes after a statistics import."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from civicplan.territories import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

OTRADNY = "36724000000"


def anonymous_page(url: str) -> tuple[str, str]:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode(), response.get("X-Page-Cache", "")


def test_imported_wage_appears_on_the_cached_municipality_page(samara: Any) -> None:
    url = f"/territories/municipalities/{OTRADNY}/"
    anonymous_page(url)
    before, second = anonymous_page(url)
    source = io.BytesIO(b"oktmo,indicator,year,value\n36724000000,avg_wage,2025,98765\n")
    source.name = "wages.csv"

    services.indicator_values_import(source=source)

    after, third = anonymous_page(url)
    assert (second, third) == ("hit", "miss")
    assert "98\u00a0765" not in before
    assert "98\u00a0765" in after or "98 765" in after
