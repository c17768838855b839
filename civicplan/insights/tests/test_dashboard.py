"""The dashboard: who may see it, what it shows, and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from civicplan.accounts.models import User
from civicplan.insights import services
from civicplan.insights.demo import demo_proposals_create

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_dashboard_shows_topics_map_and_costs_the_same_queries_at_any_size(client, demo_campaign):
    client.force_login(User.objects.get(email="analyst@civicplan.local"))
    url = f"/insights/campaigns/{demo_campaign.slug}/"
    demo_proposals_create(demo_campaign, 80, seed=1)
    services.campaign_analyze(campaign=demo_campaign, n_jobs=1)
    small, html = _queries(client, url)
    assert "chart-map" in html and "Ключевое предложение" in html
    demo_proposals_create(demo_campaign, 120, seed=2)
    services.campaign_analyze(campaign=demo_campaign, n_jobs=1)
    large, _ = _queries(client, url)
    assert large == small


def test_residents_and_other_regions_are_refused(client, demo_campaign):
    url = f"/insights/campaigns/{demo_campaign.slug}/"
    client.force_login(User.objects.get(email="resident@civicplan.local"))
    assert client.get(url).status_code == 403
    assert client.post(f"{url}analyze/").status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_topic_drill_down_and_exports(client, demo_campaign):
    import io

    from openpyxl import load_workbook

    demo_proposals_create(demo_campaign, 80, seed=4)
    run = services.campaign_analyze(campaign=demo_campaign, n_jobs=1)
    client.force_login(User.objects.get(email="analyst@civicplan.local"))
    topic = run.topics.filter(is_other=False).order_by("-size").first()
    page = client.get(f"/insights/topics/{topic.pk}/").content.decode()
    assert topic.label in page and "Предложения темы" in page
    xlsx = client.get(f"/insights/campaigns/{demo_campaign.slug}/export.xlsx")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[:3] == ["Темы", "Направления", "Муниципалитеты"]
    assert workbook["Темы"].max_row > 2
    report = client.get(f"/insights/campaigns/{demo_campaign.slug}/report/").content.decode()
    assert "Что предлагают жители" in report and "<svg" in report


def test_reanalysis_from_the_page_shows_progress(
    client, demo_campaign, django_capture_on_commit_callbacks
):
    demo_proposals_create(demo_campaign, 40, seed=5)
    client.force_login(User.objects.get(email="analyst@civicplan.local"))
    url = f"/insights/campaigns/{demo_campaign.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{url}analyze/")
        queued = client.get(url).content.decode()
    assert started.status_code == 302
    assert "job-progress" in queued and "в очереди" in queued
    done = client.get(url).content.decode()
    assert "job-progress" in done and "завершено" in done and "Анализ ещё не запускался" not in done
