"""Security headers, CSRF on forms, no inline scripts, and `check --deploy` with production
settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from civicplan.accounts.tests.factories import PASSWORD, user_create

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PAGES = [
    "/",
    "/territories/",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/password/reset/",
    "/proposals/",
    "/news/",
    "/strategy/",
    "/sessions/",
    "/practices/",
    "/api/v1/docs",
]


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in header.split(";")
        if part.strip()
    }


def test_every_response_has_the_security_headers(client):
    response = client.get("/accounts/login/")
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'", "no inline or third-party scripts"
    assert csp["style-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["form-action"] == "'self'" and csp["base-uri"] == "'self'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    api = client.get("/api/v1/openapi.json")
    assert "Content-Security-Policy" in api and api["X-Content-Type-Options"] == "nosniff"


def test_hsts_is_sent_over_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")


def test_pages_have_no_inline_scripts_or_styles_and_forms_carry_csrf(client, samara):
    checked = []
    for path in PUBLIC_PAGES:
        response = client.get(path, follow=True)
        if response.status_code == 404:
            continue  # an app that has no public page yet
        assert response.status_code == 200, path
        checked.append(path)
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {path}"
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"inline handler on {path}"
        assert not re.search(r"\sstyle\s*=", html, flags=re.I), f"inline style on {path}"
        assert "javascript:" not in html.lower()
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, flags=re.I | re.S):
            if re.search(r'method="post"', form, flags=re.I):
                assert "csrfmiddlewaretoken" in form, f"a POST form without CSRF on {path}"
    assert {"/", "/territories/", "/accounts/login/", "/api/v1/docs"} <= set(checked)


def test_forms_refuse_posts_without_the_csrf_token(db):
    user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:login"), {"username": "petrov@example.ru", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in strict.session


def test_session_and_csrf_cookies_are_http_only(client, settings):
    user_create("petrov@example.ru", email_confirmed_at="2026-01-01T00:00:00Z")
    client.get(reverse("accounts:login"))
    response = client.post(
        reverse("accounts:login"), {"username": "petrov@example.ru", "password": PASSWORD}
    )
    assert response.cookies["sessionid"]["httponly"]
    assert settings.CSRF_COOKIE_HTTPONLY and settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def _production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(
        SECURE_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="strategy.samregion.example",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_secure_cookies_hsts_and_redirect():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-5:] == ["True", "True", "True", "True", "False"], result.stderr


def test_a_database_outage_gets_a_clear_503_not_a_bare_500(client, monkeypatch):
    from django.db import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("civicplan.accounts.views.PolicyDocument.objects.filter", down)
    page = client.get("/accounts/policy/personal-data/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "Ваши данные не сохранены" in page.content.decode()
    from django.test import RequestFactory

    from civicplan.core.security import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    api = middleware.process_exception(
        RequestFactory().post("/api/v1/proposals/"), OperationalError("server closed")
    )
    assert api.status_code == 503
    assert api["Content-Type"].startswith("application/json")
    assert "повторите попытку" in api.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("x")) is None
