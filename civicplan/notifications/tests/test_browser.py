"""Done-when in a real browser: a resident submits and follows, the moderator answers, the
resident sees the counter and the letter in the file backend, the proposal goes into a
measure, the measure is completed, and the resident answers «Решена ли проблема?»."""

from __future__ import annotations

import email
import email.policy
import os
import re
from pathlib import Path

import pytest

from civicplan.notifications.tests.conftest import OTRADNY, make_resident, measure_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-civicplan-2026"
TEXT = (
    "Предлагаю отремонтировать дорогу по улице Гагарина в Отрадном и сделать тротуар до "
    "школы № 3: дети ходят в школу по обочине."
)
SHOTS = Path(os.environ.get("CIVICPLAN_SCREENSHOTS", "/tmp/notify-shots"))


def dismiss_cookie_banner(page) -> None:
    banner = page.locator("#consent-banner")
    if banner.count() and banner.is_visible():
        banner.get_by_role("button", name="Отказаться").click()
        page.wait_for_load_state()


def login(page, base: str, email_address: str, password: str) -> None:
    page.goto(base + "/accounts/login/")
    dismiss_cookie_banner(page)
    page.get_by_label("Электронная почта").fill(email_address)
    page.get_by_label("Пароль").fill(password)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_load_state()


def letters(folder: Path, to: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip() + b"\n", policy=email.policy.default)
            if to in str(message.get("To", "")):
                found.append(message)
    return found


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_resident_follows_hears_the_answer_and_says_if_the_problem_is_solved(
    live_server, browser, demo_campaign, settings, tmp_path
):
    from civicplan.proposals.models import Proposal
    from civicplan.strategy.services import measure_progress_set

    settings.TWO_FACTOR_REQUIRED = False
    settings.PROPOSALS_MIN_FILL_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    base = live_server.url
    resident = make_resident("elena.smirnova@example.ru")
    resident.set_password(PASSWORD)
    resident.save()

    # The resident, signed in, sends a proposal and follows her town.
    context = browser.new_context(locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, base, resident.email, PASSWORD)
    page.goto(base + "/proposals/new/")
    page.get_by_label("Ваше предложение").fill(TEXT)
    page.get_by_label("Муниципальное образование").fill("городской округ Отрадный")
    page.get_by_label("Как к вам обращаться").fill("Елена Смирнова")
    page.get_by_label("Электронная почта").fill(resident.email)
    page.get_by_label("Я даю согласие").check()
    page.get_by_role("button", name="Отправить предложение").click()
    page.wait_for_url(re.compile(r"/proposals/sent/"))
    proposal = Proposal.objects.get(author=resident)

    page.goto(f"{base}/territories/municipalities/{OTRADNY}/")
    page.get_by_role("button", name="Следить").first.click()
    assert "Вы подписались" in page.content()
    page.goto(base + "/notifications/follows/")
    assert "Отрадный" in page.content()

    # The moderator of Отрадный publishes it and gives the official answer.
    staff = browser.new_context(locale="ru-RU")
    mpage = staff.new_page()
    mpage.set_default_timeout(15_000)
    login(mpage, base, "moderator.otradny@civicplan.local", PASSWORD)
    mpage.goto(f"{base}/proposals/moderation/{proposal.pk}/")
    mpage.get_by_role("button", name="Опубликовать").click()
    mpage.goto(f"{base}/proposals/moderation/{proposal.pk}/")
    mpage.get_by_text("Дать официальный ответ").click()
    mpage.get_by_label("Текст ответа").fill(
        "Ремонт улицы Гагарина и тротуар до школы № 3 включены в план дорожных работ на 2026 год."
    )
    mpage.get_by_label("Кто отвечает").fill("Администрация городского округа Отрадный")
    mpage.get_by_role("button", name="Сохранить ответ").click()
    mpage.wait_for_load_state()

    # The resident sees the counter in the header and the letter in the file backend.
    page.goto(base + "/")
    badge = page.locator(".notifications-link .badge")
    assert int(badge.inner_text()) >= 1
    mine = letters(tmp_path / "mail", resident.email)
    answer_letters = [
        m for m in mine if str(m["Subject"]).strip().startswith("Официальный ответ на предложение")
    ]
    assert len(answer_letters) == 1  # one letter about the answer, not one per app
    assert "включены в план дорожных работ" in answer_letters[0].get_body(("plain",)).get_content()

    # The working group puts the proposal into a measure, and the measure is completed.
    measure = measure_for(demo_campaign, code="5.9.7", proposals=[proposal])
    measure_progress_set(measure=measure, progress=100)
    mine = letters(tmp_path / "mail", resident.email)
    [linked] = [m for m in mine if "вошло в мероприятие" in str(m["Subject"])]
    assert linked["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in str(linked["List-Unsubscribe"])
    assert any("Решена ли проблема?" in str(m["Subject"]) for m in mine)

    # The resident reads the question and answers it.
    page.goto(base + "/notifications/")
    shoot(page, "notifications")
    page.get_by_role("link", name=re.compile("Решена ли проблема")).first.click()
    page.get_by_label("частично").check()
    page.get_by_label("Комментарий (необязательно)").fill("Дорогу сделали, тротуара пока нет.")
    page.get_by_role("button", name="Ответить").click()
    page.wait_for_url(re.compile(r"/measures/"))
    assert "частично — 1" in page.content()
    page.goto(base + "/notifications/cabinet/")
    assert "Ремонт улично-дорожной сети малых городов" in page.content()
    shoot(page, "cabinet")
    context.close()
    staff.close()
