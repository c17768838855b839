"""Staff who can read personal data sign in with a TOTP code; others with a password only."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from civicplan.accounts.models import AuditLog, Role, TotpDevice
from civicplan.accounts.services import role_grant
from civicplan.accounts.services.twofactor import two_factor_required
from civicplan.accounts.tests.factories import PASSWORD, staff_create, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def otradny(samara):
    from civicplan.territories.models import Municipality

    return Municipality.objects.get(oktmo="36724000000")


@pytest.fixture
def moderator(otradny):
    return staff_create("moderator@otradny.ru", role=Role.MUNICIPAL_MODERATOR, municipality=otradny)


def _password_step(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def test_who_needs_the_second_factor(samara, moderator):
    analyst = staff_create("analyst@samregion.ru", role=Role.ANALYST, region=samara)
    resident = user_create("resident@example.ru")
    admin = user_create("root@example.ru", is_superuser=True, is_staff=True)
    assert two_factor_required(moderator) and two_factor_required(admin)
    assert not two_factor_required(analyst) and not two_factor_required(resident)


def _enrolment_link() -> str:
    from django.core import mail

    found = re.search(r"/accounts/login/enrol/[^/\s]+/", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(0)


def test_moderator_enrols_the_app_through_the_mailed_link_then_signs_in_with_codes(
    client, moderator, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = _password_step(client, moderator, next_url="/accounts/profile/")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor")
    assert "_auth_user_id" not in client.session, "the password alone must not sign staff in"

    # The code page shows no QR code: it went to the moderator's mailbox
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" not in page and "письмо со ссылкой" in page and "m***@otradny.ru" in page
    link = _enrolment_link()
    opened = client.post(link, {"action": "show"}).content.decode()
    assert "<svg" in opened
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', opened).group(1)
    assert secret == TotpDevice.objects.get(user=moderator).secret

    wrong = client.post(link, {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 422 and "Код не подошёл" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    done = client.post(link, {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302 and done["Location"] == "/accounts/profile/"
    assert client.session["_auth_user_id"] == str(moderator.pk)
    assert TotpDevice.objects.get(user=moderator).confirmed_at is not None
    assert AuditLog.objects.filter(action="2fa.enrol", actor=moderator).exists()

    client.post(reverse("accounts:logout"))
    _password_step(client, moderator)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "<svg" not in page and "письмо" not in page
    replay = client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert replay.status_code == 422, "a code already used must not work twice"


def test_a_stolen_password_cannot_enrol_the_thiefs_phone(client, moderator, settings):
    # Given a thief who knows the moderator's password but not his mailbox
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _password_step(client, moderator)
    page = client.get(reverse("accounts:two_factor")).content.decode()
    # Then the code page offers him no secret, and a code from any secret is refused
    assert "totp-secret" not in page
    secret = TotpDevice.objects.get(user=moderator).secret  # not shown, but even if guessed
    refused = client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert refused.status_code == 422 and "ссылке из письма" in refused.content.decode()
    assert TotpDevice.objects.get(user=moderator).confirmed_at is None
    assert "_auth_user_id" not in client.session


def test_an_enrolment_link_works_once(client, moderator, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _password_step(client, moderator)
    client.get(reverse("accounts:two_factor"))
    link = _enrolment_link()
    assert "<svg" in client.post(link, {"action": "show"}).content.decode()
    again = Client().post(link, {"action": "show"})
    assert again.status_code == 403 and "уже использована" in again.content.decode()
    assert "<svg" not in again.content.decode()


def test_code_guessing_is_stopped(client, moderator):
    _password_step(client, moderator)
    client.get(reverse("accounts:two_factor"))
    for _ in range(5):
        client.post(reverse("accounts:two_factor"), {"code": "123456"})
    secret = TotpDevice.objects.get(user=moderator).secret
    blocked = client.post(reverse("accounts:two_factor"), {"code": pyotp.TOTP(secret).now()})
    assert blocked.status_code == 429 and "Слишком много неверных кодов" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_page_without_a_password_step_sends_back_to_login(client):
    response = client.get(reverse("accounts:two_factor"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")


def test_admin_login_goes_through_the_site_login(client):
    response = client.get("/admin/login/?next=/admin/accounts/auditlog/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=%2Fadmin%2Faccounts%2Fauditlog%2F" in response["Location"]


def test_a_resident_who_becomes_moderator_is_asked_for_the_code(client, otradny):
    resident = user_create("future@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    _password_step(client, resident)
    assert client.get(reverse("accounts:profile")).status_code == 200
    role_grant(user=resident, role=Role.MUNICIPAL_MODERATOR, municipality=otradny)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_staff_without_personal_data_sign_in_with_password(client, samara):
    analyst = staff_create("analyst@samregion.ru", role=Role.ANALYST, region=samara)
    response = _password_step(client, analyst)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_admin_resets_a_lost_phone_and_the_audit_log_stays_read_only(client, moderator):
    from civicplan.accounts.models import AuditLog
    from civicplan.accounts.services.twofactor import totp_device_get_or_start

    device = totp_device_get_or_start(user=moderator)
    admin = user_create("root@example.ru", is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(f"/admin/accounts/totpdevice/{device.pk}/change/")
    assert page.status_code == 200 and device.secret not in page.content.decode()
    client.post(f"/admin/accounts/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TotpDevice.objects.filter(user=moderator).exists()
    entry = AuditLog.objects.get(action="2fa.reset")
    assert entry.actor == admin and entry.object_id == str(moderator.pk)
    response = client.post(
        f"/admin/accounts/auditlog/{entry.pk}/change/", {"action": "подделка", "reason": "x"}
    )
    assert response.status_code == 403
    assert (
        client.post(f"/admin/accounts/auditlog/{entry.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.action == "2fa.reset"


def test_a_wrong_code_is_audited_and_counted(client, moderator):
    # Given a moderator past the password step
    _password_step(client, moderator)
    client.get(reverse("accounts:two_factor"))
    # When somebody types a wrong code
    wrong = client.post(reverse("accounts:two_factor"), {"code": "000000"})
    # Then the refusal stays in the audit log (it is not rolled back with the attempt)
    assert wrong.status_code == 422
    assert AuditLog.objects.filter(action="2fa.failure", actor=moderator).count() == 1
