"""A real browser: the moderator opens a section's board, three participants join with the
code from their own browser contexts, post ideas and vote; the room's screen updates by
itself; the resolutions become proposals; the session report is generated."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from civicplan.accounts.models import User
from civicplan.meetings import services
from civicplan.proposals.models import Proposal

from .conftest import make_section, make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IDEAS = [
    ("Предложение", "Открыть коворкинг для молодёжи в Отрадном"),
    ("Вызов", "Молодёжь уезжает в Самару после школы"),
    ("Риск", "Закрытие градообразующего предприятия"),
]


def _login(context, live_server, email: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(User.objects.get(email=email))
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _refuse_cookies(page) -> None:  # type: ignore[no-untyped-def]
    """The site's cookie banner (if the publications app shows one) covers the page bottom."""
    banner = page.locator("#consent-banner")
    if banner.count() and banner.is_visible():
        banner.get_by_role("button", name="Отказаться").click()
        page.wait_for_load_state()


def test_live_board_from_code_to_report(live_server, browser, demo_campaign) -> None:
    facilitator = User.objects.get(email="facilitator@civicplan.local")
    session = make_session(demo_campaign)
    section = make_section(session, moderator=facilitator)
    services.section_create(session=session, title="Кадры", question="Где взять кадры?")

    moderator_ctx = browser.new_context(locale="ru-RU")
    _login(moderator_ctx, live_server, facilitator.email)
    moderator = moderator_ctx.new_page()
    moderator.set_default_timeout(20_000)
    moderator.goto(f"{live_server.url}/sessions/{session.slug}/")
    _refuse_cookies(moderator)
    moderator.get_by_role("link", name="Доска модератора").first.click()
    assert moderator.get_by_role("heading", level=1).inner_text() == section.title
    code = moderator.locator("strong.code").inner_text().strip()
    assert code == section.code

    screen = moderator_ctx.new_page()
    screen.set_default_timeout(20_000)
    screen.goto(f"{live_server.url}/sessions/b/{code}/screen/")
    assert screen.locator("img[alt='QR-код для входа на доску']").count() == 1

    participants = []
    try:
        for n, (kind, text) in enumerate(IDEAS):
            ctx = browser.new_context(locale="ru-RU")
            page = ctx.new_page()
            page.set_default_timeout(20_000)
            page.goto(f"{live_server.url}/sessions/join/")
            _refuse_cookies(page)
            page.get_by_label("Код доски").fill(code)
            page.get_by_role("button", name="Подключиться").click()
            page.get_by_label("Как вас подписать на доске").fill(f"Участник {n + 1}")
            page.get_by_role("button", name="Войти на доску").click()
            page.get_by_label(kind).check()
            page.get_by_label("Ваша идея").fill(text)
            page.get_by_role("button", name="Отправить идею").click()
            assert "Идея отправлена модератору" in page.locator("body").inner_text()
            participants.append((ctx, page))

        # The moderator's feed receives the ideas without a reload (htmx polling).
        for _kind, text in IDEAS:
            moderator.locator("#feed").get_by_text(text).wait_for()

        # The moderator edits the wording of one idea.
        moderator.locator("#feed li", has_text=IDEAS[2][1]).get_by_role(
            "link", name="Изменить"
        ).click()
        moderator.get_by_role("textbox", name="Формулировка:", exact=True).fill(
            "Риск закрытия градообразующего предприятия"
        )
        moderator.get_by_role("button", name="Сохранить идею").click()
        moderator.locator("#feed").get_by_text("Риск закрытия градообразующего").wait_for()

        # The moderator opens dot voting; the participants' pages switch by themselves.
        moderator.locator("#id_board_state").select_option("voting")
        moderator.locator("#id_voting_mode").select_option("dots")
        moderator.locator("#id_dots_per_member").fill("2")
        moderator.get_by_role("button", name="Сохранить", exact=True).click()
        assert "Настройки доски сохранены" in moderator.locator("body").inner_text()

        for _ctx, page in participants:
            page.get_by_role("heading", name="Голосование точками").wait_for(timeout=20_000)
            page.locator("li.vote-item", has_text=IDEAS[0][1]).get_by_role(
                "button", name=re.compile("Голосую")
            ).click()
            assert "Голос учтён." in page.locator("body").inner_text()
            assert "Осталось: 1" in page.locator(".dots-left").inner_text()
        # a repeated vote is not offered and the withdrawn one can be re-cast
        page = participants[0][1]
        assert (
            page.locator("li.vote-item", has_text=IDEAS[0][1])
            .get_by_role("button", name=re.compile("Голосую"))
            .count()
            == 0
        )

        # The screen for the room updates by itself: the coworking idea leads with 3 dots.
        screen.locator(".screen-list li").first.filter(has_text=IDEAS[0][1]).wait_for()
        screen.wait_for_function(
            "() => document.querySelector('.screen-list .screen-value')?.textContent.trim() === '3'"
        )

        # Resolutions become proposals of the campaign.
        moderator.goto(moderator.url.split("?")[0])
        moderator.get_by_label("Заголовок").fill("Коворкинги для молодёжи")
        moderator.get_by_label("Формулировка предложения").fill(
            "Открыть в малых городах коворкинги для молодых предпринимателей."
        )
        moderator.get_by_role("button", name="Добавить резолюцию").click()
        moderator.get_by_text("Резолюция добавлена.").wait_for()
        moderator.get_by_role(
            "button", name="Передать резолюции в кампанию как предложения"
        ).click()
        assert "переданы в кампанию как предложения: 1" in moderator.locator("body").inner_text()
        proposal = Proposal.objects.get(channel="session")
        assert proposal.title == "Коворкинги для молодёжи"
        assert proposal.session_resolution.section == section

        # The session report, in HTML and DOCX.
        moderator.get_by_role("link", name="Отчёт о сессии").click()
        assert moderator.get_by_role("heading", level=1).inner_text().startswith("Отчёт")
        assert moderator.locator(".chart-bar li").count() >= 1
        assert "Коворкинги для молодёжи" in moderator.locator("body").inner_text()
        with moderator.expect_download() as download:
            moderator.get_by_role("link", name="Скачать в формате DOCX").click()
        assert download.value.suggested_filename.endswith(".docx")
    finally:
        for ctx, _page in participants:
            ctx.close()
        moderator_ctx.close()
