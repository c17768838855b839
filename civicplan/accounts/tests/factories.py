"""Users with roles for the accounts tests."""

from __future__ import annotations

from typing import Any

from civicplan.accounts.models import User
from civicplan.accounts.services import role_grant

PASSWORD = "Надёжный-пароль-2026"


def user_create(
    email: str = "ivanova@example.ru", *, password: str = PASSWORD, **extra: Any
) -> User:
    return User.objects.create_user(email, password, **extra)


def staff_create(email: str, *, role: str, region: Any = None, municipality: Any = None) -> User:
    user = user_create(email)
    role_grant(user=user, role=role, region=region, municipality=municipality)
    return user
