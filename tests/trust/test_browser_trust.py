"""In Debian's Chromium: a moderator signs in with password and a TOTP code (enrolling the
app through the e-mailed link on the first sign-in), sees only his municipality, and a guessed id of another
municipality's proposal shows him nothing. The CSP blocks nothing the pages need."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.trust.conftest import KINEL_TEXT, OTRADNY_TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-civicplan-2026"


def _sign_in(page, base: str, email: str, next_url: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_url}")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()


def test_moderator_enrols_totp_and_sees_only_otradny(live_server, browser_page, two_towns):
    page = browser_page
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    base = live_server.url
    _sign_in(page, base, "moderator.otradny@civicplan.local", "/proposals/moderation/?status=")

    page.wait_for_url(re.compile(r"/accounts/login/code/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Код для входа"
    assert page.locator("figure.qr svg").count() == 0, "no QR code for whoever has the password"
    assert "письмо со ссылкой" in page.locator("main").inner_text()
    from django.core import mail

    link = re.search(r"http\S+/accounts/login/enrol/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link.replace("http://127.0.0.1:8000", base))
    page.get_by_role("button", name="Показать QR-код").click()
    assert page.locator("figure.qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().strip()

    page.get_by_label("Код из приложения").fill("000000")
    page.get_by_role("button", name="Подтвердить").click()
    assert "Код не подошёл" in page.get_by_role("alert").inner_text()

    page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(r"/proposals/moderation/"))
    body = page.locator("main").inner_text()
    assert OTRADNY_TEXT[:40] in body
    assert KINEL_TEXT[:40] not in body

    response = page.goto(f"{base}/proposals/moderation/{two_towns['kinel'].pk}/")
    assert response.status in (403, 404)
    assert KINEL_TEXT[:40] not in page.content()
    api = page.goto(f"{base}/api/v1/proposals/moderation/{two_towns['kinel'].pk}")
    assert api.status in (403, 404) and "каток" not in page.content()
    assert violations == [], violations


def test_second_sign_in_asks_only_for_the_code_and_admin_needs_it_too(
    live_server, browser_page, two_towns
):
    from django.utils import timezone

    from civicplan.accounts.models import TotpDevice, User

    moderator = User.objects.get(email="moderator.kinel@civicplan.local")
    secret = pyotp.random_base32()
    TotpDevice.objects.create(user=moderator, secret=secret, confirmed_at=timezone.now())
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/admin/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Электронная почта").fill(moderator.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(re.compile(r"/accounts/login/code/"))
    assert page.locator("figure.qr").count() == 0, "no QR once the app is enrolled"
    page.get_by_label("Код из приложения").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Подтвердить").click()
    page.wait_for_url(re.compile(r"/admin/"))
    assert "Управление платформой" in page.content() or "администрирование" in page.content()
