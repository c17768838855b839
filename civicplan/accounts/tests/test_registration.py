"""Residents register by e-mail, confirm the address by a signed link, sign in and out, and
restore a forgotten password."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.urls import reverse

from civicplan.accounts.models import ConsentRecord, PolicyDocument, User
from civicplan.accounts.services import policy_publish
from civicplan.accounts.services.registration import CONFIRM_SALT
from civicplan.accounts.tests.factories import PASSWORD, user_create

pytestmark = pytest.mark.django_db

FORM = {
    "email": "Smirnova.Elena@Example.ru",
    "first_name": "Елена",
    "last_name": "Смирнова",
    "password1": PASSWORD,
    "password2": PASSWORD,
    "consent": "on",
}


@pytest.fixture(autouse=True)
def _policy(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    policy_publish(
        kind=PolicyDocument.Kind.PERSONAL_DATA,
        version="1.0",
        title="Согласие на обработку персональных данных",
        text="Оператор персональных данных — министерство.",
    )


def _link(message: str) -> str:
    return re.search(r"https?://\S+", message).group(0)


def test_resident_registers_confirms_and_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), FORM, follow=True)
    assert "Проверьте почту" in response.content.decode()
    user = User.objects.get(email="smirnova.elena@example.ru")
    assert not user.email_confirmed
    assert ConsentRecord.objects.filter(user=user, policy__kind="personal-data").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["smirnova.elena@example.ru"]

    refused = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert "ещё не подтверждён" in refused.content.decode()
    assert "_auth_user_id" not in client.session

    link = _link(mail.outbox[0].body)
    page = client.get(link[link.index("/accounts/") :])
    assert "подтверждён" in page.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed

    signed_in = client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent": ""}, "Без согласия на обработку персональных данных"),
        ({"password1": "12345678901", "password2": "12345678901"}, "только из цифр"),
        ({"password1": "короткий", "password2": "короткий"}, "слишком короткий"),
        ({"password2": "Другой-пароль-2026"}, "Пароли не совпадают"),
        ({"email": "не-почта"}, "Введите правильный адрес электронной почты"),
    ],
)
def test_bad_registration_is_refused_with_a_clear_message(client, change, message):
    response = client.post(reverse("accounts:register"), {**FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists() and not ConsentRecord.objects.exists()


def test_registering_a_taken_address_tells_nobody_but_the_owner(
    client, django_capture_on_commit_callbacks
):
    user_create("smirnova.elena@example.ru")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), FORM, follow=True)
    assert "Проверьте почту" in response.content.decode()
    assert User.objects.count() == 1
    assert "уже есть" in mail.outbox[0].body


def test_a_forged_or_old_confirmation_link_is_refused(client):
    user = user_create("petrov@example.ru")
    forged = signing.dumps({"u": user.pk, "e": user.email}, salt="another-salt")
    response = client.get(reverse("accounts:confirm", args=[forged]))
    assert response.status_code == 422 and "недействительна" in response.content.decode()
    other_email = signing.dumps({"u": user.pk, "e": "evil@example.ru"}, salt=CONFIRM_SALT)
    assert client.get(reverse("accounts:confirm", args=[other_email])).status_code == 404
    user.refresh_from_db()
    assert not user.email_confirmed


def test_password_reset_by_email_link(client):
    user = user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    client.post(reverse("accounts:password_reset"), {"email": "petrov@example.ru"})
    assert len(mail.outbox) == 1 and "Восстановление пароля" in mail.outbox[0].subject
    link = _link(mail.outbox[0].body)
    path = link[link.index("/accounts/") :]
    form_page = client.get(path, follow=True)
    assert "Новый пароль" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "123", "new_password2": "123"})
    assert "слишком короткий" in weak.content.decode()
    client.post(
        set_url, {"new_password1": "Новый-пароль-2027", "new_password2": "Новый-пароль-2027"}
    )
    user.refresh_from_db()
    assert user.check_password("Новый-пароль-2027")
    assert "недействительна" in client.get(path, follow=True).content.decode()


def test_login_is_rate_limited_per_account_with_a_clear_message(client):
    user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    for _ in range(10):
        response = client.post(
            reverse("accounts:login"), {"username": "petrov@example.ru", "password": "неверный"}
        )
        assert response.status_code == 200
    blocked = client.post(
        reverse("accounts:login"), {"username": "petrov@example.ru", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert "Слишком много попыток входа" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_from_elsewhere_do_not_lock_the_owner_out(client):
    # Given somebody who types wrong passwords for Petrov's address from his own network
    user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    for _ in range(12):
        client.post(
            reverse("accounts:login"),
            {"username": "petrov@example.ru", "password": "неверный"},
            REMOTE_ADDR="203.0.113.7",
        )
    attacker = client.post(
        reverse("accounts:login"),
        {"username": "petrov@example.ru", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert attacker.status_code == 429, "the source of the attempts is locked"
    # When Petrov signs in from his home
    owner = client.post(
        reverse("accounts:login"),
        {"username": "petrov@example.ru", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    # Then he is let in
    assert owner.status_code == 302
    assert "_auth_user_id" in client.session


def test_login_is_rate_limited_per_address_across_accounts(client):
    for number in range(30):
        client.post(
            reverse("accounts:login"),
            {"username": f"guess{number}@example.ru", "password": "неверный"},
        )
    blocked = client.post(
        reverse("accounts:login"), {"username": "another@example.ru", "password": "x"}
    )
    assert blocked.status_code == 429 and "Слишком много попыток" in blocked.content.decode()


def test_registration_and_password_reset_are_rate_limited_too(client):
    for _ in range(30):
        client.post(reverse("accounts:password_reset"), {"email": "petrov@example.ru"})
    blocked = client.post(reverse("accounts:password_reset"), {"email": "petrov@example.ru"})
    assert blocked.status_code == 429
    for _ in range(30):
        client.post(reverse("accounts:register"), {**FORM, "consent": ""})
    assert client.post(reverse("accounts:register"), FORM).status_code == 429
    assert not User.objects.exists()


def test_next_parameter_cannot_send_people_to_another_site(client):
    user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    response = client.post(
        reverse("accounts:login"),
        {"username": "petrov@example.ru", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/"
