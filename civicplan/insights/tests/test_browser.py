"""In a real browser: the analyst's dashboard with the classifier's quality, on a desktop and
on a phone (the per-direction table scrolls in its own box, not the page)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from civicplan.insights.tests.test_quality import _labelled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("CIVICPLAN_SCREENSHOTS", "/tmp/insights-shots"))


def test_analyst_reads_the_classifier_quality_on_desktop_and_phone(
    live_server, browser, demo_campaign
):
    from django.test import Client

    from civicplan.accounts.models import User
    from civicplan.insights import services
    from civicplan.insights.demo import demo_proposals_create

    # given a campaign with generated proposals, labelled ones among them, and an analysis
    demo_proposals_create(demo_campaign, 60, seed=11)
    towns = _labelled(demo_campaign)["towns"]
    services.campaign_analyze(campaign=demo_campaign, n_jobs=1)
    client = Client()
    client.force_login(User.objects.get(email="analyst@civicplan.local"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="ru-RU")
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value,
              "url": live_server.url}]
        )  # fmt: skip
        page = context.new_page()
        # when the analyst opens the dashboard (the cookie banner left unanswered)
        page.goto(f"{live_server.url}/insights/campaigns/{demo_campaign.slug}/")
        section = page.locator("#classifier-quality")
        section.scroll_into_view_if_needed()
        # then the figures, the mistakes and a row for every direction are there
        text = section.inner_text()
        assert "Качество классификатора" in text
        assert "Модель верно определяет направление" in text and "принимают за" in text
        assert section.locator("tbody tr").count() == demo_campaign.strategy.directions.count()
        assert towns.title in text
        assert page.get_by_role(
            "region", name="Качество по направлениям, сначала слабые"
        ).is_visible()
        # and nothing makes the page wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # and a topic's name reads on one line or two, not a letter a line (on a phone
        # each topic is a block: its name, then direction and counts, then the proposal)
        name = page.locator(".topics-table tbody th").first.bounding_box()
        assert name is not None and name["width"] > (width / 2 if width < 600 else 120)
        # and the directions chart reads at the page's size on a phone too: every direction
        # named in letters at least 12 px tall, inside the screen, with its count beside
        chart = page.locator("section:has(> h2:text-is('Направления')) .chart-bar")
        boxes = chart.locator(":is(.bar-name, .bar-label)").evaluate_all(
            "es => es.map(e => e.getBoundingClientRect()).map(r => [r.right, r.height])"
        )
        assert boxes and all(right <= width and tall >= 12 for right, tall in boxes)
        assert "Малые города — большие возможности" in (chart.text_content() or "")
        page.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)
        section.screenshot(path=str(SHOTS / f"quality-{width}.png"))
        context.close()
