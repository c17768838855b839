"""Withdrawal of consent by the author, confirmed from his e-mail.

Erasing the author's personal data cannot be undone, so the tracking code alone (which
travels in links, screenshots and forwarded letters) is not enough: the tracking page and the
API only *ask* for the withdrawal, a signed link valid for two days is sent to the author's
e-mail, and the erasure happens when that link is confirmed. A signed-in author who owns the
proposal is confirmed by his account. Requests are rate-limited and every step is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from civicplan.accounts.services import audit_log_write, ip_hash
from civicplan.core.errors import Conflict, InvalidInput, NotFound
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.proposals.models import Proposal
from civicplan.proposals.notifications import author_email, author_notify
from civicplan.proposals.services import proposal_consent_withdraw

SALT = "civicplan.proposals.consent-withdraw"
LINK_MAX_AGE = 2 * 24 * 3600
PER_PROPOSAL_PER_HOUR = 3
PER_ADDRESS_PER_HOUR = 20


@dataclass(frozen=True)
class WithdrawalRequest:
    proposal: Proposal
    sent: bool  # a confirmation letter went to the author's address
    done: bool  # erased at once (the signed-in author himself)


def _code_digest(proposal: Proposal) -> str:
    return hashlib.sha256(proposal.tracking_code.encode()).hexdigest()[:16]


def withdrawal_token(proposal: Proposal) -> str:
    """A signed, expiring token naming the proposal and bound to its tracking code."""
    return signing.dumps({"p": proposal.pk, "c": _code_digest(proposal)}, salt=SALT)


def withdrawal_confirm_url(proposal: Proposal) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("proposals:withdraw_confirm", args=[withdrawal_token(proposal)])


def proposal_by_withdrawal_token(token: str) -> Proposal:
    """The proposal a confirmation link names; a forged, altered or expired link is refused."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("Срок действия ссылки истёк. Запросите новую на странице отслеживания."),
            code="link_expired",
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound(_("Ссылка недействительна."), code="bad_link") from exc
    proposal = Proposal.objects.filter(pk=data.get("p")).first()
    if proposal is None or data.get("c") != _code_digest(proposal):
        raise NotFound(_("Ссылка недействительна."), code="bad_link")
    return proposal


def proposal_consent_withdraw_request(
    *, proposal: Proposal, user: Any = None, ip: str | None = None
) -> WithdrawalRequest:
    """Ask to withdraw consent: e-mail a confirmation link to the author, or, for the signed-in
    author of the proposal, withdraw at once."""
    if proposal.withdrawn_at is not None:
        return WithdrawalRequest(proposal=proposal, sent=False, done=True)
    is_owner = (
        user is not None
        and getattr(user, "is_authenticated", False)
        and proposal.author_id is not None
        and proposal.author_id == user.pk
    )
    if is_owner:
        proposal = proposal_consent_withdraw(
            tracking_code=proposal.tracking_code,
            actor=user,
            reason=_("согласие отозвано автором из его учётной записи"),
            ip=ip,
        )
        return WithdrawalRequest(proposal=proposal, sent=False, done=True)
    too_many = _("Ссылка уже отправлена несколько раз. Проверьте почту или попробуйте через час.")
    rate_limit_hit(
        key=f"withdraw-proposal:{proposal.pk}",
        limit=PER_PROPOSAL_PER_HOUR,
        window=3600,
        message=too_many,
    )
    if ip:
        rate_limit_hit(key=f"withdraw-ip:{ip_hash(ip)}", limit=PER_ADDRESS_PER_HOUR, window=3600)
    if not author_email(proposal):
        raise Conflict(
            _(
                "Автор не оставил адрес электронной почты, поэтому подтвердить отзыв согласия по "
                "ссылке нельзя. Войдите в учётную запись, с которой подано предложение, или "
                "обратитесь к оператору персональных данных (контакты — в политике обработки)."
            ),
            code="no_email",
        )
    audit_log_write(
        actor=user if getattr(user, "is_authenticated", False) else None,
        action="proposal.consent.withdraw_requested",
        obj=proposal,
        reason=_("запрошено подтверждение отзыва согласия по электронной почте"),
        ip=ip,
    )
    author_notify(
        proposal=proposal,
        template="withdraw_confirm",
        extra={"confirm_url": withdrawal_confirm_url(proposal), "hours": LINK_MAX_AGE // 3600},
    )
    return WithdrawalRequest(proposal=proposal, sent=True, done=False)


def proposal_consent_withdraw_confirm(*, token: str, ip: str | None = None) -> Proposal:
    """Erase the author's personal data after he confirmed from the link in his e-mail."""
    if ip:
        rate_limit_hit(key=f"withdraw-confirm-ip:{ip_hash(ip)}", limit=30, window=3600)
    proposal = proposal_by_withdrawal_token(token)
    if proposal.withdrawn_at is not None:
        return proposal
    return proposal_consent_withdraw(
        tracking_code=proposal.tracking_code,
        actor=None,
        reason=_("согласие отозвано автором, подтверждено по ссылке из письма"),
        ip=ip,
    )
