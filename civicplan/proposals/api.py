"""API of the proposals app: the public list, submission, supports, and moderation for staff.

Staff endpoints take a personal API token (`Authorization: Bearer …`, scope
`proposals:moderate`; personal data also need `personal_data:read`) or the site session.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from civicplan.accounts.auth import api_auth, require_scope
from civicplan.accounts.scopes import (
    PERSONAL_DATA_READ,
    PROPOSALS_MODERATE,
    PROPOSALS_PARTICIPATE,
)
from civicplan.accounts.services import client_ip
from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_current
from civicplan.core.api import ErrorOut
from civicplan.core.errors import InvalidInput, NotFound
from civicplan.core.http import api_user
from civicplan.core.i18n import gettext_lazy
from civicplan.proposals.api_schemas import (
    ERRORS,
    STAFF_ERRORS,
    AnswerIn,
    ClassifyIn,
    CommentIn,
    CommentOut,
    CorrectIn,
    DashboardOut,
    DuplicateIn,
    PersonalDataOut,
    ProposalCreatedOut,
    ProposalDetailOut,
    ProposalIn,
    ProposalListFilter,
    ProposalOut,
    ReasonIn,
    RedactIn,
    RejectIn,
    StaffProposalOut,
    StatusIn,
    SupportOut,
    TrackOut,
    WithdrawConfirmIn,
    WithdrawRequestOut,
)
from civicplan.proposals.models import Proposal, ProposalChannel, ProposalStatus
from civicplan.proposals.selectors import (
    ProposalFilters,
    moderation_dashboard,
    moderation_queue,
    proposal_by_tracking,
    proposal_comments,
    proposal_for_staff,
    proposal_public_get,
    proposal_public_list,
)
from civicplan.proposals.services import (
    author_data_clean,
    comment_add,
    personal_data_read,
    proposal_answer,
    proposal_classify,
    proposal_mark_duplicate,
    proposal_redact,
    proposal_reject,
    proposal_status_set,
    proposal_submit,
    proposal_text_correct,
    support_add,
    support_remove,
)
from civicplan.proposals.withdrawal import (
    proposal_consent_withdraw_confirm,
    proposal_consent_withdraw_request,
)

router = Router(tags=["proposals"])


def _detail(proposal: Proposal) -> Proposal:
    """The proposal with its history and answers attached for ProposalDetailOut."""
    proposal.history = list(proposal.status_changes.all())  # type: ignore[attr-defined]
    proposal.answer_list = list(proposal.answers.all())  # type: ignore[attr-defined]
    return proposal


def _staff_row(proposal: Proposal) -> Proposal:
    proposal.overdue = proposal.is_overdue()  # type: ignore[attr-defined]
    return proposal


@router.get("/", response=list[ProposalOut], summary=gettext_lazy("Опубликованные предложения"))
@paginate(PageNumberPagination, page_size=20)
def proposal_list(request: HttpRequest, filters: Query[ProposalListFilter]) -> Any:
    return proposal_public_list(ProposalFilters(**filters.dict()))


@router.post(
    "/",
    response={201: ProposalCreatedOut, **ERRORS},
    summary=gettext_lazy("Отправить предложение (нужно согласие на обработку персональных данных)"),
)
def proposal_create(request: HttpRequest, payload: ProposalIn) -> Any:
    campaign = (
        Campaign.objects.filter(slug=payload.campaign, is_published=True)
        .select_related("region")
        .first()
        if payload.campaign
        else campaign_current()
    )
    if campaign is None:
        raise NotFound(_("Кампания не найдена."), field="campaign")
    author = author_data_clean(
        name=payload.name,
        email=payload.email,
        phone=payload.phone,
        age_group=payload.age_group,
        show_name=payload.show_name,
    )
    proposal = proposal_submit(
        campaign=campaign,
        text=payload.text,
        title=payload.title,
        municipality=payload.municipality,
        direction=payload.direction,
        phase_id=payload.phase,
        author=author,
        consent_given=payload.consent,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=getattr(request, "user", None),
        channel=ProposalChannel.API,
    )
    url = request.build_absolute_uri(reverse("proposals:track", args=[proposal.tracking_code]))
    return Status(
        201,
        {
            "id": proposal.pk,
            "status": proposal.status,
            "tracking_code": proposal.tracking_code,
            "tracking_url": url,
        },
    )


@router.get(
    "/track/{code}", response={200: TrackOut, 404: ErrorOut}, summary=gettext_lazy("Статус по коду")
)
def proposal_track(request: HttpRequest, code: str) -> Any:
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise NotFound(_("Предложение с таким кодом не найдено."))
    return {
        "id": proposal.pk,
        "status": proposal.status,
        "status_label": proposal.get_status_display(),
        "text": proposal.text,
        "answer_due_on": proposal.answer_due_on,
        "consent_withdrawn": proposal.withdrawn_at is not None,
        "duplicate_of": proposal.duplicate_of_id,
        "history": list(proposal.status_changes.all()),
        "answers": list(proposal.answers.all()),
    }


@router.post(
    "/track/{code}/withdraw-consent",
    response={202: WithdrawRequestOut, 200: WithdrawRequestOut, **ERRORS},
    summary=gettext_lazy(
        "Запросить отзыв согласия: автору уходит письмо со ссылкой для подтверждения"
    ),
)
def proposal_withdraw(request: HttpRequest, code: str) -> Any:
    """Код отслеживания сам по себе ничего не удаляет: данные удаляются только после
    подтверждения по ссылке из письма автору (`/withdraw-consent/confirm`). Владельцу
    предложения, вошедшему на сайт, подтверждение не нужно."""
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise NotFound(_("Предложение с таким кодом не найдено."))
    result = proposal_consent_withdraw_request(
        proposal=proposal, user=getattr(request, "user", None), ip=client_ip(request)
    )
    if result.done:
        return Status(
            200,
            {
                "detail": _("Согласие отозвано, персональные данные удалены."),
                "confirmation_sent": False,
                "consent_withdrawn": True,
            },
        )
    return Status(
        202,
        {
            "detail": _("Ссылка для подтверждения отправлена на адрес автора."),
            "confirmation_sent": True,
            "consent_withdrawn": False,
        },
    )


@router.post(
    "/withdraw-consent/confirm",
    response={200: WithdrawRequestOut, **ERRORS},
    summary=gettext_lazy("Подтвердить отзыв согласия подписью из письма автору"),
)
def proposal_withdraw_confirm(request: HttpRequest, payload: WithdrawConfirmIn) -> Any:
    proposal_consent_withdraw_confirm(token=payload.token, ip=client_ip(request))
    return {
        "detail": _("Согласие отозвано, персональные данные удалены."),
        "confirmation_sent": False,
        "consent_withdrawn": True,
    }


@router.get("/moderation/", response={200: list[StaffProposalOut], **STAFF_ERRORS}, auth=api_auth)
@paginate(PageNumberPagination, page_size=50)
def moderation_list(
    request: HttpRequest,
    status: str | None = ProposalStatus.NEW,
    overdue: bool = False,
    municipality: str | None = None,
    q: str | None = None,
) -> Any:
    """Очередь модерации: только предложения своего муниципалитета или региона."""
    user = require_scope(request, PROPOSALS_MODERATE)
    return [
        _staff_row(p)
        for p in moderation_queue(
            user, status=status or None, overdue=overdue, municipality=municipality, q=q
        )
    ]


@router.get("/moderation/dashboard", response={200: DashboardOut, **STAFF_ERRORS}, auth=api_auth)
def moderation_stats(request: HttpRequest) -> Any:
    user = require_scope(request, PROPOSALS_MODERATE)
    stats = moderation_dashboard(user)
    return {
        **{k: stats[k] for k in ("total", "new", "overdue", "due_soon", "pending_comments")},
        "by_status": {row["status"].value: row["count"] for row in stats["by_status"]},
    }


def _staff_get(request: HttpRequest, pk: int, scope: str = PROPOSALS_MODERATE) -> Proposal:
    user = require_scope(request, scope)
    qs = proposal_for_staff(Proposal.objects.all(), user).select_related(
        "campaign", "municipality", "direction"
    )
    proposal = qs.filter(pk=pk).first()
    if proposal is None:
        # The same answer for a missing id and one outside the moderator's territory: the
        # API does not tell which proposals exist elsewhere.
        raise NotFound(_("Предложение не найдено среди предложений вашей территории."))
    return proposal


@router.get("/moderation/{pk}", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth)
def moderation_get(request: HttpRequest, pk: int) -> Any:
    return _staff_row(_staff_get(request, pk))


@router.get(
    "/moderation/{pk}/personal-data",
    response={200: PersonalDataOut, **STAFF_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Персональные данные автора (каждое чтение записывается в журнал аудита)"),
)
def moderation_personal_data(request: HttpRequest, pk: int) -> Any:
    require_scope(request, PERSONAL_DATA_READ)
    proposal = _staff_get(request, pk)
    data = personal_data_read(
        proposal=proposal, actor=api_user(request), ip=client_ip(request), purpose="API"
    )
    if data is None:
        raise NotFound(_("У этого предложения нет персональных данных автора."))
    return {
        "name": data.name,
        "email": data.email,
        "phone": data.phone,
        "age_group": data.age_group,
        "show_name": data.show_name,
        "erased": data.is_erased,
        "consent_given_at": data.consent.given_at if data.consent else None,
        "consent_version": data.consent.policy.version if data.consent else None,
    }


@router.post(
    "/moderation/{pk}/publish", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_publish(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    proposal = _staff_get(request, pk)
    return _staff_row(
        proposal_status_set(
            proposal=proposal,
            actor=api_user(request),
            status=ProposalStatus.PUBLISHED,
            reason=payload.reason,
        )
    )


@router.post(
    "/moderation/{pk}/status", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_status(request: HttpRequest, pk: int, payload: StatusIn) -> Any:
    proposal = _staff_get(request, pk)
    return _staff_row(
        proposal_status_set(
            proposal=proposal, actor=api_user(request), status=payload.status, reason=payload.reason
        )
    )


@router.post(
    "/moderation/{pk}/reject", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_reject(request: HttpRequest, pk: int, payload: RejectIn) -> Any:
    proposal = _staff_get(request, pk)
    return _staff_row(
        proposal_reject(
            proposal=proposal,
            actor=api_user(request),
            reason_code=payload.reason_code,
            note=payload.note,
        )
    )


@router.post(
    "/moderation/{pk}/duplicate", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_duplicate(request: HttpRequest, pk: int, payload: DuplicateIn) -> Any:
    proposal = _staff_get(request, pk)
    original = _staff_get(request, payload.original)
    return _staff_row(
        proposal_mark_duplicate(
            proposal=proposal, original=original, actor=api_user(request), note=payload.note
        )
    )


@router.post(
    "/moderation/{pk}/correct", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_correct(request: HttpRequest, pk: int, payload: CorrectIn) -> Any:
    proposal = _staff_get(request, pk)
    return _staff_row(
        proposal_text_correct(
            proposal=proposal,
            actor=api_user(request),
            text=payload.text,
            title=payload.title,
            reason=payload.reason,
        )
    )


@router.post(
    "/moderation/{pk}/redact", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_redact(request: HttpRequest, pk: int, payload: RedactIn) -> Any:
    proposal = _staff_get(request, pk)
    return _staff_row(
        proposal_redact(
            proposal=proposal, actor=api_user(request), text=payload.text, reason=payload.reason
        )
    )


@router.post(
    "/moderation/{pk}/classify", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_classify(request: HttpRequest, pk: int, payload: ClassifyIn) -> Any:
    proposal = _staff_get(request, pk)
    fields = payload.dict(exclude_unset=True)
    if "direction" not in fields and "municipality" not in fields:
        raise InvalidInput(_("Укажите направление или муниципальное образование."))
    return _staff_row(
        proposal_classify(
            proposal=proposal,
            actor=api_user(request),
            direction=fields["direction"] if "direction" in fields else ...,
            municipality=fields["municipality"] if fields.get("municipality") else ...,
            reason=payload.reason,
        )
    )


@router.post(
    "/moderation/{pk}/answer", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth
)
def moderation_answer(request: HttpRequest, pk: int, payload: AnswerIn) -> Any:
    proposal = _staff_get(request, pk)
    proposal_answer(
        proposal=proposal,
        actor=api_user(request),
        text=payload.text,
        organisation=payload.organisation,
        signed_by=payload.signed_by,
        status=payload.status,
    )
    proposal.refresh_from_db()
    return _staff_row(proposal)


@router.get(
    "/{pk}", response={200: ProposalDetailOut, 404: ErrorOut}, summary=gettext_lazy("Предложение")
)
def proposal_get(request: HttpRequest, pk: int) -> Any:
    proposal = proposal_public_get(pk)
    if proposal is None:
        raise NotFound(_("Предложение не найдено или ещё не опубликовано."))
    return _detail(proposal)


@router.post(
    "/{pk}/support",
    response={200: SupportOut, **STAFF_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Поддержать (житель с подтверждённой почтой, один раз)"),
)
def proposal_support(request: HttpRequest, pk: int) -> Any:
    user = require_scope(request, PROPOSALS_PARTICIPATE)
    proposal = get_object_or_404(Proposal, pk=pk)
    proposal = support_add(proposal=proposal, user=user)
    return {"id": proposal.pk, "supports_count": proposal.supports_count, "supported": True}


@router.delete("/{pk}/support", response={200: SupportOut, **STAFF_ERRORS}, auth=api_auth)
def proposal_unsupport(request: HttpRequest, pk: int) -> Any:
    user = require_scope(request, PROPOSALS_PARTICIPATE)
    proposal = get_object_or_404(Proposal, pk=pk)
    proposal = support_remove(proposal=proposal, user=user)
    return {"id": proposal.pk, "supports_count": proposal.supports_count, "supported": False}


@router.get("/{pk}/comments", response={200: list[CommentOut], 404: ErrorOut})
def proposal_comment_list(request: HttpRequest, pk: int) -> Any:
    proposal = proposal_public_get(pk)
    if proposal is None:
        raise NotFound(_("Предложение не найдено или ещё не опубликовано."))
    return proposal_comments(proposal)


@router.post("/{pk}/comments", response={201: CommentOut, **STAFF_ERRORS}, auth=api_auth)
def proposal_comment_create(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    user = require_scope(request, PROPOSALS_PARTICIPATE)
    proposal = get_object_or_404(Proposal, pk=pk)
    return Status(201, comment_add(proposal=proposal, user=user, text=payload.text))
