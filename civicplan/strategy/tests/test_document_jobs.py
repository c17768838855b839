"""A large roadmap's documents are built by one shared job, never inside a request."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from civicplan.core.models import Job
from civicplan.strategy.tests.conftest import make_measure

pytestmark = pytest.mark.django_db


def test_a_large_roadmap_is_built_once_by_a_job_and_follows_each_edit(
    client: Client,
    strategy: Any,
    direction: Any,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    make_measure(strategy, direction, "5.1", title="Коворкинги в малых городах")
    make_measure(strategy, direction, "5.2", title="Ярмарки местных производителей")
    monkeypatch.setattr("civicplan.strategy.document_jobs.SYNC_MEASURES", 1)  # two: «large»
    url = reverse("strategy:export_xlsx", args=[strategy.slug])

    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    assert first.status_code == 202
    page = first.content.decode()
    assert "Готовим документ стратегии" in page and 'http-equiv="refresh"' in page

    second = Client().get(url)  # another visitor, once the job is done
    assert second.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(second.streaming_content)))["Дорожная карта"]
    titles = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Ярмарки местных производителей" in titles
    assert Job.objects.filter(kind="strategy.document").count() == 1

    # An edit makes a new state: the next visitor does not get the old file.
    make_measure(strategy, direction, "5.2", title="Ярмарки фермеров")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().get(url).status_code == 202
    fresh = Client().get(url)
    sheet = load_workbook(io.BytesIO(b"".join(fresh.streaming_content)))["Дорожная карта"]
    assert "Ярмарки фермеров" in [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert Job.objects.filter(kind="strategy.document").count() == 2


def test_a_usual_roadmap_downloads_at_once(client: Client, strategy: Any, direction: Any) -> None:
    make_measure(strategy, direction, "5.1", title="Коворкинги в малых городах")
    response = client.get(reverse("strategy:export_docx", args=[strategy.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert not Job.objects.filter(kind="strategy.document").exists()
