"""Done-when flow in a real browser: a resident submits with consent, a moderator publishes,
the public list shows it, another resident supports it, the author's status page shows it all."""

from __future__ import annotations

import re

import pytest

from civicplan.proposals.tests.conftest import make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-civicplan-2026"
TEXT = (
    "Предлагаю сделать в Отрадном освещённую велодорожку вдоль набережной реки Большой Кинель "
    "и поставить скамейки. <script>alert('x')</script>"
)


def dismiss_cookie_banner(page) -> None:
    """The cookie banner (publications) covers the bottom of the page until answered."""
    banner = page.locator("#consent-banner")
    if banner.count() and banner.is_visible():
        banner.get_by_role("button", name="Отказаться").click()
        page.wait_for_load_state()


def login(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    dismiss_cookie_banner(page)
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def test_submit_moderate_publish_support_track(live_server, browser, demo_campaign, settings):
    settings.TWO_FACTOR_REQUIRED = False
    base = live_server.url
    dialogs: list[str] = []

    # A resident without an account sends a proposal.
    author = browser.new_context(locale="ru-RU")
    page = author.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base + "/proposals/new/")
    dismiss_cookie_banner(page)
    page.get_by_label("Ваше предложение").fill(TEXT)
    page.get_by_label("Муниципальное образование").fill("городской округ Отрадный")
    page.get_by_label("Как к вам обращаться").fill("Мария Иванова")
    page.get_by_label("Электронная почта").fill("maria@example.ru")
    page.get_by_role("button", name="Отправить предложение").click()
    # Without consent nothing is sent and the page says why.
    assert "Без согласия" in page.get_by_role("alert").inner_text()
    page.get_by_label("Я даю согласие").check()
    page.get_by_role("button", name="Отправить предложение").click()
    page.wait_for_url(re.compile(r"/proposals/sent/"))
    code = page.locator("#tracking-code").inner_text()
    track_url = page.locator("#track-link").get_attribute("href")
    assert track_url.endswith(f"/proposals/track/{code}/")
    page.goto(track_url)
    assert page.locator("#current-status").inner_text() == "на модерации"

    # A regional moderator publishes it from the queue.
    staff = browser.new_context(locale="ru-RU")
    mpage = staff.new_page()
    mpage.set_default_timeout(15_000)
    login(mpage, base, "moderator.samara@civicplan.local", PASSWORD)
    mpage.goto(base + "/proposals/moderation/")
    mpage.get_by_role("link", name=re.compile("освещённую велодорожку")).click()
    mpage.get_by_role("button", name="Опубликовать").click()
    assert "Предложение опубликовано" in mpage.content()
    assert mpage.locator("#moderation-status").inner_text().startswith("опубликовано")

    # The public list shows it; the script is plain text.
    visitor = browser.new_context(locale="ru-RU")
    vpage = visitor.new_page()
    vpage.set_default_timeout(15_000)
    vpage.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    vpage.goto(base + "/proposals/")
    dismiss_cookie_banner(vpage)
    link = vpage.get_by_role("link", name=re.compile("освещённую велодорожку"))
    link.click()
    assert "<script>alert('x')</script>" in vpage.locator(".proposal-text").inner_text()

    # Another resident, signed in with a confirmed e-mail, supports it.
    make_resident("petr@example.ru")
    login(vpage, base, "petr@example.ru", "пароль-жителя-2026")
    vpage.goto(base + "/proposals/")
    vpage.get_by_role("link", name=re.compile("освещённую велодорожку")).click()
    vpage.get_by_role("button", name="Поддержать").click()
    vpage.get_by_text("Вы поддержали это предложение.").wait_for()
    assert vpage.locator("#supports-count").inner_text().startswith("1")

    # The author's status page shows each step, without an account.
    page.goto(track_url)
    assert page.locator("#current-status").inner_text() == "опубликовано"
    steps = page.locator(".status-history li").all_inner_texts()
    assert len(steps) == 2 and "на модерации" in steps[0] and "опубликовано" in steps[1]
    assert "1 поддержали" in page.content()
    assert dialogs == []
    for context in (author, staff, visitor):
        context.close()


def test_the_moderation_queue_reads_on_a_phone(live_server, browser, demo_campaign, settings):
    import secrets

    from django.utils import timezone

    from civicplan.proposals.models import Proposal, ProposalStatus
    from civicplan.territories.models import Municipality

    settings.TWO_FACTOR_REQUIRED = False
    # given a proposal waiting in the Otradny moderator's queue
    Proposal.objects.create(
        campaign=demo_campaign,
        text="Во дворах Отрадного нет освещения, вечером страшно возвращаться домой.",
        municipality=Municipality.objects.get(oktmo="36724000000"),
        tracking_code=secrets.token_hex(8),
        created_at=timezone.now(),
        status=ProposalStatus.NEW,
    )
    # when the moderator opens the queue on a phone, the cookie banner unanswered
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Электронная почта").fill("moderator.otradny@civicplan.local")
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/proposals/moderation/")
    assert page.locator("#consent-banner").is_visible()
    # then each proposal is a block whose figures are named and read across the screen,
    # not six columns that break «городской округ Отрадный» letter by letter
    row = page.locator("table tbody tr", has_text="Во дворах Отрадного нет освещения").first
    place = row.locator("td", has_text="городской округ Отрадный")
    label = place.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Муниципальное образование" in label
    box = place.bounding_box()
    assert box is not None and box["height"] < 80 and box["x"] + box["width"] <= 375
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
