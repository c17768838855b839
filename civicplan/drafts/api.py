"""API of the public discussion of the draft strategy.

Reading is open to everyone: drafts, their published versions, sections, paragraphs, the
published comments with the drafting group's decisions, the summary table and the comparison
of two versions. Writing takes the site session or a personal API token
(`Authorization: Bearer …`): scope `drafts:participate` to comment as the token's owner and
support comments, scope `drafts:answer` (strategy editors) for decisions, grouping and the
links between a changed paragraph and the comments it answers.

No personal data leaves here: a comment shows the public signature only, and personal data
written inside a text are masked.
"""

import datetime
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from civicplan.accounts.auth import api_auth, require_scope
from civicplan.accounts.scopes import DRAFTS_ANSWER, DRAFTS_PARTICIPATE
from civicplan.accounts.services import client_ip
from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.drafts.comparison import version_comparison
from civicplan.drafts.exports import public_signature, summary_rows
from civicplan.drafts.models import (
    Decision,
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftParagraph,
    DraftVersion,
    ModerationStatus,
    VersionStatus,
)
from civicplan.drafts.services import (
    CommentInput,
    comment_submit,
    comment_support,
)
from civicplan.drafts.services.decisions import (
    comment_decide,
    group_decide,
    paragraph_answers_set,
    version_comments_group,
)
from civicplan.proposals.services import author_data_clean
from civicplan.proposals.textcheck import public_text

router = Router(tags=["drafts"])

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}
AUTH_ERRORS = {401: ErrorOut, **ERRORS}


# --- schemas ------------------------------------------------------------------------------


class VersionOut(Schema):
    id: int
    number: int
    status: str
    status_label: str
    discussion_opens: datetime.date | None
    discussion_closes: datetime.date | None
    published_at: datetime.datetime | None
    based_on: int | None = Field(None, alias="based_on_id")

    @staticmethod
    def resolve_status_label(obj: DraftVersion) -> str:
        return str(obj.get_status_display())


class DraftOut(Schema):
    id: int
    title: str
    strategy: str = Field(..., alias="strategy.title")
    campaign: str = Field(..., alias="campaign.slug")
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Draft) -> list[DraftVersion]:
        return [v for v in obj.versions.all() if v.status != VersionStatus.DRAFT]


class SectionOut(Schema):
    id: int
    order: int
    number: str
    title: str
    level: int


class VersionDetailOut(VersionOut):
    draft: int = Field(..., alias="draft_id")
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(obj: DraftVersion) -> list[Any]:
        return list(obj.sections.order_by("order"))


class ParagraphOut(Schema):
    id: int
    version: int = Field(..., alias="version_id")
    section: int | None = Field(None, alias="section_id")
    order: int
    number: str
    kind: str
    text: str
    html: str
    lineage: str
    comments_count: int = 0
    directions: list[int] = []
    goals: list[int] = []
    kpis: list[int] = []
    measures: list[int] = []
    answers: list[int] = []

    @staticmethod
    def resolve_lineage(obj: DraftParagraph) -> str:
        return str(obj.lineage)

    @staticmethod
    def resolve_comments_count(obj: DraftParagraph) -> int:
        return int(getattr(obj, "published_comments", 0))

    @staticmethod
    def resolve_directions(obj: DraftParagraph) -> list[int]:
        return [item.pk for item in obj.directions.all()]

    @staticmethod
    def resolve_goals(obj: DraftParagraph) -> list[int]:
        return [item.pk for item in obj.goals.all()]

    @staticmethod
    def resolve_kpis(obj: DraftParagraph) -> list[int]:
        return [item.pk for item in obj.kpis.all()]

    @staticmethod
    def resolve_measures(obj: DraftParagraph) -> list[int]:
        return [item.pk for item in obj.measures.all()]

    @staticmethod
    def resolve_answers(obj: DraftParagraph) -> list[int]:
        """Accepted published comments this wording answers."""
        return [
            c.pk
            for c in obj.answers.all()
            if c.status == ModerationStatus.PUBLISHED and c.decision != Decision.NONE
        ]


class CommentOut(Schema):
    id: int
    paragraph: int = Field(..., alias="paragraph_id")
    kind: str
    passage: str
    passage_start: int | None
    passage_end: int | None
    body: str
    proposed_text: str
    author: str
    author_kind: str
    support_count: int
    decision: str
    decision_label: str = Field(..., alias="get_decision_display")
    decision_reason: str
    decided_at: datetime.datetime | None
    group: int | None = Field(None, alias="group_id")
    duplicate_of: int | None = Field(None, alias="duplicate_of_id")
    created_at: datetime.datetime

    @staticmethod
    def resolve_passage(obj: DraftComment) -> str:
        return public_text(obj.passage)

    @staticmethod
    def resolve_body(obj: DraftComment) -> str:
        return public_text(obj.body)

    @staticmethod
    def resolve_proposed_text(obj: DraftComment) -> str:
        return public_text(obj.proposed_text)

    @staticmethod
    def resolve_author(obj: DraftComment) -> str:
        return public_signature(obj)


class CommentCreatedOut(Schema):
    id: int
    status: str
    message: str


class SummaryRowOut(Schema):
    number: int
    comment: int = Field(..., alias="comment_id")
    section: str
    paragraph: str
    author: str
    content: str
    decision: str
    decision_label: str
    reason: str


class SegmentOut(Schema):
    kind: Literal["same", "ins", "del"]
    text: str


class ChangeOut(Schema):
    kind: Literal["added", "removed", "changed", "same"]
    lineage: str
    old_paragraph: int | None
    new_paragraph: int | None
    number: str
    words_inserted: int
    words_deleted: int
    segments: list[SegmentOut]
    answers: list[int]


class ComparisonOut(Schema):
    old_version: int
    new_version: int
    added: int
    removed: int
    changed: int
    same: int
    changes: list[ChangeOut]


class CommentIn(Schema):
    kind: Literal["remark", "amendment"] = "remark"
    body: str = ""
    proposed_text: str = ""
    passage: str = ""
    passage_start: int | None = None
    passage_end: int | None = None
    author_kind: str = "resident"
    organisation: str = ""
    show_name: bool = False
    consent: bool = Field(
        False,
        description=gettext_lazy(
            "Согласие на обработку персональных данных (152-ФЗ), обязательно."
        ),
    )


class DecisionIn(Schema):
    decision: Literal["accepted", "partly", "declined"]
    reason: str = ""


class DecisionOut(Schema):
    decided: list[CommentOut]


class GroupingOut(Schema):
    paragraphs: int
    groups: int
    grouped: int
    duplicates: int


class AnswersIn(Schema):
    comments: list[int]


class SupportOut(Schema):
    id: int
    support_count: int


# --- reading ------------------------------------------------------------------------------


def _public_versions() -> Any:
    return DraftVersion.objects.exclude(status=VersionStatus.DRAFT)


def _public_version(pk: int) -> DraftVersion:
    version = _public_versions().filter(pk=pk).select_related("draft").first()
    if version is None:
        raise NotFound(_("Редакция не найдена или ещё не опубликована."))
    return version


def _published_comments() -> Any:
    return DraftComment.objects.filter(
        status=ModerationStatus.PUBLISHED, paragraph__version__in=_public_versions()
    )


@router.get("/", response=list[DraftOut], summary=gettext_lazy("Проекты стратегии на обсуждении"))
def draft_list(request: HttpRequest) -> Any:
    return (
        Draft.objects.filter(versions__in=_public_versions())
        .distinct()
        .select_related("strategy", "campaign")
        .prefetch_related("versions")
        .order_by("-created_at", "-pk")
    )


@router.get("/versions/{pk}", response={200: VersionDetailOut, 404: ErrorOut})
def version_detail(request: HttpRequest, pk: int) -> Any:
    return _public_version(pk)


def _paragraphs(version: DraftVersion) -> Any:
    published = Q(comments__status=ModerationStatus.PUBLISHED)
    return (
        DraftParagraph.objects.filter(version=version)
        .annotate(published_comments=Count("comments", filter=published))
        .prefetch_related("directions", "goals", "kpis", "measures", "answers")
        .order_by("order", "pk")
    )


@router.get(
    "/versions/{pk}/paragraphs",
    response={200: list[ParagraphOut], 404: ErrorOut},
    summary=gettext_lazy("Пункты редакции с числом опубликованных замечаний"),
)
@paginate(PageNumberPagination, page_size=100)
def paragraph_list(request: HttpRequest, pk: int, section: int | None = None) -> Any:
    version = _public_version(pk)
    rows = _paragraphs(version)
    if section is not None:
        rows = rows.filter(section_id=section)
    return rows


class CommentFilter(Schema):
    paragraph: int | None = None
    decision: Literal["none", "accepted", "partly", "declined"] | None = None
    group: int | None = None


@router.get(
    "/versions/{pk}/comments",
    response={200: list[CommentOut], 404: ErrorOut},
    summary=gettext_lazy("Опубликованные замечания и поправки с решениями рабочей группы"),
)
@paginate(PageNumberPagination, page_size=100)
def comment_list(request: HttpRequest, pk: int, filters: Query[CommentFilter]) -> Any:
    version = _public_version(pk)
    rows = _published_comments().filter(paragraph__version=version)
    if filters.paragraph is not None:
        rows = rows.filter(paragraph_id=filters.paragraph)
    if filters.decision is not None:
        rows = rows.filter(decision=filters.decision)
    if filters.group is not None:
        rows = rows.filter(group_id=filters.group)
    return rows.order_by("paragraph__order", "created_at", "pk")


@router.get("/comments/{pk}", response={200: CommentOut, 404: ErrorOut})
def comment_detail(request: HttpRequest, pk: int) -> Any:
    comment = _published_comments().filter(pk=pk).first()
    if comment is None:
        raise NotFound(_("Замечание не найдено или ещё не опубликовано."))
    return comment


@router.get(
    "/versions/{pk}/summary",
    response={200: list[SummaryRowOut], 404: ErrorOut},
    summary=gettext_lazy("Сводка предложений и замечаний (строки таблицы)"),
)
@paginate(PageNumberPagination, page_size=200)
def summary(request: HttpRequest, pk: int) -> Any:
    return list(summary_rows(_public_version(pk)))


@router.get(
    "/versions/{old}/compare/{new}",
    response={200: ComparisonOut, 404: ErrorOut, 422: ErrorOut},
    summary=gettext_lazy("Что изменилось и почему: изменения по словам и учтённые замечания"),
)
def compare(request: HttpRequest, old: int, new: int) -> Any:
    before, after = _public_version(old), _public_version(new)
    if before.draft_id != after.draft_id:
        raise NotFound(_("Редакции относятся к разным проектам."))
    comparison = version_comparison(before, after)
    changes = []
    for block in comparison.sections:
        for change in block.changes:
            answers = getattr(change.new, "accepted_answers", []) if change.new else []
            changes.append(
                {
                    "kind": change.kind,
                    "lineage": str(change.lineage),
                    "old_paragraph": change.old.pk if change.old else None,
                    "new_paragraph": change.new.pk if change.new else None,
                    "number": change.paragraph.number,
                    "words_inserted": change.words_inserted,
                    "words_deleted": change.words_deleted,
                    "segments": [{"kind": s.kind, "text": s.text} for s in change.segments],
                    "answers": [c.pk for c in answers],
                }
            )
    totals = comparison.totals
    return {
        "old_version": before.pk,
        "new_version": after.pk,
        "added": totals.added,
        "removed": totals.removed,
        "changed": totals.changed,
        "same": totals.same,
        "changes": changes,
    }


# --- writing ------------------------------------------------------------------------------


@router.post(
    "/paragraphs/{pk}/comments",
    response={201: CommentCreatedOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy(
        "Замечание или поправка к пункту от имени владельца токена (на модерацию)"
    ),
)
def comment_create(request: HttpRequest, pk: int, payload: CommentIn) -> Any:
    user = require_scope(request, DRAFTS_PARTICIPATE)
    paragraph = get_object_or_404(DraftParagraph, pk=pk)
    author = author_data_clean(
        name=user.get_full_name(),
        email=user.email,
        phone="",
        age_group="",
        show_name=payload.show_name,
    )
    comment = comment_submit(
        paragraph=paragraph,
        data=CommentInput(
            kind=payload.kind,
            body=payload.body,
            proposed_text=payload.proposed_text,
            passage=payload.passage,
            passage_start=payload.passage_start,
            passage_end=payload.passage_end,
            author_kind=payload.author_kind,
            organisation=payload.organisation,
        ),
        author=author,
        consent_given=payload.consent,
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=user,
    )
    return Status(
        201,
        {
            "id": comment.pk,
            "status": comment.status,
            "message": _("Замечание принято и будет опубликовано после проверки модератором."),
        },
    )


@router.post(
    "/comments/{pk}/support",
    response={200: SupportOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Поддержать опубликованное замечание (один раз)"),
)
def comment_support_add(request: HttpRequest, pk: int) -> Any:
    user = require_scope(request, DRAFTS_PARTICIPATE)
    comment = comment_support(comment=get_object_or_404(DraftComment, pk=pk), user=user)
    return {"id": comment.pk, "support_count": comment.support_count}


@router.post(
    "/comments/{pk}/decision",
    response={200: CommentOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Решение рабочей группы по замечанию: учтено, учтено частично, не учтено"),
)
def comment_decision(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    user = require_scope(request, DRAFTS_ANSWER)
    comment = get_object_or_404(DraftComment, pk=pk)
    return comment_decide(
        comment=comment, decision=payload.decision, reason=payload.reason, actor=user
    )


@router.post(
    "/groups/{pk}/decision",
    response={200: DecisionOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Одно решение для группы похожих замечаний"),
)
def group_decision(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    user = require_scope(request, DRAFTS_ANSWER)
    group = get_object_or_404(DraftCommentGroup, pk=pk)
    decided = group_decide(
        group=group, decision=payload.decision, reason=payload.reason, actor=user
    )
    return {"decided": decided}


@router.post(
    "/versions/{pk}/group",
    response={200: GroupingOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("Сгруппировать похожие нерассмотренные замечания каждого пункта"),
)
def version_group(request: HttpRequest, pk: int) -> Any:
    user = require_scope(request, DRAFTS_ANSWER)
    version = get_object_or_404(DraftVersion.objects.select_related("draft"), pk=pk)
    return version_comments_group(version=version, actor=user)


@router.put(
    "/paragraphs/{pk}/answers",
    response={200: ParagraphOut, **AUTH_ERRORS},
    auth=api_auth,
    summary=gettext_lazy("На какие учтённые замечания отвечает редакция пункта"),
)
def paragraph_answers(request: HttpRequest, pk: int, payload: AnswersIn) -> Any:
    user = require_scope(request, DRAFTS_ANSWER)
    paragraph = get_object_or_404(DraftParagraph.objects.select_related("version__draft"), pk=pk)
    paragraph_answers_set(paragraph=paragraph, comments=payload.comments, actor=user)
    return _paragraphs(paragraph.version).get(pk=paragraph.pk)
