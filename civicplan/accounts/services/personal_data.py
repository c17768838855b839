"""A resident's personal data: the «download my data» copy and erasure on withdrawn consent.

Apps that keep personal data plug in through `civicplan.core.registry`
(`register_personal_data_exporter`, `register_personal_data_eraser`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import ConsentRecord, TotpDevice, User
from civicplan.accounts.services import audit_log_write
from civicplan.core.errors import Forbidden
from civicplan.core.registry import personal_data_erasers, personal_data_exporters

logger = logging.getLogger(__name__)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def personal_data_export(*, user: User, ip: str | None = None) -> dict[str, Any]:
    """Everything the platform keeps about the user, as plain JSON-ready data."""
    data: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "last_name": user.last_name,
            "first_name": user.first_name,
            "patronymic": user.patronymic,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_confirmed_at": _iso(user.email_confirmed_at),
        },
        "consents": [
            {
                "policy": c.policy.title,
                "kind": c.policy.kind,
                "version": c.policy.version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "user_agent": c.user_agent,
            }
            for c in ConsentRecord.objects.filter(user=user).select_related("policy")
        ],
        "roles": [
            {
                "role": r.get_role_display(),
                "region": str(r.region) if r.region_id else None,
                "municipality": str(r.municipality) if r.municipality_id else None,
            }
            for r in user.roles.select_related("region", "municipality")
        ],
        "api_tokens": [
            {
                "name": t.name,
                "scopes": t.scopes,
                "created_at": _iso(t.created_at),
                "expires_at": _iso(t.expires_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in user.api_tokens.all()
        ],
    }
    for exporter in personal_data_exporters():
        for key, section in (exporter(user) or {}).items():
            data[key] = section
    audit_log_write(
        actor=user, action="personal_data.export", obj=user, reason=_("запрос самого жителя"), ip=ip
    )
    return data


@transaction.atomic
def personal_data_erase(*, user: User, ip: str | None = None, reason: str = "") -> dict[str, int]:
    """Withdraw the user's consents, erase his personal data in every app and close the account.

    The account row stays (other records may point at it) but holds nothing personal: the
    e-mail becomes `erased-<id>@invalid`, names are blanked, sign-in is impossible. What he
    wrote stays, without his name. Staff accounts are closed by an administrator.
    """
    if user.is_staff or user.is_superuser:
        raise Forbidden(
            _("Служебную учётную запись закрывает администратор платформы."), code="staff_account"
        )
    counts: dict[str, int] = {}
    for eraser in personal_data_erasers():
        counts[f"{eraser.__module__}.{eraser.__name__}"] = int(eraser(user=user) or 0)
    counts["consents_withdrawn"] = ConsentRecord.objects.filter(
        user=user, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now())
    ConsentRecord.objects.filter(user=user).update(user=None, user_agent="")
    user_pk = user.pk
    audit_log_write(
        actor=None,
        action="personal_data.erase",
        object_type="accounts.user",
        object_id=str(user_pk),
        reason=reason or _("отзыв согласия жителем"),
        details=counts,
        ip=ip,
    )
    user.email = f"erased-{user_pk}@invalid"
    user.first_name = user.last_name = user.patronymic = ""
    user.email_confirmed_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.api_tokens.update(revoked_at=timezone.now())
    TotpDevice.objects.filter(user=user).delete()
    logger.info("Erased the personal data of user %s: %s", user_pk, counts)
    return counts
