"""The contract of the proposals API: what goes in and out of its endpoints (`api.py`).

Names stay as they were when they lived in `api.py`: the OpenAPI schema shows them.
"""

import datetime
from typing import Literal

from ninja import Field, Schema

from civicplan.core.api import ErrorOut
from civicplan.core.i18n import gettext_lazy

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
    campaign: int | None = Field(None, description=gettext_lazy("Идентификатор кампании"))
    municipality: str | None = Field(None, pattern=r"^\d{11}$", description=gettext_lazy("ОКТМО"))
    direction: str | None = Field(
        None, max_length=100, description=gettext_lazy("slug направления или unknown")
    )
    status: str | None = Field(None, max_length=16)
    phase: int | None = None
    q: str | None = Field(None, max_length=200, description=gettext_lazy("Поиск по тексту"))
    sort: Literal["new", "supported", "discussed"] = "new"


class ProposalIn(Schema):
    campaign: str | None = Field(
        None, description=gettext_lazy("slug кампании; по умолчанию текущая")
    )
    phase: int | None = Field(
        None, description=gettext_lazy("Этап, для которого заполнялась форма")
    )
    text: str = Field(..., max_length=20000)
    title: str = Field("", max_length=1000)
    municipality: str = Field(..., max_length=255, description=gettext_lazy("ОКТМО или название"))
    direction: str | None = Field(
        None, max_length=100, description=gettext_lazy("slug, id или unknown")
    )
    name: str = Field(..., max_length=300)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    age_group: str = Field("", max_length=16)
    show_name: bool = False
    consent: bool = Field(
        ...,
        description=gettext_lazy(
            "Согласие на обработку персональных данных по текущей версии политики"
        ),
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
    direction: str | None = Field(None, description=gettext_lazy("slug или id; пусто — «не знаю»"))
    municipality: str | None = Field(None, description=gettext_lazy("ОКТМО"))
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


class WithdrawRequestOut(Schema):
    detail: str
    confirmation_sent: bool
    consent_withdrawn: bool


class WithdrawConfirmIn(Schema):
    token: str = Field(
        ..., max_length=500, description=gettext_lazy("Подпись из ссылки в письме автору")
    )
