"""Withdrawal of consent by the author of a comment, confirmed from his e-mail — as for
proposals (`proposals/withdrawal.py`): the fate page only *asks*, a signed link valid for two
days goes to the author's address, the erasure happens when he confirms it there. A signed-in
author of the comment is confirmed by his account. Rate-limited and audited."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.services import audit_log_write, consent_withdraw, ip_hash
from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.drafts.exports import summary_files_drop
from civicplan.drafts.models import DraftComment, DraftCommentPersonalData

logger = logging.getLogger(__name__)

SALT = "civicplan.drafts.consent-withdraw"
LINK_MAX_AGE = 2 * 24 * 3600
PER_COMMENT_PER_HOUR = 3
PER_ADDRESS_PER_HOUR = 20


@dataclass(frozen=True)
class WithdrawalRequest:
    comment: DraftComment
    sent: bool
    done: bool


def _data(comment: DraftComment) -> DraftCommentPersonalData | None:
    return (
        DraftCommentPersonalData.objects.filter(comment=comment).select_related("consent").first()
    )


def is_withdrawn(comment: DraftComment) -> bool:
    data = _data(comment)
    return data is not None and data.erased_at is not None


def _digest(comment: DraftComment) -> str:
    return hashlib.sha256(comment.tracking_token.encode()).hexdigest()[:16]


def withdrawal_confirm_url(comment: DraftComment) -> str:
    token = signing.dumps({"c": comment.pk, "t": _digest(comment)}, salt=SALT)
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("drafts:withdraw_confirm", args=[token])


def comment_by_withdrawal_token(token: str) -> DraftComment:
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("Срок действия ссылки истёк. Запросите новую на странице замечания."),
            code="link_expired",
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("Ссылка недействительна."), code="bad_link") from exc
    comment = DraftComment.objects.filter(pk=data.get("c")).first()
    if comment is None or data.get("t") != _digest(comment):
        raise NotFound(_("Ссылка недействительна."), code="bad_link")
    return comment


@transaction.atomic
def comment_consent_withdraw(
    *, comment: DraftComment, actor: Any = None, reason: str = "", ip: str | None = None
) -> DraftComment:
    """Erase the author's name, e-mail and phone, withdraw the consent record, untie the
    comment from the account; the comment stays, signed by its kind or organisation only.
    Irreversible: callers confirm the author first."""
    comment = DraftComment.objects.select_for_update().get(pk=comment.pk)
    data = _data(comment)
    if data is not None and data.erased_at is not None:
        return comment
    if data is not None:
        if data.consent is not None:
            consent_withdraw(consent=data.consent)
        data.name = data.email = data.phone = ""
        data.erased_at = timezone.now()
        data.save(update_fields=["name", "email", "phone", "erased_at"])
    comment.user = None
    comment.author_display_name = ""
    comment.save(update_fields=["user", "author_display_name"])
    summary_files_drop([comment.paragraph.version_id])
    audit_log_write(
        actor=actor,
        action="drafts.comment.consent.withdraw",
        obj=comment,
        reason=reason or _("согласие отозвано автором"),
        ip=ip,
    )
    return comment


def _send(comment: DraftComment, email: str) -> None:
    context = {
        "comment": comment,
        "confirm_url": withdrawal_confirm_url(comment),
        "hours": LINK_MAX_AGE // 3600,
    }
    rendered = render_to_string("drafts/email/withdraw_confirm.txt", context).strip()
    subject, _sep, body = rendered.partition("\n")

    def deliver() -> None:
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, [email])
        except OSError:
            logger.exception("Could not send the withdrawal link of draft comment %s", comment.pk)

    transaction.on_commit(deliver)


def comment_consent_withdraw_request(
    *, comment: DraftComment, user: Any = None, ip: str | None = None
) -> WithdrawalRequest:
    data = _data(comment)
    if data is None or data.erased_at is not None:
        return WithdrawalRequest(comment=comment, sent=False, done=True)
    if (
        getattr(user, "is_authenticated", False)
        and comment.user_id is not None
        and comment.user_id == user.pk
    ):
        comment = comment_consent_withdraw(
            comment=comment,
            actor=user,
            reason=_("согласие отозвано автором из его учётной записи"),
            ip=ip,
        )
        return WithdrawalRequest(comment=comment, sent=False, done=True)
    rate_limit_hit(
        key=f"withdraw-draft-comment:{comment.pk}",
        limit=PER_COMMENT_PER_HOUR,
        window=3600,
        message=_("Ссылка уже отправлена несколько раз. Проверьте почту или попробуйте через час."),
    )
    if ip:
        rate_limit_hit(key=f"withdraw-ip:{ip_hash(ip)}", limit=PER_ADDRESS_PER_HOUR, window=3600)
    if not data.email:
        raise Conflict(
            _(
                "Автор не оставил адрес электронной почты, поэтому подтвердить отзыв согласия по "
                "ссылке нельзя. Обратитесь к оператору персональных данных (контакты — в политике "
                "обработки)."
            ),
            code="no_email",
        )
    audit_log_write(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="drafts.comment.consent.withdraw_requested",
        obj=comment,
        reason=_("запрошено подтверждение отзыва согласия по электронной почте"),
        ip=ip,
    )
    _send(comment, data.email)
    return WithdrawalRequest(comment=comment, sent=True, done=False)


def comment_consent_withdraw_confirm(*, token: str, ip: str | None = None) -> DraftComment:
    if ip:
        rate_limit_hit(key=f"withdraw-confirm-ip:{ip_hash(ip)}", limit=30, window=3600)
    comment = comment_by_withdrawal_token(token)
    if is_withdrawn(comment):
        return comment
    return comment_consent_withdraw(
        comment=comment,
        reason=_("согласие отозвано автором, подтверждено по ссылке из письма"),
        ip=ip,
    )
