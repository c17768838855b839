"""Writes residents make: submitting a proposal, supporting, commenting, personal data."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Sequence
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role
from civicplan.accounts.names import display_name_clean
from civicplan.accounts.services import (
    audit_log_write,
    consent_record_create,
    consent_withdraw,
    ip_hash,
    policy_current,
)
from civicplan.campaigns.models import Campaign, Phase
from civicplan.campaigns.selectors import campaign_accepts_proposals, phase_current
from civicplan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from civicplan.core.pagecache import changes_public_pages
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.core.registry import event_emit
from civicplan.core.uploads import IMAGES_AND_PDF, MB, upload_check
from civicplan.proposals.models import (
    PUBLIC_STATUSES,
    AgeGroup,
    Attachment,
    Comment,
    CommentComplaint,
    CommentStatus,
    Proposal,
    ProposalChannel,
    ProposalPersonalData,
    ProposalStatus,
    Support,
)
from civicplan.proposals.notifications import author_notify
from civicplan.proposals.services.record import AuthorData, proposal_record
from civicplan.proposals.textcheck import text_clean, text_fingerprint, title_clean
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality

MODERATOR_ROLES = (Role.MUNICIPAL_MODERATOR, Role.REGIONAL_MODERATOR)
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = 10 * MB
DUPLICATE_WINDOW = 10 * 60  # seconds in which the same text from the same sender is refused
COMMENT_MAX = 2000
COMPLAINTS_TO_HIDE = 3

# Which status may follow which; moderators and the working group move along these.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProposalStatus.NEW: (ProposalStatus.PUBLISHED, ProposalStatus.REJECTED),
    ProposalStatus.PUBLISHED: (
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.ACCEPTED,
        ProposalStatus.NOT_ACCEPTED,
        ProposalStatus.REJECTED,
    ),
    ProposalStatus.REJECTED: (ProposalStatus.PUBLISHED,),
    ProposalStatus.UNDER_REVIEW: (ProposalStatus.ACCEPTED, ProposalStatus.NOT_ACCEPTED),
    ProposalStatus.ACCEPTED: (ProposalStatus.IMPLEMENTING, ProposalStatus.NOT_ACCEPTED),
    ProposalStatus.NOT_ACCEPTED: (ProposalStatus.UNDER_REVIEW,),
    ProposalStatus.IMPLEMENTING: (ProposalStatus.IMPLEMENTED,),
    ProposalStatus.IMPLEMENTED: (),
    ProposalStatus.WITHDRAWN: (),
}
ANSWER_STATUSES = (ProposalStatus.ACCEPTED, ProposalStatus.NOT_ACCEPTED)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# --- resolving what a form or the API sent --------------------------------------------------


def municipality_resolve(*, campaign: Campaign, value: Any) -> Municipality:
    """A municipality of the campaign's region by OKTMO, id or exact name; else InvalidInput."""
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(
            _("Выберите муниципальное образование."), field="municipality", code="required"
        )
    qs = Municipality.objects.filter(region_id=campaign.region_id)
    found = None
    if text.isdigit():
        found = qs.filter(oktmo=text).first() if len(text) == 11 else qs.filter(pk=text).first()
    if found is None:
        found = qs.filter(Q(name__iexact=text) | Q(short_name__iexact=text)).first()
    if found is None:
        raise InvalidInput(
            _("Муниципальное образование «%(value)s» не найдено в регионе «%(region)s».")
            % {"value": text[:100], "region": campaign.region.name},
            field="municipality",
            code="unknown_municipality",
        )
    return found


def direction_resolve(*, campaign: Campaign, value: Any) -> Direction | None:
    """A direction of the campaign's strategy by id or slug; empty or «не знаю» gives None."""
    text = str(value or "").strip()
    if not text or text == "unknown":
        return None
    qs = Direction.objects.filter(strategy_id=campaign.strategy_id or 0)
    found = qs.filter(pk=text).first() if text.isdigit() else None
    found = found or qs.filter(slug=text).first() or qs.filter(title__iexact=text).first()
    if found is None:
        raise InvalidInput(
            _("Такого направления нет в стратегии."), field="direction", code="unknown_direction"
        )
    return found


def _phase_check(*, campaign: Campaign, phase_id: Any) -> Phase:
    phase = campaign_accepts_proposals(campaign)
    if phase is None:
        raise Forbidden(
            _("Приём предложений в кампании «%(c)s» сейчас закрыт.") % {"c": campaign.title},
            code="phase_closed",
        )
    if phase_id not in (None, "") and str(phase_id) != str(phase.pk):
        raise InvalidInput(
            _(
                "Форма отправлена для другого этапа кампании. Обновите страницу и отправьте предложение ещё раз."
            ),
            field="phase",
            code="phase_mismatch",
        )
    return phase


def author_data_clean(
    *, name: str = "", email: str = "", phone: str = "", age_group: str = "", show_name: bool
) -> AuthorData:
    data = AuthorData(
        name=" ".join((name or "").split())[:150],
        email=(email or "").strip().lower(),
        phone=" ".join((phone or "").split()),
        age_group=(age_group or "").strip(),
        show_name=bool(show_name),
    )
    if not data.name:
        raise InvalidInput(_("Укажите, как к вам обращаться."), field="name", code="required")
    if data.email:
        try:
            validate_email(data.email)
        except Exception as exc:
            raise InvalidInput(
                _("Проверьте адрес электронной почты."), field="email", code="invalid_email"
            ) from exc
    if data.phone:
        digits = "".join(ch for ch in data.phone if ch.isdigit())
        if not 10 <= len(digits) <= 15 or len(data.phone) > 32:
            raise InvalidInput(
                _("Проверьте номер телефона: нужно от 10 до 15 цифр."),
                field="phone",
                code="invalid_phone",
            )
    if not data.email and not data.phone:
        raise InvalidInput(
            _("Оставьте электронную почту или телефон, чтобы мы могли ответить."),
            field="email",
            code="contact_required",
        )
    if data.age_group and data.age_group not in AgeGroup.values:
        raise InvalidInput(
            _("Выберите возрастную группу из списка."), field="age_group", code="invalid"
        )
    return data


def _attachments_check(files: Sequence[IO[bytes]]) -> list[tuple[IO[bytes], Any]]:
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            _("Можно приложить не больше %(n)d файлов.") % {"n": MAX_ATTACHMENTS},
            field="attachments",
            code="too_many_files",
        )
    checked = []
    for upload in files:
        try:
            kind = upload_check(upload, allowed=IMAGES_AND_PDF, max_bytes=ATTACHMENT_MAX_BYTES)
        except InvalidInput as exc:
            exc.field = "attachments"
            raise
        checked.append((upload, kind))
    return checked


# --- submitting -----------------------------------------------------------------------------


def proposal_submit(
    *,
    campaign: Campaign,
    text: str,
    municipality: Any,
    author: AuthorData,
    consent_given: bool,
    title: str = "",
    direction: Any = None,
    phase_id: Any = None,
    ip: str | None = None,
    user_agent: str = "",
    user: Any = None,
    attachments: Sequence[IO[bytes]] = (),
    channel: str = ProposalChannel.WEBSITE,
) -> Proposal:
    """Accept a resident's proposal. Everything is checked before anything is written."""
    phase = _phase_check(campaign=campaign, phase_id=phase_id)
    clean_text = text_clean(text)
    clean_title = title_clean(title)
    place = municipality_resolve(campaign=campaign, value=municipality)
    chosen_direction = direction_resolve(campaign=campaign, value=direction)
    if not consent_given:
        raise InvalidInput(
            _("Без согласия на обработку персональных данных мы не можем принять предложение."),
            field="consent",
            code="consent_required",
        )
    policy = policy_current(kind="personal-data")
    checked = _attachments_check(attachments)

    sender = ip_hash(ip)
    fingerprint = text_fingerprint(clean_text, place.oktmo, author.email or author.phone or sender)
    since = timezone.now() - datetime.timedelta(seconds=DUPLICATE_WINDOW)
    # The cache key closes the race of two identical requests arriving in the same second.
    if not cache.add(f"proposal-submit:{fingerprint}", 1, timeout=DUPLICATE_WINDOW) or (
        Proposal.objects.filter(content_hash=fingerprint, created_at__gte=since).exists()
    ):
        raise Conflict(
            _(
                "Такое предложение от вас уже получено. Его код отслеживания пришёл на почту и показан на странице подтверждения."
            ),
            code="duplicate_submission",
        )
    try:
        if sender:
            rate_limit_hit(
                key=f"proposal-ip:{sender}",
                limit=_setting("PROPOSALS_RATE_PER_IP", 10),
                window=3600,
                message=_(
                    "С вашего адреса отправлено слишком много предложений за час. Попробуйте позже."
                ),
            )
        if author.email:
            rate_limit_hit(
                key=f"proposal-email:{ip_hash(author.email)}",
                limit=_setting("PROPOSALS_RATE_PER_EMAIL", 5),
                window=3600,
                message=_(
                    "С этой электронной почты отправлено слишком много предложений за час. Попробуйте позже."
                ),
            )
        return _proposal_store(
            campaign=campaign,
            phase=phase,
            text=clean_text,
            title=clean_title,
            municipality=place,
            direction=chosen_direction,
            author=author,
            policy=policy,
            ip=ip,
            user_agent=user_agent,
            user=user,
            attachments=checked,
            channel=channel,
            fingerprint=fingerprint,
        )
    except Exception:
        cache.delete(f"proposal-submit:{fingerprint}")
        raise


def _proposal_store(
    *,
    campaign: Campaign,
    phase: Phase,
    text: str,
    title: str,
    municipality: Municipality,
    direction: Direction | None,
    author: AuthorData,
    policy: Any,
    ip: str | None,
    user_agent: str,
    user: Any,
    attachments: list[tuple[IO[bytes], Any]],
    channel: str,
    fingerprint: str,
) -> Proposal:
    saved: list[Attachment] = []
    try:
        with transaction.atomic():
            now = timezone.now()
            consent = consent_record_create(policy=policy, ip=ip, user_agent=user_agent, user=user)
            proposal = proposal_record(
                campaign=campaign,
                channel=channel,
                text=text,
                municipality=municipality,
                phase=phase,
                direction=direction,
                title=title,
                user=user,
                author=author,
                consent=consent,
                author_display_name=display_name_clean(author.name) if author.show_name else "",
                created_at=now,
                fingerprint=fingerprint,
            )
            for upload, kind in attachments:
                name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
                attachment = Attachment(
                    proposal=proposal,
                    original_name=name or f"file.{kind.extension}",
                    content_type=kind.content_type,
                    size=getattr(upload, "size", 0) or 0,
                )
                upload.seek(0)
                attachment.file.save(
                    f"{secrets.token_hex(8)}.{kind.extension}", File(upload), save=False
                )
                saved.append(attachment)
                attachment.save()
            author_notify(proposal=proposal, template="received")
    except Exception:
        for attachment in saved:
            attachment.file.delete(save=False)
        raise
    return proposal


# --- personal data --------------------------------------------------------------------------


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_consent_withdraw(
    *, tracking_code: str, actor: Any = None, reason: str = "", ip: str | None = None
) -> Proposal:
    """Erase the author's personal data and attachments; the proposal stays, anonymous.

    Irreversible: callers confirm the author first (`withdrawal.py`: a link from his e-mail
    or his own account); the tracking code alone is not a confirmation."""
    proposal = Proposal.objects.select_for_update().filter(tracking_code=tracking_code).first()
    if proposal is None:
        raise NotFound(_("Предложение с таким кодом не найдено."), code="not_found")
    data = ProposalPersonalData.objects.filter(proposal=proposal).select_related("consent").first()
    if proposal.withdrawn_at is not None:
        return proposal
    now = timezone.now()
    if data is not None:
        if data.consent is not None:
            consent_withdraw(consent=data.consent)
        data.name = data.email = data.phone = data.age_group = ""
        data.show_name = False
        data.erased_at = now
        data.save()
    from civicplan.proposals.services.personal_data import attachments_erase

    attachments_erase(proposal.attachments.all())
    proposal.author = None
    proposal.author_display_name = ""
    proposal.withdrawn_at = now
    proposal.save(update_fields=["author", "author_display_name", "withdrawn_at", "updated_at"])
    audit_log_write(
        actor=actor,
        action="proposal.consent.withdraw",
        obj=proposal,
        reason=reason or _("согласие отозвано автором"),
        ip=ip,
    )
    event_emit("proposal.consent_withdrawn", proposal=proposal)
    return proposal


# --- supports and comments ------------------------------------------------------------------


def _resident_check(user: Any, what: str) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(
            _("Чтобы %(what)s, войдите на сайт.") % {"what": what}, code="login_required"
        )
    if not getattr(user, "email_confirmed", False):
        raise Forbidden(
            _("Чтобы %(what)s, подтвердите электронную почту по ссылке из письма.")
            % {"what": what},
            code="email_unconfirmed",
        )


def _phase_allows(campaign: Campaign, flag: str) -> bool:
    phase = phase_current(campaign)
    return bool(phase and getattr(phase, flag))


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def support_add(*, proposal: Proposal, user: Any) -> Proposal:
    _resident_check(user, _("поддержать предложение"))
    proposal = _lock(proposal)
    if proposal.status not in PUBLIC_STATUSES:
        raise Conflict(_("Поддержать можно только опубликованное предложение."), code="not_public")
    if not _phase_allows(proposal.campaign, "accepts_supports"):
        raise Forbidden(_("Сейчас этап, на котором поддержка не собирается."), code="phase_closed")
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
    except IntegrityError as exc:
        raise Conflict(_("Вы уже поддержали это предложение."), code="already_supported") from exc
    Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") + 1)
    proposal.refresh_from_db(fields=["supports_count"])
    event_emit("proposal.supported", proposal=proposal, user=user)
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def support_remove(*, proposal: Proposal, user: Any) -> Proposal:
    _resident_check(user, _("отозвать поддержку"))
    proposal = _lock(proposal)
    deleted, _detail = Support.objects.filter(proposal=proposal, user=user).delete()
    if deleted:
        Proposal.objects.filter(pk=proposal.pk).update(supports_count=F("supports_count") - 1)
        proposal.refresh_from_db(fields=["supports_count"])
    return proposal


def _comments_recount(proposal: Proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(
        comments_count=Comment.objects.filter(
            proposal=proposal, status=CommentStatus.PUBLISHED
        ).count()
    )


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def comment_add(*, proposal: Proposal, user: Any, text: str) -> Comment:
    _resident_check(user, _("оставить комментарий"))
    if proposal.status not in PUBLIC_STATUSES:
        raise Conflict(_("Обсуждать можно только опубликованное предложение."), code="not_public")
    if not _phase_allows(proposal.campaign, "accepts_comments"):
        raise Forbidden(
            _("Сейчас этап, на котором комментарии не принимаются."), code="phase_closed"
        )
    body = (text or "").replace("\x00", "").strip()
    if len(body) < 2:
        raise InvalidInput(_("Напишите комментарий."), field="text", code="text_empty")
    if len(body) > COMMENT_MAX:
        raise InvalidInput(
            _("Комментарий слишком длинный: допустимо не больше %(max)d символов.")
            % {"max": COMMENT_MAX},
            field="text",
            code="text_too_long",
        )
    rate_limit_hit(
        key=f"comment-user:{user.pk}",
        limit=_setting("PROPOSALS_COMMENTS_PER_HOUR", 20),
        window=3600,
    )
    premoderated = proposal.campaign.comments_premoderated
    comment = Comment.objects.create(
        proposal=proposal,
        author=user,
        author_display_name=user.public_name,
        text=body,
        status=CommentStatus.PENDING if premoderated else CommentStatus.PUBLISHED,
    )
    if not premoderated:
        _comments_recount(proposal)
        event_emit("proposal.comment_published", comment=comment)
    return comment


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def comment_complain(*, comment: Comment, user: Any, reason: str = "") -> Comment:
    """«Пожаловаться»: enough complaints hide a comment until a moderator looks at it."""
    _resident_check(user, _("пожаловаться"))
    comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
    if comment.status != CommentStatus.PUBLISHED:
        raise Conflict(_("Этот комментарий уже скрыт."), code="not_public")
    try:
        with transaction.atomic():
            CommentComplaint.objects.create(comment=comment, user=user, reason=(reason or "")[:255])
    except IntegrityError as exc:
        raise Conflict(
            _("Вы уже пожаловались на этот комментарий."), code="already_complained"
        ) from exc
    comment.complaints_count += 1
    fields = ["complaints_count"]
    if comment.complaints_count >= COMPLAINTS_TO_HIDE:
        comment.status = CommentStatus.HIDDEN
        fields.append("status")
    comment.save(update_fields=fields)
    if comment.status == CommentStatus.HIDDEN:
        _comments_recount(comment.proposal)
    return comment


def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().select_related("campaign").get(pk=proposal.pk)
