"""A visitor refuses cookies, reads an article, rates it and votes in its poll — in Chromium."""

from __future__ import annotations

import pytest

from civicplan.publications.models import ArticleRating, PollVote
from civicplan.publications.visitor import CONSENT_COOKIE, VISITOR_COOKIE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cookie_names(context) -> dict[str, str]:
    return {c["name"]: c["value"] for c in context.cookies()}


def test_visitor_reads_rates_votes_and_refuses_cookies(
    live_server, browser_context, browser_page, policies, make_article, poll
):
    article = make_article(
        title="В Самаре прошла сессия «Малые города — большие возможности»", poll=poll
    )
    page = browser_page

    page.goto(live_server.url + "/news/")
    banner = page.locator("#consent-banner")
    assert banner.is_visible()
    page.get_by_role("button", name="Отказаться").click()
    banner.wait_for(state="hidden")
    cookies = cookie_names(browser_context)
    assert cookies[CONSENT_COOKIE] == "refused"
    assert VISITOR_COOKIE not in cookies

    page.get_by_role("link", name=article.title).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == article.title
    stats = page.locator(".article-stats").inner_text().replace("\u00a0", " ")
    assert "Примерное время чтения: 1 минута" in stats
    page.reload()
    article.refresh_from_db()
    assert article.views_count == 1

    page.locator("label[for=star-4]").click()
    page.get_by_role("button", name="Оценить").click()
    page.get_by_text("Ваша оценка: 4 из 5").wait_for()
    assert ArticleRating.objects.get(article=article).value == 4
    assert "Средняя оценка 4 из 5" in page.locator("#rating").inner_text()

    page.get_by_label("Благоустроить дворы").check()
    page.get_by_role("button", name="Проголосовать").click()
    results = page.locator(f"#poll-{poll.pk}")
    results.locator(".poll-total").wait_for()
    assert "Проголосовали: 1 человек" in results.inner_text().replace("\u00a0", " ")
    assert results.locator(".chart-bar").count() == 1
    assert "подписанная cookie" in results.inner_text()
    assert PollVote.objects.filter(poll=poll).count() == 1

    cookies = cookie_names(browser_context)
    assert VISITOR_COOKIE not in cookies
    assert f"cp_poll_{poll.pk}" in cookies


def test_banner_works_without_javascript(live_server, browser, policies, make_article):
    article = make_article(title="Итоги муниципального обсуждения в Отрадном")
    context = browser.new_context(locale="ru-RU", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + article.get_absolute_url())
        page.get_by_role("button", name="Отказаться").click()
        page.wait_for_url(f"**{article.get_absolute_url()}")
        assert page.locator("#consent-banner").count() == 0
        assert "Мы их не устанавливаем" in page.content()
        cookies = cookie_names(context)
        assert cookies[CONSENT_COOKIE] == "refused"
        assert VISITOR_COOKIE not in cookies
        article.refresh_from_db()
        assert article.views_count == 1  # the same visitor on the same day
    finally:
        context.close()
