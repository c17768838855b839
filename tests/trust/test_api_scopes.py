"""API token scopes on residents' own writes (issue 15, Medium 7): a token acts only within
its scopes, also where the user himself could act (notifications, follows)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from civicplan.accounts.models import User
from civicplan.accounts.services.tokens import api_token_issue

pytestmark = pytest.mark.django_db


def _token(user: User, *scopes: str) -> str:
    return api_token_issue(user=user, name="Тест", scopes=scopes, lifetime_days=30)[1]


def test_notifications_and_follows_need_their_scope(client: Any, two_towns: Any) -> None:
    resident = User.objects.create_user("follower@example.ru", "пароль-жителя-2026")
    reader = {"HTTP_AUTHORIZATION": f"Bearer {_token(resident, 'proposals:read')}"}
    owner = {"HTTP_AUTHORIZATION": f"Bearer {_token(resident, 'notifications:manage')}"}
    follow = json.dumps({"kind": "municipality", "target_id": two_towns["otradny"].municipality_id})

    for method, url, data in (
        ("get", "/api/v1/notifications/", None),
        ("get", "/api/v1/notifications/follows", None),
        ("post", "/api/v1/notifications/follows", follow),
    ):
        call = getattr(client, method)
        kwargs = {"content_type": "application/json", "data": data} if data else {}
        refused = call(url, **kwargs, **reader)
        assert refused.status_code == 403 and refused.json()["code"] == "scope_missing", url
        assert call(url, **kwargs, **owner).status_code in (200, 201), url
