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


def test_editor_reimports_the_roadmap_and_sees_the_job_and_its_report(
    live_server, browser, demo_campaign, tmp_path
):
    # given the demo roadmap and its strategy editor signed in
    from django.test import Client

    from civicplan.accounts.models import User
    from civicplan.strategy import demo_roadmap, importers
    from civicplan.strategy.models import Strategy

    demo_roadmap.load(stdout=io.StringIO())
    strategy = Strategy.objects.get(slug="samara-2036")
    client = Client()
    client.force_login(User.objects.get(email="strategy@civicplan.local"))
    shots = {}
    for width in (1366, 375):
        context = browser.new_context(viewport={"width": width, "height": 900})
        context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        workbook = tmp_path / f"стратегия-{width}.xlsx"
        workbook.write_bytes(importers.structure_template(strategy, filled=True))
        # when the unchanged filled template is uploaded on the import page
        page.goto(live_server.url + "/strategy/samara-2036/import/")
        page.get_by_label("Что загружаем").select_option("structure")
        page.get_by_label("Файл XLSX по шаблону").set_input_files(str(workbook))
        page.get_by_role("button", name="Загрузить").click()
        page.wait_for_load_state()
        # then the page it lands on shows the import job, finished, and its report
        assert "?job=" in page.url
        main = page.locator("main").inner_text()
        assert "Загрузка структуры стратегии" in main
        assert "без изменений" in main
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shots[width] = page.screenshot(full_page=True)
        context.close()
    for width, png in shots.items():  # kept with the test's files, to be looked at
        (tmp_path / f"import-{width}.png").write_bytes(png)
