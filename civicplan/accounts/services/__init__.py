"""Writes for accounts: roles, consent records, the audit log."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import (
    AuditLog,
    ConsentRecord,
    PolicyDocument,
    Role,
    RoleAssignment,
    User,
)
from civicplan.core.errors import InvalidInput, NotFound
from civicplan.core.pagecache import changes_public_pages


def ip_hash(ip: str | None) -> str:
    """A salted hash of an IP address: enough to tell two requests apart, not to find a person."""
    if not ip:
        return ""
    salt = str(settings.IP_HASH_SALT).encode()
    return hmac.new(salt, ip.encode(), hashlib.sha256).hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The client's address; X-Forwarded-For is trusted only behind a configured proxy."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def policy_current(*, kind: str) -> PolicyDocument:
    policy = (
        PolicyDocument.objects.filter(kind=kind, effective_from__lte=timezone.now())
        .order_by("-effective_from")
        .first()
    )
    if policy is None:
        raise NotFound(_("Текст согласия ещё не опубликован."), code="policy_missing")
    return policy


@changes_public_pages
@transaction.atomic
def policy_publish(*, kind: str, version: str, title: str, text: str) -> PolicyDocument:
    policy, _created = PolicyDocument.objects.update_or_create(
        kind=kind,
        version=version,
        defaults={"title": title, "text": text, "effective_from": timezone.now()},
    )
    return policy


@transaction.atomic
def consent_record_create(
    *,
    policy: PolicyDocument,
    ip: str | None,
    user_agent: str = "",
    user: User | None = None,
) -> ConsentRecord:
    return ConsentRecord.objects.create(
        policy=policy,
        user=user if user is not None and user.is_authenticated else None,
        ip_hash=ip_hash(ip),
        user_agent=(user_agent or "")[:512],
    )


def consent_withdraw(*, consent: ConsentRecord) -> ConsentRecord:
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
    return consent


def audit_log_write(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditLog:
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        reason=reason[:255],
        details=details or {},
        ip_hash=ip_hash(ip),
    )


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    region: Any = None,
    municipality: Any = None,
    granted_by: User | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise InvalidInput(_("Неизвестная роль: %(role)s.") % {"role": role}, field="role")
    if municipality is not None and region is None:
        region = municipality.region
    if role == Role.MUNICIPAL_MODERATOR and municipality is None:
        raise InvalidInput(
            _("Модератору муниципалитета нужно указать муниципальное образование."),
            field="municipality",
        )
    if role != Role.RESIDENT and region is None:
        raise InvalidInput(_("Для этой роли нужно указать регион."), field="region")
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        region=region,
        municipality=municipality,
        defaults={"granted_by": granted_by},
    )
    if role != Role.RESIDENT and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return assignment
