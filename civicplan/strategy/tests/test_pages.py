"""A visitor walks from a direction to a KPI chart and a roadmap, and from a proposal to the
measure that answers it; editors post values and progress; history and comparison."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse

from civicplan.strategy import demo_roadmap, services
from civicplan.strategy.models import KPI, Measure, Strategy


@pytest.fixture
def demo(samara: Any) -> Strategy:
    demo_roadmap.load(stdout=io.StringIO())
    return Strategy.objects.get(slug="samara-2036")


def test_visitor_walks_from_direction_to_kpi_chart_and_roadmap(client: Any, demo: Strategy) -> None:
    index = client.get(reverse("strategy:index"))
    assert index.status_code == 302
    tree = client.get(index["Location"])
    html = tree.content.decode()
    assert "Малые города — большие возможности" in html
    assert "light light-" in html
    direction_url = reverse("strategy:direction", args=[demo.slug, "small-towns"])
    assert direction_url in html

    page = client.get(direction_url).content.decode()
    kpi = KPI.objects.get(indicator__code="population")
    kpi_url = reverse("strategy:kpi", args=[demo.slug, kpi.pk])
    assert kpi_url in page
    assert "<svg" in page and "chart-gantt" in page

    kpi_page = client.get(kpi_url).content.decode()
    assert "Численность постоянного населения" in kpi_page
    assert "chart-line" in kpi_page
    assert "Тренд до 2036 года" in kpi_page
    assert "Отрадный" in kpi_page  # values by municipality from the statistics

    roadmap = client.get(reverse("strategy:roadmap_direction", args=[demo.slug, "small-towns"]))
    body = roadmap.content.decode()
    assert "Мастер-план городского округа Отрадный" in body
    assert "Дорожная карта направления" in body


def test_roadmap_filters_and_late_items_stand_out(client: Any, demo: Strategy) -> None:
    url = reverse("strategy:roadmap", args=[demo.slug])
    everything = client.get(url).content.decode()
    assert everything.count('class="depth-') >= 40
    assert 'class="depth-0 late"' in everything or 'late"' in everything
    assert "! " in everything  # the timeline marks late bars in print, not by colour alone

    business = client.get(url, {"sector": "business"}).content.decode()
    assert "Ростелеком" in business
    assert "Модернизация первичного звена здравоохранения" not in business

    otradny = client.get(url, {"municipality": "36724000000"}).content.decode()
    assert "Мастер-план городского округа Отрадный" in otradny
    assert "Мастер-план городского округа Кинель" not in otradny
    assert "Мастер-планы малых городов" in otradny  # the parent stays for context

    late = client.get(url, {"late": "on"}).content.decode()
    assert "Благоустройство набережной и парка в Сызрани" in late
    assert "Экологический мониторинг воздуха" not in late  # done

    partial = client.get(url, {"sector": "civil"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "Ассоциация ремесленников" in partial.content.decode()


def test_monitoring_pages_for_region_and_municipality(client: Any, demo: Strategy) -> None:
    page = client.get(reverse("strategy:monitoring", args=[demo.slug])).content.decode()
    assert "Коротко" in page
    assert "показателей с фактическими данными" in page
    assert "Показатели с отставанием" in page
    assert "Суммарный коэффициент рождаемости" in page  # behind plan in the demo
    redirect = client.get(
        reverse("strategy:monitoring", args=[demo.slug]), {"oktmo": "36724000000"}
    )
    assert redirect.status_code == 302
    local = client.get(redirect["Location"]).content.decode()
    assert "городской округ Отрадный" in local
    assert "Мастер-план городского округа Отрадный" not in local or "Мероприятия" in local


def test_editor_posts_progress_and_values_others_cannot(
    client: Any, demo: Strategy, editor: Any, outsider: Any
) -> None:
    measure = Measure.objects.get(strategy=demo, code="5.1.2")
    url = reverse("strategy:measure", args=[demo.slug, measure.pk])
    client.force_login(outsider)
    assert client.post(url, {"progress": 90, "state": "in_progress"}).status_code == 403
    client.force_login(editor)
    assert client.post(url, {"progress": 130, "state": "in_progress"}).status_code == 200
    response = client.post(url, {"progress": 100, "state": "done"})
    assert response.status_code == 302
    parent = Measure.objects.get(strategy=demo, code="5.1")
    assert parent.progress == round((100 + 100 + 20) / 3)

    kpi = KPI.objects.get(code="П1.1")
    kpi_url = reverse("strategy:kpi", args=[demo.slug, kpi.pk])
    bad = client.post(kpi_url, {"year": 2040, "value": "80", "source": ""})
    assert "год ещё не наступил" in bad.content.decode()
    assert (
        client.post(kpi_url, {"year": 2026, "value": "74,5", "source": "Минстрой"}).status_code
        == 302
    )
    history = client.get(reverse("strategy:history", args=[demo.slug])).content.decode()
    assert "Ирина" in history
    assert "Факт показателя «Доля благоустроенных общественных территорий»" in history


def test_version_comparison_lists_changed_targets(client: Any, demo: Strategy, editor: Any) -> None:
    page = client.get(reverse("strategy:compare", args=[demo.slug])).content.decode()
    assert "Суммарный коэффициент рождаемости" in page  # target changed after version 1.0
    assert "цель 2030" in page
    client.force_login(editor)
    client.post(reverse("strategy:version_save", args=[demo.slug]), {"label": "2.0", "note": ""})
    assert demo.versions.filter(label="2.0").exists()
    services.measure_upsert(
        strategy=demo,
        code="5.9",
        direction=demo.directions.get(slug="small-towns"),
        title="Новый сквер в Октябрьске",
        organisation="Администрация г. о. Октябрьск",
        sector="municipality",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    v2 = demo.versions.get(label="2.0")
    diff = client.get(
        reverse("strategy:compare", args=[demo.slug]), {"a": f"v{v2.pk}", "b": "current"}
    )
    html = diff.content.decode()
    assert "Новый сквер в Октябрьске" in html and "добавлено" in html


def test_import_page_is_for_editors_and_reports_errors(
    client: Any, demo: Strategy, editor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    url = reverse("strategy:import", args=[demo.slug])
    assert client.get(url).status_code == 403
    client.force_login(editor)
    assert client.get(url).status_code == 200
    template = client.get(reverse("strategy:template_structure", args=[demo.slug]), {"filled": "1"})
    content = template.content
    upload = io.BytesIO(content)
    upload.name = "структура.xlsx"
    # the import runs as a job; the page it leads to shows the job and its report
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "structure", "file": upload})
    assert response.status_code == 302 and "?job=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "без изменений" in page and "Загрузка структуры стратегии" in page
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client.post(url, {"kind": "values", "file": bad})
    assert "не таблица XLSX" in response.content.decode()


def test_tree_and_roadmap_cost_the_same_queries_with_more_rows(client: Any, demo: Strategy) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    urls = [
        reverse("strategy:detail", args=[demo.slug]),
        reverse("strategy:roadmap", args=[demo.slug]),
        reverse("strategy:monitoring", args=[demo.slug]),
    ]

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = [count(u) for u in urls]
    direction = demo.directions.get(slug="small-towns")
    goal = direction.goals.first()
    from civicplan.territories.models import Municipality

    towns = list(Municipality.objects.filter(region=demo.region)[:3])
    for i in range(5):
        services.measure_upsert(
            strategy=demo,
            code=f"5.{20 + i}",
            direction=direction,
            title=f"Сквер в малом городе № {i + 1}",
            organisation="Администрация городского округа",
            sector="municipality",
            starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2026, 1, 1),
            municipalities=towns,
            goals=[goal],
        )
        services.kpi_upsert(
            goal=goal,
            code=f"П5.{20 + i}",
            name=f"Показатель {i}",
            unit="%",
            baseline_year=2023,
            baseline_value=10,
            targets={2030: 20},
        )
    assert [count(u) for u in urls] == before
