"""Malformed requests get a clear 4xx, never a 500: NUL bytes and numbers beyond 64 bits in
query parameters and paths, non-JSON and oversized bodies on the JSON API."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/proposals/?campaign=99999999999999999999999",
        "/proposals/?phase=-99999999999999999999999",
        "/proposals/?q=%00",
        "/proposals/?q=%D0%B4%D0%BE%D1%80%D0%BE%D0%B3%D0%B0%00",
        "/news/?page=%00",
        "/territories/?q=%01",
    ],
)
def test_hostile_query_parameters_on_pages_get_a_clear_400(client, url):
    page = client.get(url)
    assert page.status_code == 400
    assert "Неверный адрес страницы" in page.content.decode()


def test_ordinary_search_and_filters_still_work(client, demo_campaign):
    assert client.get("/proposals/?q=дорога&campaign=1").status_code == 200
    assert client.get("/proposals/?q=12345678901234567").status_code == 200


def test_a_huge_id_in_a_path_is_not_found_not_a_crash(client):
    assert client.get("/news/polls/99999999999999999999999/").status_code == 404
    api = client.get("/api/v1/proposals/99999999999999999999999")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_api_answers_hostile_parameters_in_json(client):
    answer = client.get("/api/v1/proposals/?q=%00")
    assert answer.status_code == 400 and answer["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == "bad_parameter" and answer.json()["field"] == "q"


def test_the_api_refuses_a_body_that_is_not_json_with_415(client):
    body = json.dumps({"nickname": "Анна"})
    answer = client.post("/api/v1/sessions/board/123456/join", body, content_type="text/plain")
    assert answer.status_code == 415
    assert answer.json()["code"] == "unsupported_media_type"
    assert "Content-Type: application/json" in answer.json()["detail"]


def test_a_13_mb_body_gets_a_json_413_from_the_api(client):
    body = json.dumps({"text": "д" * (13 * 1024 * 1024 // 2)})
    answer = client.post("/api/v1/proposals/", body, content_type="application/json")
    assert answer.status_code == 413 and answer["Content-Type"].startswith("application/json")
    assert "МБ" in answer.json()["detail"]


def test_a_nul_character_in_json_text_is_refused_before_the_database(client):
    body = json.dumps({"nickname": "Ан\u0000на"})
    answer = client.post(
        "/api/v1/sessions/board/123456/join", body, content_type="application/json"
    )
    assert answer.status_code == 400 and answer.json()["code"] == "bad_character"


def test_a_nul_in_a_submitted_form_is_dropped_and_the_text_kept():
    from django.test import RequestFactory

    from civicplan.core.guard import RequestGuardMiddleware

    seen = {}

    def view(request):
        seen.update(request.POST.lists())
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().post(
        "/news/polls/1/vote/", {"other": "Построить\x00 бассейн", "option": ["1", "2"]}
    )
    assert RequestGuardMiddleware(view)(request).status_code == 200
    assert seen == {"other": ["Построить бассейн"], "option": ["1", "2"]}
