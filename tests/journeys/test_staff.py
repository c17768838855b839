"""Each staff role on a phone: finds its work from the header, and every page it opens fits
375 px, passes axe-core and logs no console error."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]


def _work_links(page) -> list[str]:
    page.get_by_text("Меню", exact=True).click()  # the compact menu opens the header
    links = page.locator(".work-nav a").all_inner_texts()
    return [t.strip() for t in links]


def test_regional_moderator_works_the_queue(visitor, demo_db):
    from civicplan.proposals.models import Proposal

    waiting = Proposal.objects.filter(status="new", campaign__region__code=63).first()
    v = visitor()
    v.sign_in("moderator.samara@civicplan.local")
    page = v.open("/")
    assert "Очередь модерации" in _work_links(page)
    page.get_by_role("link", name="Очередь модерации").click()
    v.check()
    page = v.open(f"/proposals/moderation/{waiting.pk}/")
    # The engine's suggestion can be refused with a visible button.
    refuse = page.get_by_role("button", name="Не подходит")
    if refuse.count():
        colours = refuse.first.evaluate(
            "b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]"
        )
        assert colours[0] not in ("rgb(255, 255, 255)",), colours
    for path in ["/proposals/moderation/dashboard/", "/proposals/moderation/comments/"]:
        v.open(path)


def test_municipal_moderator_sees_his_town_and_no_admin_link(visitor, demo_db):
    v = visitor()
    v.sign_in("moderator.otradny@civicplan.local")
    page = v.open("/proposals/moderation/")
    links = _work_links(page)
    assert "Очередь модерации" in links and "Администрирование" not in links
    v.open("/territories/municipalities/36724000000/")


def test_analyst_reads_topics_with_links(visitor, demo_db):
    from civicplan.insights.models import Topic

    topic = (
        Topic.objects.order_by("-size").first() if hasattr(Topic, "size") else Topic.objects.first()
    )
    v = visitor()
    v.sign_in("analyst@civicplan.local")
    page = v.open("/insights/")
    assert "Аналитика" in _work_links(page)
    v.open("/insights/campaigns/strategy-leadership-samara/")
    page = v.open(f"/insights/topics/{topic.pk}/")
    assert page.locator("main a[href^='/proposals/']").count() > 0
    v.open("/insights/campaigns/strategy-leadership-samara/report/")


def test_strategy_editor_and_measure_pages(visitor, demo_db):
    from civicplan.strategy.models import Measure, Strategy

    strategy = Strategy.objects.get(region__code=63)
    answered = Measure.objects.filter(strategy=strategy, proposals__isnull=False).first()
    v = visitor()
    v.sign_in("strategy@civicplan.local")
    page = v.open("/strategy/")
    assert "Работа со стратегией" in _work_links(page)
    page = v.open(f"/strategy/{strategy.slug}/measures/{answered.pk}/")
    # The proposals the measure answers are links with words, not «— Безенчукский».
    names = page.locator("main ul a[href^='/proposals/']").all_inner_texts()
    assert names and all(len(n.strip()) > 10 for n in names), names
    for path in [
        f"/strategy/{strategy.slug}/",
        f"/strategy/{strategy.slug}/roadmap/",
        f"/strategy/{strategy.slug}/monitoring/",
        f"/strategy/{strategy.slug}/history/",
    ]:
        v.open(path)


def test_facilitator_runs_a_board_with_three_participants(visitor, demo_db):
    from civicplan.meetings.models import Section

    section = (
        Section.objects.filter(session__campaign__region__code=63, board_state="ideas")
        .select_related("session")
        .first()
    )
    session = section.session
    people = []
    for n, idea in enumerate(
        [
            "Открыть коворкинг для молодёжи в здании старого ДК",
            "Открыть коворкинг для молодежи в здании старого ДК!",
            "Запустить автобус до промзоны к началу смены",
        ]
    ):
        p = visitor()
        page = p.open(f"/sessions/b/{section.code}/")
        page.get_by_label("Как вас подписать на доске").fill(f"Участник {n + 1}")
        page.get_by_role("button", name="Войти на доску").click()
        page.wait_for_url(re.compile(r"/board/"))
        p.check()
        page.get_by_label("Ваша идея").fill(idea)
        page.get_by_role("button", name="Отправить идею").click()
        page.wait_for_load_state()
        p.check()
        people.append(p)

    v = visitor()
    v.sign_in("facilitator@civicplan.local")
    page = v.open("/sessions/")
    assert "Проведение сессий" in _work_links(page)
    v.open(f"/sessions/{session.slug}/manage/")
    page = v.open(f"/sessions/{session.slug}/sections/{section.pk}/moderate/")
    assert "Открыть коворкинг" in page.locator("main").inner_text()
    page = v.open(f"/sessions/b/{section.code}/screen/")
    # The projector shows the board alone: no site header, no facilitator's name.
    assert page.locator(".site-header").count() == 0
    assert "Администрирование" not in page.content()
    text = page.locator("main").inner_text()
    assert "голосов" not in re.findall(r"\b1 \w+", text)
    v.open(f"/sessions/{session.slug}/report/")
