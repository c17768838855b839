"""Writes residents and moderators make on the draft's comments: submitting a comment or an
amendment, supporting one, moderating, reading the author's personal data.

The same rules as proposals: 152-FZ consent recorded through accounts, personal data in its
own row, rate limits per address and per e-mail, moderation by the region's moderators."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role
from civicplan.accounts.names import display_name_clean
from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import (
    audit_log_write,
    consent_record_create,
    ip_hash,
    policy_current,
)
from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.drafts.models import (
    AuthorKind,
    CommentKind,
    DraftComment,
    DraftCommentPersonalData,
    DraftCommentSupport,
    DraftParagraph,
    ModerationStatus,
    VersionStatus,
)
from civicplan.proposals.services import AuthorData

logger = logging.getLogger(__name__)

MODERATOR_ROLES = (Role.REGIONAL_MODERATOR,)
BODY_MIN = 10
BODY_MAX = 5000
ORGANISATION_KINDS = (AuthorKind.BUSINESS, AuthorKind.NGO, AuthorKind.MUNICIPALITY)
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[A-Za-zА-Яа-яЁё]")


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def date_ru(day: Any) -> str:
    return dateformat.format(day, "j E Y")


def paragraph_accepts_comments(paragraph: DraftParagraph) -> None:
    """Raise Conflict with the dates unless the paragraph's version is open for comments."""
    version = paragraph.version
    today = timezone.localdate()
    if version.status == VersionStatus.DRAFT:
        raise Conflict(_("Эта редакция ещё не опубликована для обсуждения."), code="not_published")
    if version.discussion_opens and today < version.discussion_opens:
        raise Conflict(
            _("Обсуждение начнётся %(d)s: замечания принимаются с этого дня.")
            % {"d": date_ru(version.discussion_opens)},
            code="not_open_yet",
        )
    closes = version.discussion_closes
    if version.status == VersionStatus.CLOSED or (closes and today > closes):
        if closes:
            message = _(
                "Обсуждение этой редакции завершилось %(d)s: замечания и поправки больше не принимаются."
            ) % {"d": date_ru(closes)}
        else:
            message = _("Обсуждение этой редакции завершено: замечания больше не принимаются.")
        raise Conflict(message, code="discussion_closed")


def _text(value: str | None, *, field: str, what: str) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        return ""
    if len(text) > BODY_MAX:
        raise InvalidInput(
            _("Текст слишком длинный: %(n)d символов, допустимо не больше %(max)d.")
            % {"n": len(text), "max": BODY_MAX},
            field=field,
            code="too_long",
        )
    if not _LETTER.search(text):
        raise InvalidInput(
            _("В поле «%(what)s» нет слов — напишите его словами.") % {"what": what},
            field=field,
            code="no_words",
        )
    return text


def passage_locate(
    text: str, *, passage: str = "", start: int | None = None, end: int | None = None
) -> tuple[str, int | None, int | None]:
    """The quoted passage and its offsets in the paragraph's text.

    Offsets come from a selection (mouse, touch or keyboard in the paragraph's text field);
    without them the typed or pasted passage is looked up in the text."""
    wanted = _SPACE.sub(" ", passage or "").strip()
    if start is not None and end is not None and 0 <= start < end <= len(text):
        chosen = text[start:end]
        if not wanted or _SPACE.sub(" ", chosen).strip() == wanted:
            # Trim the spaces a selection by words tends to grab.
            left = len(chosen) - len(chosen.lstrip())
            right = len(chosen) - len(chosen.rstrip())
            return chosen.strip(), start + left, end - right
    if not wanted:
        return "", None, None
    pattern = r"\s+".join(re.escape(w) for w in wanted.split(" "))
    found = re.search(pattern, text, flags=re.IGNORECASE)
    if found is None:
        raise InvalidInput(
            _(
                "Выбранный фрагмент не найден в тексте пункта. Выделите его в тексте пункта или скопируйте точно."
            ),
            field="passage",
            code="passage_not_found",
        )
    return text[found.start() : found.end()], found.start(), found.end()


@dataclass(frozen=True)
class CommentInput:
    kind: str
    body: str = ""
    proposed_text: str = ""
    passage: str = ""
    passage_start: int | None = None
    passage_end: int | None = None
    author_kind: str = AuthorKind.RESIDENT
    organisation: str = ""


def comment_input_clean(paragraph: DraftParagraph, data: CommentInput) -> CommentInput:
    if data.kind not in CommentKind.values:
        raise InvalidInput(_("Выберите: замечание или поправка."), field="kind", code="kind")
    if data.author_kind not in AuthorKind.values:
        raise InvalidInput(
            _("Выберите, от чьего имени вы пишете."), field="author_kind", code="author_kind"
        )
    body = _text(data.body, field="body", what=_("Замечание"))
    proposed = _text(data.proposed_text, field="proposed_text", what=_("Предлагаемая редакция"))
    if data.kind == CommentKind.AMENDMENT:
        if not proposed:
            raise InvalidInput(
                _("Напишите, как, по-вашему, должен звучать текст: это поправка."),
                field="proposed_text",
                code="proposed_empty",
            )
        if _SPACE.sub(" ", proposed) == _SPACE.sub(" ", paragraph.text).strip():
            raise InvalidInput(
                _("Предлагаемая редакция совпадает с текстом пункта — измените её."),
                field="proposed_text",
                code="proposed_same",
            )
    else:
        proposed = ""
        if not body:
            raise InvalidInput(
                _("Напишите замечание: пустое замечание не отправить."),
                field="body",
                code="body_empty",
            )
        if len(body) < BODY_MIN:
            raise InvalidInput(
                _("Замечание слишком короткое: хотя бы %(n)d символов.") % {"n": BODY_MIN},
                field="body",
                code="body_short",
            )
    organisation = " ".join((data.organisation or "").split())[:300]
    if data.author_kind in ORGANISATION_KINDS and not organisation:
        raise InvalidInput(
            _("Укажите название организации или муниципального образования."),
            field="organisation",
            code="organisation_required",
        )
    passage, start, end = passage_locate(
        paragraph.text, passage=data.passage, start=data.passage_start, end=data.passage_end
    )
    return CommentInput(
        kind=data.kind,
        body=body,
        proposed_text=proposed,
        passage=passage,
        passage_start=start,
        passage_end=end,
        author_kind=data.author_kind,
        organisation=organisation,
    )


def fate_url(comment: DraftComment) -> str:
    base = str(getattr(settings, "SITE_URL", "")).rstrip("/")
    return base + reverse("drafts:fate", args=[comment.tracking_token])


def _confirm(comment: DraftComment, email: str) -> None:
    def _send() -> None:
        context = {"comment": comment, "fate_url": fate_url(comment)}
        rendered = render_to_string("drafts/email/received.txt", context).strip()
        subject, _sep, body = rendered.partition("\n")
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, [email])
        except OSError:
            logger.exception("Could not send the confirmation of draft comment %s", comment.pk)

    if email:
        transaction.on_commit(_send)


def comment_submit(
    *,
    paragraph: DraftParagraph,
    data: CommentInput,
    author: AuthorData,
    consent_given: bool,
    ip: str | None = None,
    user_agent: str = "",
    user: Any = None,
) -> DraftComment:
    """Accept a comment or an amendment on a paragraph; everything is checked first, nothing
    is half-saved. The comment waits for moderation; the author gets a letter with the link
    to the page where its fate is shown."""
    paragraph = DraftParagraph.objects.select_related("version__draft__strategy").get(
        pk=paragraph.pk
    )
    paragraph_accepts_comments(paragraph)
    clean = comment_input_clean(paragraph, data)
    if not consent_given:
        raise InvalidInput(
            _("Без согласия на обработку персональных данных мы не можем принять замечание."),
            field="consent",
            code="consent_required",
        )
    policy = policy_current(kind="personal-data")
    signed_in = user if getattr(user, "is_authenticated", False) else None
    same_author = Q(pk__in=[])
    if signed_in is not None:
        same_author |= Q(user=signed_in)
    if author.email:
        same_author |= Q(personal_data__email__iexact=author.email)
    if author.phone:
        same_author |= Q(personal_data__phone=author.phone)
    if DraftComment.objects.filter(
        same_author,
        paragraph__lineage=paragraph.lineage,
        paragraph__version__draft=paragraph.version.draft,
        body=clean.body,
        proposed_text=clean.proposed_text,
    ).exists():
        raise Conflict(
            _(
                "Вы уже отправили такое же замечание к пункту %(n)s. Повторять его не нужно: оно учтено один раз."
            )
            % {"n": paragraph.number},
            code="duplicate_comment",
        )
    sender = ip_hash(ip)
    if sender:
        rate_limit_hit(
            key=f"draft-comment-ip:{sender}",
            limit=_setting("DRAFTS_RATE_PER_IP", 30),
            window=3600,
            message=_(
                "С вашего адреса отправлено слишком много замечаний за час. Попробуйте позже."
            ),
        )
    if author.email:
        rate_limit_hit(
            key=f"draft-comment-email:{ip_hash(author.email)}",
            limit=_setting("DRAFTS_RATE_PER_EMAIL", 20),
            window=3600,
            message=_(
                "С этой электронной почты отправлено слишком много замечаний за час. Попробуйте позже."
            ),
        )
    with transaction.atomic():
        consent = consent_record_create(policy=policy, ip=ip, user_agent=user_agent, user=signed_in)
        comment = DraftComment.objects.create(
            paragraph=paragraph,
            kind=clean.kind,
            passage=clean.passage,
            passage_start=clean.passage_start,
            passage_end=clean.passage_end,
            body=clean.body,
            proposed_text=clean.proposed_text,
            author_kind=clean.author_kind,
            organisation=clean.organisation,
            author_display_name=display_name_clean(author.name) if author.show_name else "",
            user=signed_in,
        )
        DraftCommentPersonalData.objects.create(
            comment=comment,
            name=author.name,
            email=author.email,
            phone=author.phone,
            consent=consent,
        )
        _confirm(comment, author.email)
    return comment


# --- supports -------------------------------------------------------------------------------


@transaction.atomic
def comment_support(
    *, comment: DraftComment, user: Any = None, visitor: str = "", ip: str | None = None
) -> DraftComment:
    """«Поддерживаю» from a signed-in user or, for a visitor, by a hashed key; once each.
    A visitor's key lives in his session, so supports are also limited per address."""
    comment = (
        DraftComment.objects.select_for_update()
        .select_related("paragraph__version")
        .get(pk=comment.pk)
    )
    if comment.status != ModerationStatus.PUBLISHED:
        raise Conflict(_("Поддержать можно только опубликованное замечание."), code="not_public")
    paragraph_accepts_comments(comment.paragraph)
    signed_in = user if getattr(user, "is_authenticated", False) else None
    if signed_in is None and not visitor:
        raise Forbidden(_("Чтобы поддержать замечание, включите cookies или войдите."))
    if signed_in is not None and comment.user_id == signed_in.pk:
        raise Conflict(_("Своё замечание поддерживать не нужно."), code="own_comment")
    if ip:
        rate_limit_hit(
            key=f"draft-support-ip:{ip_hash(ip)}",
            limit=_setting("DRAFTS_SUPPORTS_PER_IP", 60),
            window=3600,
            message=_("С вашего адреса слишком много поддержек за час. Попробуйте позже."),
        )
    try:
        with transaction.atomic():
            DraftCommentSupport.objects.create(
                comment=comment,
                user=signed_in,
                visitor_hash="" if signed_in else ip_hash(visitor),
            )
    except IntegrityError as exc:
        raise Conflict(_("Вы уже поддержали это замечание."), code="already_supported") from exc
    DraftComment.objects.filter(pk=comment.pk).update(support_count=F("support_count") + 1)
    comment.refresh_from_db(fields=["support_count"])
    return comment


# --- moderation -----------------------------------------------------------------------------


def moderator_scope_allows(*, actor: Any, comment: DraftComment) -> bool:
    scope = user_scope(actor, MODERATOR_ROLES)
    return scope.allows(
        region_id=comment.paragraph.version.draft.strategy.region_id, municipality_id=None
    )


def moderator_check(*, actor: Any, comment: DraftComment) -> None:
    if not moderator_scope_allows(actor=actor, comment=comment):
        raise Forbidden(
            _("Замечания к этому проекту модерируют модераторы его региона."), code="not_in_scope"
        )


@transaction.atomic
def comment_moderate(
    *, comment: DraftComment, actor: Any, publish: bool, reason: str = ""
) -> DraftComment:
    comment = (
        DraftComment.objects.select_for_update()
        .select_related("paragraph__version__draft__strategy")
        .get(pk=comment.pk)
    )
    moderator_check(actor=actor, comment=comment)
    reason = " ".join((reason or "").split())[:500]
    if not publish and not reason:
        raise InvalidInput(
            _("Укажите причину отклонения: её увидит автор."), field="reason", code="required"
        )
    comment.status = ModerationStatus.PUBLISHED if publish else ModerationStatus.REJECTED
    comment.rejection_reason = "" if publish else reason
    comment.moderated_at = timezone.now()
    comment.moderated_by = actor
    comment.save(update_fields=["status", "rejection_reason", "moderated_at", "moderated_by"])
    return comment


def personal_data_read(
    *, comment: DraftComment, actor: Any, ip: str | None = None
) -> DraftCommentPersonalData | None:
    """The author's personal data for a moderator in scope; every read goes to the audit log."""
    moderator_check(actor=actor, comment=comment)
    data = DraftCommentPersonalData.objects.filter(comment=comment).first()
    audit_log_write(
        actor=actor,
        action="drafts.comment.personal_data.read",
        obj=data or comment,
        reason=_("просмотр на странице модерации замечаний к проекту"),
        details={"comment": comment.pk},
        ip=ip,
    )
    return data
