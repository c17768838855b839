"""A visitor asks for a large public export: a page says the file is being made, then the
file arrives — in Chromium, at 1366 and 375 px, cookie banner unanswered."""

from __future__ import annotations

from pathlib import Path

import pytest

from civicplan.proposals.tests.conftest import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/services")


def test_visitor_waits_for_a_large_export_and_gets_the_file(
    live_server, browser_page, campaign, regional_moderator, monkeypatch
):
    published(campaign, regional_moderator)
    published(
        campaign,
        regional_moderator,
        municipality="36708000000",
        text="В Кинеле нужен новый бассейн для детей.",
    )
    monkeypatch.setattr("civicplan.proposals.exports.EXPORT_SYNC_ROWS", 1)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page
    url = live_server.url + "/proposals/export/?format=xlsx"

    response = page.goto(url)
    assert response is not None and response.status == 202
    assert page.get_by_role("heading", level=1).inner_text() == "Готовим файл с предложениями"
    assert page.locator("progress").count() == 1
    for width, height in ((1366, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"export-wait-{width}.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Проверить ещё раз").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_moderator_follows_a_large_export_on_its_job_page_and_downloads_it(
    live_server, browser_context, browser_page, campaign, regional_moderator, monkeypatch
):
    from django.test import Client

    published(campaign, regional_moderator)
    published(
        campaign,
        regional_moderator,
        municipality="36708000000",
        text="В Кинеле нужен новый бассейн для детей.",
    )
    monkeypatch.setattr("civicplan.proposals.exports.EXPORT_SYNC_ROWS", 1)
    client = Client()
    client.force_login(regional_moderator)
    browser_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser_page

    page.goto(live_server.url + "/proposals/export/?format=xlsx&personal=1")
    assert "/jobs/" in page.url
    link = page.get_by_role("link", name="Скачать файл")
    link.wait_for()
    assert "Выгрузка предложений с персональными данными (XLSX)" in page.content()
    for width, height in ((1366, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"export-job-{width}.png"), full_page=True)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("proposals-")
