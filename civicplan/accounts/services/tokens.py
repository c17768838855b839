"""Personal API tokens: issue (the token is shown once, a hash is kept), revoke, look up."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import ApiToken, User
from civicplan.accounts.scopes import SCOPES
from civicplan.accounts.selectors import user_has_role
from civicplan.accounts.services import audit_log_write
from civicplan.core.errors import Forbidden, InvalidInput, NotFound

TOKEN_PREFIX = "cp_"
MAX_LIFETIME_DAYS = 366
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_scopes_allowed(user: User) -> list[str]:
    """The scopes this user may put on a token, given his roles."""
    if user.is_superuser:
        return list(SCOPES)
    return [
        name for name, info in SCOPES.items() if not info.roles or user_has_role(user, info.roles)
    ]


@transaction.atomic
def api_token_issue(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    lifetime_days: int,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; returns the record and the token itself, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("Укажите название токена."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("Название токена — не длиннее 100 знаков."), field="name")
    wanted = list(dict.fromkeys(scopes))
    if not wanted:
        raise InvalidInput(_("Выберите хотя бы одно право."), field="scopes")
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise InvalidInput(
            _("Неизвестные права: %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes"
        )
    allowed = set(api_token_scopes_allowed(user))
    refused = [s for s in wanted if s not in allowed]
    if refused:
        raise Forbidden(
            _("Ваши роли не дают права: %(scopes)s.") % {"scopes": ", ".join(refused)},
            code="scope_not_allowed",
        )
    if not 1 <= int(lifetime_days) <= MAX_LIFETIME_DAYS:
        raise InvalidInput(
            _("Срок действия — от 1 до %(max)s дней.") % {"max": MAX_LIFETIME_DAYS},
            field="lifetime_days",
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(raw),
        scopes=wanted,
        expires_at=timezone.now() + timedelta(days=int(lifetime_days)),
    )
    audit_log_write(
        actor=user,
        action="api_token.issue",
        obj=token,
        details={"scopes": wanted, "expires_at": token.expires_at.isoformat()},
        ip=ip,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, ip: str | None = None) -> ApiToken:
    """Revoke one of the user's own tokens (a superuser may revoke anyone's)."""
    qs = ApiToken.objects.select_for_update()
    if not user.is_superuser:
        qs = qs.filter(user=user)
    token = qs.filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("Токен не найден."), code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_log_write(actor=user, action="api_token.revoke", obj=token, ip=ip)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching `raw`, with its user; records when it was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
