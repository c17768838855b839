"""A visitor walks from the home page to the statistics of Отрадный in a real browser."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_finds_otradny_population_from_home_page(live_server, browser_page, demo_campaign):
    page = browser_page
    page.goto(live_server.url + "/")
    assert "Стратегия лидерства" in page.title()
    page.get_by_role("link", name="Территории").first.click()
    page.get_by_role("link", name="Самарская область").click()
    page.get_by_label("Название").fill("Отрадный")
    page.get_by_role("button", name="Показать").click()
    page.get_by_role("link", name="городской округ Отрадный", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "городской округ Отрадный"
    table = page.locator("table").first.inner_text()
    assert "46 480" in table.replace("\u00a0", " ")
    assert page.locator("svg.chart-line").count() >= 1


def test_skip_link_is_first_in_keyboard_order(live_server, browser_page, db):
    browser_page.goto(live_server.url + "/")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Перейти к содержанию"
