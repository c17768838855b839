"""Territory pages and API as a visitor and a program see them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_municipality_page_shows_real_population_and_chart(client, samara):
    response = client.get("/territories/municipalities/36724000000/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "городской округ Отрадный" in html
    assert "46\u00a0480" in html and "46\u00a0755" in html
    assert "<svg" in html and "Численность населения по годам" in html
    assert "Самарская область" in html


def test_unknown_municipality_is_404(client, samara):
    assert client.get("/territories/municipalities/00000000000/").status_code == 404


def test_region_page_lists_municipalities_and_filters_by_name(client, samara):
    response = client.get("/territories/regions/63/", {"q": "отрадный"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "городской округ Отрадный" in html
    assert "городской округ Кинель" not in html.split('id="mun-h"')[1]


def test_api_filters_municipalities_by_population_and_kind(client, samara):
    response = client.get(
        "/api/v1/municipalities/",
        {"region": 63, "kind": "urban_okrug", "population_min": 40000, "population_max": 50000},
    )
    assert response.status_code == 200
    names = [m["short_name"] for m in response.json()["items"]]
    assert "Отрадный" in names
    assert all(m["kind"] == "urban_okrug" for m in response.json()["items"])


def test_api_paginates_and_validates(client, samara):
    page = client.get("/api/v1/municipalities/", {"region": 63, "page": 1}).json()
    assert page["count"] == 37
    assert client.get("/api/v1/municipalities/", {"population_min": -1}).status_code == 422
    missing = client.get("/api/v1/municipalities/99999999999/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_api_indicator_values_of_otradny(client, samara):
    response = client.get(
        "/api/v1/indicator-values/", {"oktmo": "36724000000", "indicator": "population"}
    )
    values = {v["year"]: v["value"] for v in response.json()["items"]}
    assert values == {2023: 46755.0, 2024: 46480.0}


def test_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/municipalities/" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200
