"""In a real browser: from the menu to a direction, a KPI chart and the roadmap; the htmx
filter replaces the roadmap body."""

from __future__ import annotations

import io

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_walks_from_menu_to_kpi_chart_and_filtered_roadmap(
    live_server, browser_page, samara
):
    from civicplan.strategy import demo_roadmap

    demo_roadmap.load(stdout=io.StringIO())
    page = browser_page
    page.goto(live_server.url + "/strategy/")
    assert "Самарской области" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Малые города — большие возможности").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Малые города — большие возможности"
    page.get_by_role("link", name="Численность постоянного населения на 1 января").click()
    assert page.locator("svg.chart-line").count() == 1
    assert "Тренд до 2036 года" in page.locator("svg.chart-line").inner_html()

    page.goto(live_server.url + "/strategy/samara-2036/roadmap/")
    assert page.locator("svg.chart-gantt").count() == 1
    page.get_by_label("Сектор").select_option("civil")
    from playwright.sync_api import expect

    expect(page.locator("#roadmap-body")).not_to_contain_text("Министерство здравоохранения")
    body = page.locator("#roadmap-body").inner_text()
    assert "Ассоциация ремесленников" in body
    assert "sector=civil" in page.url
    page.get_by_role("link", name="Местные бренды и ремёсла", exact=False).first.click()
    assert "Ассоциация ремесленников Самарской области" in page.locator("main").inner_text()
