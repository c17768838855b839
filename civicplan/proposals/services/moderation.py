"""Writes staff make: status changes, rejection, duplicates, corrections, classification, answers."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import (
    audit_log_write,
)
from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.core.pagecache import changes_public_pages
from civicplan.core.registry import event_emit
from civicplan.proposals.models import (
    PUBLIC_STATUSES,
    Comment,
    CommentComplaint,
    CommentStatus,
    OfficialAnswer,
    Proposal,
    ProposalEdit,
    ProposalPersonalData,
    ProposalStatus,
    RejectionReason,
    Support,
)
from civicplan.proposals.notifications import author_notify
from civicplan.proposals.services.record import _history
from civicplan.proposals.services.residents import (
    ANSWER_STATUSES,
    MODERATOR_ROLES,
    TRANSITIONS,
    _comments_recount,
    _lock,
    direction_resolve,
    municipality_resolve,
)
from civicplan.proposals.textcheck import text_clean, title_clean
from civicplan.strategy.models import Direction
from civicplan.territories.models import Municipality

# --- moderation -----------------------------------------------------------------------------


def moderator_check(*, actor: Any, proposal: Proposal) -> None:
    """Raise Forbidden unless `actor` moderates the proposal's municipality or region."""
    scope = user_scope(actor, MODERATOR_ROLES)
    if not scope.allows(
        region_id=proposal.campaign.region_id, municipality_id=proposal.municipality_id
    ):
        raise Forbidden(
            _("Это предложение модерирует другой муниципалитет или регион."), code="not_in_scope"
        )


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_status_set(
    *, proposal: Proposal, actor: Any, status: str, reason: str = "", notify: bool = True
) -> Proposal:
    """Move a proposal along its life: every change is recorded with who, when and why."""
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    if status not in ProposalStatus.values:
        raise InvalidInput(_("Неизвестный статус."), field="status", code="unknown_status")
    if status not in TRANSITIONS.get(proposal.status, ()):
        raise Conflict(
            _("Из статуса «%(a)s» нельзя перейти в «%(b)s».")
            % {"a": proposal.get_status_display(), "b": ProposalStatus(status).label},
            code="bad_transition",
        )
    if status == ProposalStatus.REJECTED:
        raise InvalidInput(
            _("Для отклонения укажите причину."), field="reason", code="reason_required"
        )
    now = timezone.now()
    before = proposal.status
    proposal.status = status
    if status == ProposalStatus.PUBLISHED and proposal.published_at is None:
        proposal.published_at = now
    if status == ProposalStatus.PUBLISHED:
        proposal.rejection_reason = ""
        proposal.rejection_note = ""
    proposal.save(
        update_fields=["status", "published_at", "rejection_reason", "rejection_note", "updated_at"]
    )
    default_reasons: dict[str, str] = {
        ProposalStatus.PUBLISHED: _("Предложение прошло модерацию и опубликовано."),
        ProposalStatus.UNDER_REVIEW: _("Предложение передано рабочей группе."),
    }
    _history(
        proposal, before, status, actor, reason.strip() or default_reasons.get(status, ""), now
    )
    if notify:
        author_notify(proposal=proposal, template="status", extra={"reason": reason})
    return proposal


@changes_public_pages(topics=("proposals",))
def proposal_publish(*, proposal: Proposal, actor: Any, reason: str = "") -> Proposal:
    return proposal_status_set(
        proposal=proposal, actor=actor, status=ProposalStatus.PUBLISHED, reason=reason
    )


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_reject(
    *, proposal: Proposal, actor: Any, reason_code: str, note: str = ""
) -> Proposal:
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    if reason_code not in RejectionReason.values:
        raise InvalidInput(
            _("Выберите причину отклонения из списка."), field="reason_code", code="reason_required"
        )
    note = (note or "").strip()
    if reason_code == RejectionReason.OTHER and not note:
        raise InvalidInput(_("Поясните причину отклонения."), field="note", code="note_required")
    if ProposalStatus.REJECTED not in TRANSITIONS.get(proposal.status, ()):
        raise Conflict(
            _("Предложение в статусе «%(a)s» нельзя отклонить.")
            % {"a": proposal.get_status_display()},
            code="bad_transition",
        )
    before = proposal.status
    proposal.status = ProposalStatus.REJECTED
    proposal.rejection_reason = reason_code
    proposal.rejection_note = note
    proposal.save(update_fields=["status", "rejection_reason", "rejection_note", "updated_at"])
    label = RejectionReason(reason_code).label
    reason = f"{label}. {note}".strip() if note else f"{label}."
    _history(proposal, before, ProposalStatus.REJECTED, actor, reason)
    author_notify(proposal=proposal, template="status", extra={"reason": reason})
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_mark_duplicate(
    *, proposal: Proposal, original: Proposal, actor: Any, note: str = ""
) -> Proposal:
    """Reject as a duplicate of `original`; its supports move to the original (once per person)."""
    proposal = _lock(proposal)
    original = _lock(original)
    moderator_check(actor=actor, proposal=proposal)
    if original.pk == proposal.pk or original.duplicate_of_id == proposal.pk:
        raise InvalidInput(
            _("Предложение не может быть дубликатом самого себя."),
            field="original",
            code="self_duplicate",
        )
    if original.campaign_id != proposal.campaign_id:
        raise InvalidInput(
            _("Исходное предложение должно быть из той же кампании."),
            field="original",
            code="other_campaign",
        )
    if original.status not in PUBLIC_STATUSES and original.status != ProposalStatus.NEW:
        raise InvalidInput(
            _("Исходное предложение отклонено или отозвано — выберите другое."),
            field="original",
            code="original_not_public",
        )
    already = Support.objects.filter(proposal=original).values_list("user_id", flat=True)
    Support.objects.filter(proposal=proposal, user_id__in=already).delete()
    moved = Support.objects.filter(proposal=proposal).update(proposal=original)
    for row in (proposal, original):
        row.supports_count = Support.objects.filter(proposal=row).count()
    Proposal.objects.filter(pk=original.pk).update(supports_count=original.supports_count)
    before = proposal.status
    proposal.status = ProposalStatus.REJECTED
    proposal.rejection_reason = RejectionReason.DUPLICATE
    proposal.rejection_note = (note or "").strip()
    proposal.duplicate_of = original
    proposal.save(
        update_fields=[
            "status",
            "rejection_reason",
            "rejection_note",
            "duplicate_of",
            "supports_count",
            "updated_at",
        ]
    )
    ProposalEdit.objects.create(
        proposal=proposal,
        kind=ProposalEdit.Kind.DUPLICATE,
        new_value=str(original.pk),
        reason=note,
        actor=actor,
    )
    reason = _("Повторяет предложение № %(pk)s; поддержки перенесены к нему (%(n)d).") % {
        "pk": original.pk,
        "n": moved,
    }
    _history(proposal, before, ProposalStatus.REJECTED, actor, reason)
    author_notify(proposal=proposal, template="status", extra={"reason": reason})
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_text_correct(
    *, proposal: Proposal, actor: Any, text: str, title: str | None = None, reason: str = ""
) -> Proposal:
    """Fix typos; the original wording stays in the history of edits."""
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    new_text = text_clean(text)
    new_title = proposal.title if title is None else title_clean(title)
    if new_text == proposal.text and new_title == proposal.title:
        return proposal
    ProposalEdit.objects.create(
        proposal=proposal,
        kind=ProposalEdit.Kind.TYPO,
        old_value=f"{proposal.title}\n\n{proposal.text}".strip(),
        new_value=f"{new_title}\n\n{new_text}".strip(),
        reason=reason or _("Исправлены опечатки."),
        actor=actor,
    )
    proposal.text, proposal.title = new_text, new_title
    proposal.save(update_fields=["text", "title", "updated_at"])
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_redact(*, proposal: Proposal, actor: Any, text: str, reason: str = "") -> Proposal:
    """Hide personal data that slipped into the text. The earlier wording is NOT kept: earlier
    typo corrections that still hold it are blanked too."""
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    new_text = text_clean(text)
    ProposalEdit.objects.filter(proposal=proposal, kind=ProposalEdit.Kind.TYPO).update(
        old_value=_("[скрыто: содержало персональные данные]"),
        new_value=_("[скрыто: содержало персональные данные]"),
    )
    ProposalEdit.objects.create(
        proposal=proposal,
        kind=ProposalEdit.Kind.REDACTION,
        reason=reason or _("Из текста удалены персональные данные."),
        actor=actor,
    )
    proposal.text = new_text
    proposal.save(update_fields=["text", "updated_at"])
    audit_log_write(actor=actor, action="proposal.redact", obj=proposal, reason=reason)
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_classify(
    *,
    proposal: Proposal,
    actor: Any,
    direction: Any = ...,
    municipality: Any = ...,
    reason: str = "",
) -> Proposal:
    """Set the direction («не знаю» → none) and/or the municipality; both changes recorded."""
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    fields = ["updated_at"]
    if direction is not ...:
        new = (
            direction
            if isinstance(direction, Direction) or direction is None
            else (direction_resolve(campaign=proposal.campaign, value=direction))
        )
        if new is not None and new.strategy_id != proposal.campaign.strategy_id:
            raise InvalidInput(_("Такого направления нет в стратегии."), field="direction")
        if new != proposal.direction:
            ProposalEdit.objects.create(
                proposal=proposal,
                kind=ProposalEdit.Kind.DIRECTION,
                old_value=str(proposal.direction or ""),
                new_value=str(new or ""),
                reason=reason,
                actor=actor,
            )
            proposal.direction = new
            fields.append("direction")
    if municipality is not ...:
        place = (
            municipality
            if isinstance(municipality, Municipality)
            else municipality_resolve(campaign=proposal.campaign, value=municipality)
        )
        if place.region_id != proposal.campaign.region_id:
            raise InvalidInput(
                _("Муниципальное образование из другого региона."), field="municipality"
            )
        if place != proposal.municipality:
            moderator_check(
                actor=actor, proposal=Proposal(campaign=proposal.campaign, municipality=place)
            )
            ProposalEdit.objects.create(
                proposal=proposal,
                kind=ProposalEdit.Kind.MUNICIPALITY,
                old_value=str(proposal.municipality or ""),
                new_value=str(place),
                reason=reason,
                actor=actor,
            )
            proposal.municipality = place
            fields.append("municipality")
    proposal.save(update_fields=fields)
    return proposal


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def proposal_answer(
    *,
    proposal: Proposal,
    actor: Any,
    text: str,
    organisation: str,
    status: str,
    signed_by: str = "",
) -> OfficialAnswer:
    """Give the official answer; the proposal moves to the decided status."""
    proposal = _lock(proposal)
    moderator_check(actor=actor, proposal=proposal)
    body = (text or "").strip()
    if len(body) < 20:
        raise InvalidInput(
            _("Напишите ответ по существу — не короче 20 символов."),
            field="text",
            code="text_too_short",
        )
    if len(body) > 10000:
        raise InvalidInput(_("Ответ слишком длинный."), field="text", code="text_too_long")
    organisation = (organisation or "").strip()
    if not organisation:
        raise InvalidInput(
            _("Укажите, кто отвечает (орган власти или рабочая группа)."),
            field="organisation",
            code="required",
        )
    allowed = (
        *ANSWER_STATUSES,
        ProposalStatus.UNDER_REVIEW,
        ProposalStatus.IMPLEMENTING,
        ProposalStatus.IMPLEMENTED,
    )
    if status not in allowed:
        raise InvalidInput(
            _("Выберите решение по предложению."), field="status", code="status_required"
        )
    if status != proposal.status and status not in TRANSITIONS.get(proposal.status, ()):
        raise Conflict(
            _("Из статуса «%(a)s» нельзя перейти в «%(b)s».")
            % {"a": proposal.get_status_display(), "b": ProposalStatus(status).label},
            code="bad_transition",
        )
    now = timezone.now()
    answer = OfficialAnswer.objects.create(
        proposal=proposal,
        text=body,
        organisation=organisation[:255],
        signed_by=(signed_by or "").strip()[:255],
        status=status,
        author=actor if getattr(actor, "pk", None) else None,
        created_at=now,
    )
    before = proposal.status
    proposal.status = status
    proposal.answered_at = proposal.answered_at or now
    proposal.save(update_fields=["status", "answered_at", "updated_at"])
    if before != status:
        _history(
            proposal,
            before,
            status,
            actor,
            _("Дан официальный ответ: %(org)s.") % {"org": organisation},
            now,
        )
    author_notify(proposal=proposal, template="answer", extra={"answer": answer})
    event_emit("proposal.answered", proposal=proposal, answer=answer)
    return answer


def personal_data_read(
    *, proposal: Proposal, actor: Any, ip: str | None = None, purpose: str = ""
) -> ProposalPersonalData | None:
    """The author's personal data for a moderator in scope; every read goes to the audit log."""
    moderator_check(actor=actor, proposal=proposal)
    data = (
        ProposalPersonalData.objects.filter(proposal=proposal)
        .select_related("consent__policy")
        .first()
    )
    audit_log_write(
        actor=actor,
        action="proposal.personal_data.read",
        obj=data or proposal,
        reason=purpose or _("просмотр на странице модерации"),
        details={"proposal": proposal.pk},
        ip=ip,
    )
    return data


@changes_public_pages(topics=("proposals",))
@transaction.atomic
def comment_moderate(*, comment: Comment, actor: Any, publish: bool) -> Comment:
    comment = (
        Comment.objects.select_for_update().select_related("proposal__campaign").get(pk=comment.pk)
    )
    moderator_check(actor=actor, proposal=comment.proposal)
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderated_at = timezone.now()
    comment.moderated_by = actor
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    CommentComplaint.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=comment.moderated_at
    )
    _comments_recount(comment.proposal)
    if publish:
        event_emit("proposal.comment_published", comment=comment)
    return comment
