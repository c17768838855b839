"""Helpers for tests of signed-in pages: a confirmed person, his own client, and a page
that must not come from the anonymous page cache. Imported only by tests."""

from __future__ import annotations

import re

from django.test import Client
from django.utils import timezone

from civicplan.accounts.models import User

CSRF_TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def person(email: str, first_name: str, *, staff: bool = False) -> User:
    """A signed-up person with a confirmed e-mail."""
    user = User.objects.create_user(
        email, "пароль-жителя-2026", first_name=first_name, is_staff=staff
    )
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["email_confirmed_at"])
    return user


def signed_in(user: User) -> Client:
    """A browser of `user` that checks CSRF tokens as a real one would."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def signed_in_page(client: Client, url: str) -> str:
    """The page as its signed-in visitor gets it: never a cached anonymous page."""
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response, "a signed-in visitor never gets a cached page"
    return response.content.decode()
