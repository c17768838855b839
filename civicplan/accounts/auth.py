"""API authentication: personal tokens (`Authorization: Bearer cp_…`) and the site session.

    from civicplan.accounts.auth import api_auth, require_scope

    @router.get("/moderation/", auth=api_auth, response={200: ..., 401: ErrorOut, 403: ErrorOut})
    def moderation_list(request):
        user = require_scope(request, "proposals:moderate")
        scope = user_scope(user, [Role.MUNICIPAL_MODERATOR, Role.REGIONAL_MODERATOR])
        ...

A token only narrows a user's rights: the territory is still his role scope.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from civicplan.accounts.scopes import SCOPES
from civicplan.accounts.services.tokens import api_token_authenticate
from civicplan.core.errors import Forbidden


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; sets `request.api_token` and `request.user`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = api_token_authenticate(token.strip())
        if record is None:
            return None
        request.api_token = record  # type: ignore[attr-defined]
        request.user = record.user
        return record.user


class SessionAuth(APIKeyCookie):
    """The site session, with Django's CSRF check (staff sessions exist only after 2FA)."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return user


api_auth = [ApiTokenAuth(), SessionAuth()]
"""Token first, then the session: use as `auth=api_auth` on staff endpoints."""


def require_scope(request: HttpRequest, scope: str) -> Any:
    """The signed-in user, if a token was used it must carry `scope`; else raises Forbidden.

    Session users are not limited by scopes (their roles decide); a token is.
    """
    if scope not in SCOPES:
        raise ValueError(f"Unknown API scope: {scope}")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Нужно войти или передать API-токен."), code="not_authenticated")
    token = getattr(request, "api_token", None)
    if token is not None and scope not in token.scopes:
        raise Forbidden(
            _("У API-токена нет права «%(scope)s».") % {"scope": scope}, code="scope_missing"
        )
    return user
