"""API of the proposals app: the public list, submission, supports, and moderation for staff.

Staff endpoints take a personal API token (`Authorization: Bearer …`, scope
`proposals:moderate`; personal data also need `personal_data:read`) or the site session.
"""

import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
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

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
STAFF_ERRORS = {401: ErrorOut, **ERRORS}


class ProposalOut(Schema):
    id: int
    # Personal data inside the text (phones, e-mails, signatures) are masked for the public.
    title: str = Field(..., alias="public_title")
    text: str = Field(..., alias="public_text")
    status: str
    status_label: str = Field(..., alias="get_status_display")
    municipality_oktmo: str | None = Field(None, alias="municipality.oktmo")
    municipality: str | None = Field(None, alias="municipality.name")
    direction: str | None = Field(None, alias="direction.title")
    direction_slug: str | None = Field(None, alias="direction.slug")
    campaign: str = Field(..., alias="campaign.slug")
    channel: str
    author: str = Field(..., alias="author_display_name")
    supports_count: int
    comments_count: int
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    answer_due_on: datetime.date | None
    answered_at: datetime.datetime | None


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    to_status_label: str = Field(..., alias="get_to_status_display")
    reason: str
    changed_at: datetime.datetime


class AnswerOut(Schema):
    text: str
    organisation: str
    signed_by: str
    status: str
    created_at: datetime.datetime


class ProposalDetailOut(ProposalOut):
    duplicate_of: int | None = Field(None, alias="duplicate_of_id")
    history: list[StatusChangeOut]
    answers: list[AnswerOut] = Field(..., alias="answer_list")


class ProposalListFilter(Schema):
    campaign: int | None = Field(None, description="Идентификатор кампании")
    municipality: str | None = Field(None, pattern=r"^\d{11}$", description="ОКТМО")
    direction: str | None = Field(None, max_length=100, description="slug направления или unknown")
    status: str | None = Field(None, max_length=16)
    phase: int | None = None
    q: str | None = Field(None, max_length=200, description="Поиск по тексту")
    sort: Literal["new", "supported", "discussed"] = "new"


class ProposalIn(Schema):
    campaign: str | None = Field(None, description="slug кампании; по умолчанию текущая")
    phase: int | None = Field(None, description="Этап, для которого заполнялась форма")
    text: str = Field(..., max_length=20000)
    title: str = Field("", max_length=1000)
    municipality: str = Field(..., max_length=255, description="ОКТМО или название")
    direction: str | None = Field(None, max_length=100, description="slug, id или unknown")
    name: str = Field(..., max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    age_group: str = Field("", max_length=16)
    show_name: bool = False
    consent: bool = Field(
        ..., description="Согласие на обработку персональных данных по текущей версии политики"
    )


class ProposalCreatedOut(Schema):
    id: int
    status: str
    tracking_code: str
    tracking_url: str


class TrackOut(Schema):
    id: int
    status: str
    status_label: str
    text: str
    answer_due_on: datetime.date | None
    consent_withdrawn: bool
    duplicate_of: int | None
    history: list[StatusChangeOut]
    answers: list[AnswerOut]


class SupportOut(Schema):
    id: int
    supports_count: int
    supported: bool


class CommentIn(Schema):
    text: str = Field(..., max_length=5000)


class CommentOut(Schema):
    id: int
    author: str = Field(..., alias="author_display_name")
    text: str
    status: str
    created_at: datetime.datetime


class StaffProposalOut(ProposalOut):
    title: str = Field(..., alias="title")  # the moderator reads the text as sent
    text: str = Field(..., alias="text")
    rejection_reason: str
    rejection_note: str
    duplicate_of: int | None = Field(None, alias="duplicate_of_id")
    overdue: bool


class PersonalDataOut(Schema):
    name: str
    email: str
    phone: str
    age_group: str
    show_name: bool
    erased: bool
    consent_given_at: datetime.datetime | None
    consent_version: str | None


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class StatusIn(Schema):
    status: str
    reason: str = Field("", max_length=2000)


class RejectIn(Schema):
    reason_code: str
    note: str = Field("", max_length=2000)


class DuplicateIn(Schema):
    original: int
    note: str = Field("", max_length=2000)


class CorrectIn(Schema):
    text: str = Field(..., max_length=20000)
    title: str | None = Field(None, max_length=1000)
    reason: str = Field("", max_length=2000)


class RedactIn(Schema):
    text: str = Field(..., max_length=20000)
    reason: str = Field("", max_length=2000)


class ClassifyIn(Schema):
    direction: str | None = Field(None, description="slug или id; пусто — «не знаю»")
    municipality: str | None = Field(None, description="ОКТМО")
    reason: str = Field("", max_length=2000)


class AnswerIn(Schema):
    text: str = Field(..., max_length=20000)
    organisation: str = Field(..., max_length=255)
    signed_by: str = Field("", max_length=255)
    status: str


class DashboardOut(Schema):
    total: int
    new: int
    overdue: int
    due_soon: int
    pending_comments: int
    by_status: dict[str, int]


def _detail(proposal: Proposal) -> Proposal:
    """The proposal with its history and answers attached for ProposalDetailOut."""
    proposal.history = list(proposal.status_changes.all())  # type: ignore[attr-defined]
    proposal.answer_list = list(proposal.answers.all())  # type: ignore[attr-defined]
    return proposal


def _staff_row(proposal: Proposal) -> Proposal:
    proposal.overdue = proposal.is_overdue()  # type: ignore[attr-defined]
    return proposal


@router.get("/", response=list[ProposalOut], summary="Опубликованные предложения")
@paginate(PageNumberPagination, page_size=20)
def proposal_list(request: HttpRequest, filters: Query[ProposalListFilter]) -> Any:
    return proposal_public_list(ProposalFilters(**filters.dict()))


@router.post(
    "/",
    response={201: ProposalCreatedOut, **ERRORS},
    summary="Отправить предложение (нужно согласие на обработку персональных данных)",
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
        raise NotFound("Кампания не найдена.", field="campaign")
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


@router.get("/track/{code}", response={200: TrackOut, 404: ErrorOut}, summary="Статус по коду")
def proposal_track(request: HttpRequest, code: str) -> Any:
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise NotFound("Предложение с таким кодом не найдено.")
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


class WithdrawRequestOut(Schema):
    detail: str
    confirmation_sent: bool
    consent_withdrawn: bool


class WithdrawConfirmIn(Schema):
    token: str = Field(..., max_length=500, description="Подпись из ссылки в письме автору")


@router.post(
    "/track/{code}/withdraw-consent",
    response={202: WithdrawRequestOut, 200: WithdrawRequestOut, **ERRORS},
    summary="Запросить отзыв согласия: автору уходит письмо со ссылкой для подтверждения",
)
def proposal_withdraw(request: HttpRequest, code: str) -> Any:
    """Код отслеживания сам по себе ничего не удаляет: данные удаляются только после
    подтверждения по ссылке из письма автору (`/withdraw-consent/confirm`). Владельцу
    предложения, вошедшему на сайт, подтверждение не нужно."""
    proposal = proposal_by_tracking(code)
    if proposal is None:
        raise NotFound("Предложение с таким кодом не найдено.")
    result = proposal_consent_withdraw_request(
        proposal=proposal, user=getattr(request, "user", None), ip=client_ip(request)
    )
    if result.done:
        return Status(
            200,
            {
                "detail": "Согласие отозвано, персональные данные удалены.",
                "confirmation_sent": False,
                "consent_withdrawn": True,
            },
        )
    return Status(
        202,
        {
            "detail": "Ссылка для подтверждения отправлена на адрес автора.",
            "confirmation_sent": True,
            "consent_withdrawn": False,
        },
    )


@router.post(
    "/withdraw-consent/confirm",
    response={200: WithdrawRequestOut, **ERRORS},
    summary="Подтвердить отзыв согласия подписью из письма автору",
)
def proposal_withdraw_confirm(request: HttpRequest, payload: WithdrawConfirmIn) -> Any:
    proposal_consent_withdraw_confirm(token=payload.token, ip=client_ip(request))
    return {
        "detail": "Согласие отозвано, персональные данные удалены.",
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
        raise NotFound("Предложение не найдено среди предложений вашей территории.")
    return proposal


@router.get("/moderation/{pk}", response={200: StaffProposalOut, **STAFF_ERRORS}, auth=api_auth)
def moderation_get(request: HttpRequest, pk: int) -> Any:
    return _staff_row(_staff_get(request, pk))


@router.get(
    "/moderation/{pk}/personal-data",
    response={200: PersonalDataOut, **STAFF_ERRORS},
    auth=api_auth,
    summary="Персональные данные автора (каждое чтение записывается в журнал аудита)",
)
def moderation_personal_data(request: HttpRequest, pk: int) -> Any:
    require_scope(request, PERSONAL_DATA_READ)
    proposal = _staff_get(request, pk)
    data = personal_data_read(
        proposal=proposal, actor=api_user(request), ip=client_ip(request), purpose="API"
    )
    if data is None:
        raise NotFound("У этого предложения нет персональных данных автора.")
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
        raise InvalidInput("Укажите направление или муниципальное образование.")
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


@router.get("/{pk}", response={200: ProposalDetailOut, 404: ErrorOut}, summary="Предложение")
def proposal_get(request: HttpRequest, pk: int) -> Any:
    proposal = proposal_public_get(pk)
    if proposal is None:
        raise NotFound("Предложение не найдено или ещё не опубликовано.")
    return _detail(proposal)


@router.post(
    "/{pk}/support",
    response={200: SupportOut, **STAFF_ERRORS},
    auth=api_auth,
    summary="Поддержать (житель с подтверждённой почтой, один раз)",
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
        raise NotFound("Предложение не найдено или ещё не опубликовано.")
    return proposal_comments(proposal)


@router.post("/{pk}/comments", response={201: CommentOut, **STAFF_ERRORS}, auth=api_auth)
def proposal_comment_create(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    user = require_scope(request, PROPOSALS_PARTICIPATE)
    proposal = get_object_or_404(Proposal, pk=pk)
    return Status(201, comment_add(proposal=proposal, user=user, text=payload.text))
