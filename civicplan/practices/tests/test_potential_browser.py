"""A working-group member reads Отрадный's potential and compares the region in a browser."""

from __future__ import annotations

import pytest

from civicplan.potential.services import potential_ensure_computed
from civicplan.practices import demo as practices_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_goes_from_the_municipality_to_its_potential_and_the_regional_table(
    live_server, browser_page, samara
):
    potential_ensure_computed()
    practices_demo.load_practices()
    page = browser_page

    page.goto(live_server.url + "/territories/municipalities/36724000000/")
    page.get_by_role("link", name="Индекс, объяснение, аналоги и рекомендуемые практики").click()

    assert (
        page.get_by_role("heading", level=1).inner_text() == "Потенциал: городской округ Отрадный"
    )
    assert "Сильные стороны:" in page.locator(".potential-explanation").inner_text()
    assert page.get_by_role("heading", name="Аналоги по России").is_visible()
    assert page.locator("#rec-h + p, #rec-h ~ ul.cards li").count() >= 1

    page.locator('dd a[href="/territories/regions/63/potential/"]').click()
    assert (
        "Потенциал муниципальных образований" in page.get_by_role("heading", level=1).inner_text()
    )
    page.get_by_role("link", name="Доступ к рынкам", exact=True).click()
    page.wait_for_url("**sort=market**")
    header = page.locator("th[aria-sort]")
    assert header.inner_text().strip() == "Доступ к рынкам"
    assert page.locator("svg.chart-map circle").count() >= 30
