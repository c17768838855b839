"""A resident on a phone: reads the site, sends a proposal, follows it by the tracking link
and withdraws consent there without an account and with the cookie banner unanswered."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser]

TEXT = (
    "Предлагаю открыть в Отрадном круглогодичный каток у стадиона «Нефтяник» "
    "и продлить автобус № 5 до нового микрорайона."
)


def test_resident_reads_sends_tracks_and_withdraws_consent(visitor, demo_db):
    v = visitor()
    page = v.open("/")
    assert page.locator("#consent-banner").is_visible()
    # The banner is in the flow: it covers nothing at the bottom of the page.
    assert page.evaluate(
        "() => getComputedStyle(document.getElementById('consent-banner')).position"
    ) in ("static", "relative")
    # A compact menu on a phone, opened without JavaScript.
    assert not page.locator(".main-nav").is_visible()
    page.get_by_text("Меню", exact=True).click()
    assert page.get_by_role("link", name="Предложения").first.is_visible()

    v.open("/proposals/")
    first = page.locator(".proposal-cards a").first
    first.click()
    v.check()
    page = v.open("/proposals/new/")
    page.get_by_label("Ваше предложение").fill(TEXT)
    page.get_by_label("Муниципальное образование").fill("городской округ Отрадный")
    page.get_by_label("Как к вам обращаться").fill("Мария Иванова")
    page.get_by_label("Электронная почта").fill("maria@example.ru")
    page.get_by_label("Я даю согласие").check()
    page.get_by_role("button", name="Отправить предложение").click()
    page.wait_for_url(re.compile(r"/proposals/sent/"))
    v.check()
    track_url = page.locator("#track-link").get_attribute("href")

    page = v.open(track_url.removeprefix(v.base))
    page.get_by_label(re.compile("Да, удалить мои персональные данные")).check()
    page.get_by_role("button", name="Отозвать согласие").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "CSRF" not in page.content() and "Форма устарела" not in body, body[:300]
    assert re.search(r"Согласие отозвано|письм", body), body[:400]
    v.check()
    if "письм" in body:  # the erasure waits for the link e-mailed to the author
        from django.core import mail

        letter = next(m for m in reversed(mail.outbox) if "maria@example.ru" in m.to)
        link = re.search(r"https?://\S+/withdraw/\S+", letter.body).group(0).rstrip(".,)")
        page = v.open(re.sub(r"^https?://[^/]+", "", link))
        page.get_by_role("button", name="Да, удалить мои персональные данные").click()
        page.wait_for_load_state()
        assert "удален" in page.locator("main").inner_text()
        v.check()


def test_public_pages_fit_a_phone_and_pass_axe(visitor, demo_db):
    from civicplan.meetings.models import Session
    from civicplan.strategy.models import Measure, Strategy

    strategy = Strategy.objects.first()
    measure = Measure.objects.filter(proposals__isnull=False).first() or Measure.objects.first()
    session = Session.objects.order_by("pk").first()
    v = visitor()
    page = v.open("/news/")
    page.locator(".news-title a").first.click()
    v.check()
    for path in [
        "/sessions/",
        f"/sessions/{session.slug}/",
        "/strategy/",
        f"/strategy/{strategy.slug}/",
        f"/strategy/{strategy.slug}/roadmap/",
        f"/strategy/{strategy.slug}/monitoring/",
        f"/strategy/{strategy.slug}/measures/{measure.pk}/",
        "/territories/",
        "/territories/regions/63/",
        "/territories/municipalities/36724000000/",
        "/practices/",
        "/accounts/policy/personal-data/",
    ]:
        v.open(path)
    page = v.open("/no-such-page/", status=404)
    assert "Страница не найдена" in page.locator("h1").inner_text()
