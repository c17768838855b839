"""Reads shared by the pages, the API, exports and other apps."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import user_scope
from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.campaigns.models import Campaign
from civicplan.core.errors import NotFound
from civicplan.core.similarity import text_index_for_page, text_index_grow
from civicplan.proposals.models import (
    PUBLIC_STATUSES,
    Attachment,
    Comment,
    CommentStatus,
    OfficialAnswer,
    Proposal,
    ProposalImport,
    ProposalStatus,
    ProposalStatusChange,
)
from civicplan.proposals.services import MODERATOR_ROLES

SORTS: dict[str, tuple[str, ...]] = {
    "new": ("-published_at", "-created_at", "-pk"),
    "supported": ("-supports_count", "-published_at", "-pk"),
    "discussed": ("-comments_count", "-published_at", "-pk"),
}


@dataclass(frozen=True)
class ProposalFilters:
    """The filters of the public list, of exports and of the API."""

    campaign: int | None = None
    municipality: str | None = None  # OKTMO
    direction: str | None = None  # id or slug; "unknown" for proposals without one
    status: str | None = None
    phase: int | None = None
    q: str | None = None
    sort: str = "new"

    @classmethod
    def from_query(cls, data: Any) -> ProposalFilters:
        def _int(value: Any) -> int | None:
            text = str(value or "").strip()
            return int(text) if text.isdigit() else None

        sort = str(data.get("sort") or "new")
        return cls(
            campaign=_int(data.get("campaign")),
            municipality=(str(data.get("municipality") or "").strip() or None),
            direction=(str(data.get("direction") or "").strip() or None),
            status=(str(data.get("status") or "").strip() or None),
            phase=_int(data.get("phase")),
            q=(str(data.get("q") or "").strip()[:200] or None),
            sort=sort if sort in SORTS else "new",
        )


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _text_search(qs: QuerySet[Proposal], q: str) -> QuerySet[Proposal]:
    if _postgres():
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "text", config="russian")
        return qs.annotate(search=vector).filter(
            search=SearchQuery(q, config="russian", search_type="websearch")
        )
    condition = Q()
    for word in re.findall(r"\w+", q)[:8]:
        condition &= contains_q("text", word) | contains_q("title", word)
    return qs.filter(condition)


def proposal_filter(qs: QuerySet[Proposal], filters: ProposalFilters) -> QuerySet[Proposal]:
    if filters.campaign:
        qs = qs.filter(campaign_id=filters.campaign)
    if filters.municipality:
        qs = qs.filter(municipality__oktmo=filters.municipality)
    if filters.direction == "unknown":
        qs = qs.filter(direction__isnull=True)
    elif filters.direction:
        if filters.direction.isdigit():
            qs = qs.filter(direction_id=int(filters.direction))
        else:
            qs = qs.filter(direction__slug=filters.direction)
    if filters.status and filters.status in ProposalStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.phase:
        qs = qs.filter(phase_id=filters.phase)
    if filters.q:
        qs = _text_search(qs, filters.q)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["new"]))


def proposal_public_list(filters: ProposalFilters | None = None) -> QuerySet[Proposal]:
    """Published proposals with what a list row shows, in one query per page."""
    qs = _published_by_now(Proposal.objects.filter(status__in=PUBLIC_STATUSES)).select_related(
        "municipality", "direction", "campaign"
    )
    return proposal_filter(qs, filters or ProposalFilters())


def _published_by_now(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """A publication date still ahead (an import with a wrong clock) is not yet public: such a
    row must not top «сначала новые»."""
    return qs.filter(Q(published_at__isnull=True) | Q(published_at__lte=timezone.now()))


def proposal_public_get(pk: int) -> Proposal | None:
    return (
        Proposal.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("municipality", "direction", "campaign", "phase", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=ProposalStatusChange.objects.order_by("changed_at", "pk"),
            ),
            Prefetch("answers", queryset=OfficialAnswer.objects.order_by("created_at", "pk")),
            "attachments",
        )
        .first()
    )


def proposal_comments(proposal: Proposal | int, *, user: Any = None) -> list[Comment]:
    """Published comments, plus the visitor's own ones still waiting for moderation."""
    condition = Q(status=CommentStatus.PUBLISHED)
    if user is not None and getattr(user, "is_authenticated", False):
        condition |= Q(author=user, status=CommentStatus.PENDING)
    pk = proposal if isinstance(proposal, int) else proposal.pk
    return list(Comment.objects.filter(condition, proposal_id=pk).order_by("created_at", "pk"))


def proposal_by_tracking(code: str) -> Proposal | None:
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    if not re.fullmatch(r"[A-Z0-9]{6,32}", code):
        return None
    return (
        Proposal.objects.filter(tracking_code=code)
        .select_related("municipality", "direction", "campaign", "duplicate_of")
        .prefetch_related(
            Prefetch(
                "status_changes",
                queryset=ProposalStatusChange.objects.order_by("changed_at", "pk"),
            ),
            Prefetch("answers", queryset=OfficialAnswer.objects.order_by("created_at", "pk")),
        )
        .first()
    )


def proposal_for_staff(qs: QuerySet[Proposal], user: Any) -> QuerySet[Proposal]:
    scope = user_scope(user, MODERATOR_ROLES)
    return scope.filter(qs, municipality_field="municipality", region_field="campaign__region")


def proposal_imports_for(user: Any) -> QuerySet[ProposalImport]:
    """Imports of the campaigns in the user's region(s): who may import sees the list."""
    scope = user_scope(user, (Role.REGIONAL_MODERATOR,))  # as `imports._importer_check`
    qs = ProposalImport.objects.select_related("job", "campaign")
    if scope.everything:
        return qs
    return qs.filter(campaign__region_id__in=scope.region_ids)


def access_proposal_import(user: Any, pk: int) -> ProposalImport:
    """One import, if the user's scope covers its campaign's region; else «not found»."""
    record = proposal_imports_for(user).filter(pk=pk).first()
    if record is None:
        raise NotFound(_("Загрузка не найдена."))
    return record


def access_attachment(user: Any, *, proposal_id: int, attachment_id: int) -> Attachment:
    """An attachment its reader may open: anyone, while its proposal is published and the
    author has not withdrawn consent; otherwise only moderators whose scope covers the
    proposal. Anything else is «not found», so ids reveal nothing."""
    attachment = (
        Attachment.objects.filter(pk=attachment_id, proposal_id=proposal_id)
        .select_related("proposal")
        .first()
    )
    if attachment is None:
        raise NotFound(_("Файл не найден."))
    proposal = attachment.proposal
    if proposal.status in PUBLIC_STATUSES and proposal.withdrawn_at is None:
        return attachment
    if proposal_for_staff(Proposal.objects.filter(pk=proposal.pk), user).exists():
        return attachment
    raise NotFound(_("Файл не найден."))


def moderation_queue(
    user: Any,
    *,
    status: str | None = ProposalStatus.NEW,
    overdue: bool = False,
    municipality: str | None = None,
    q: str | None = None,
    today: datetime.date | None = None,
) -> QuerySet[Proposal]:
    """The proposals a moderator may act on: his municipality or region only."""
    qs = proposal_for_staff(Proposal.objects.all(), user).select_related(
        "municipality", "direction", "campaign"
    )
    if status and status in ProposalStatus.values:
        qs = qs.filter(status=status)
    if municipality:
        qs = qs.filter(municipality__oktmo=municipality)
    if overdue:
        qs = qs.filter(overdue_q(today))
    if q:
        qs = _text_search(qs, q) if not q.strip().isdigit() else qs.filter(pk=int(q))
    return qs.order_by("answer_due_on", "created_at", "pk")


def overdue_q(today: datetime.date | None = None) -> Q:
    today = today or timezone.localdate()
    return Q(answer_due_on__lt=today, answered_at__isnull=True) & ~Q(
        status__in=[ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN]
    )


def moderation_dashboard(user: Any, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Counts for the moderators' dashboard, scoped like the queue."""
    today = today or timezone.localdate()
    qs = proposal_for_staff(Proposal.objects.all(), user)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    overdue = qs.filter(overdue_q(today))
    soon = qs.filter(
        answered_at__isnull=True,
        answer_due_on__gte=today,
        answer_due_on__lte=today + datetime.timedelta(days=7),
    ).exclude(status__in=[ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN])
    by_municipality = list(
        overdue.values("municipality__name", "municipality__oktmo")
        .annotate(n=Count("pk"))
        .order_by("-n", "municipality__name")[:15]
    )
    pending_comments = Comment.objects.filter(
        proposal__in=qs, status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN]
    ).count()
    return {
        "by_status": [
            {"status": s, "label": s.label, "count": by_status.get(s.value, 0)}
            for s in ProposalStatus
        ],
        "total": sum(by_status.values()),
        "new": by_status.get(ProposalStatus.NEW, 0),
        "overdue": overdue.count(),
        "due_soon": soon.count(),
        "overdue_by_municipality": by_municipality,
        "pending_comments": pending_comments,
    }


def comments_queue(user: Any) -> QuerySet[Comment]:
    proposals = proposal_for_staff(Proposal.objects.all(), user)
    return (
        Comment.objects.filter(
            proposal__in=proposals, status__in=[CommentStatus.PENDING, CommentStatus.HIDDEN]
        )
        .select_related("proposal", "author")
        .order_by("created_at", "pk")
    )


# --- similar proposals ----------------------------------------------------------------------

# Proposals indexed for «similar» (the form's hint, the proposal page, duplicate detection):
# new ones too, so a duplicate is caught before moderation; only public ones are shown.
INDEXED_STATUSES = (*PUBLIC_STATUSES, ProposalStatus.NEW)
SIMILAR_MIN_SCORE = 0.35


def proposal_text_index(campaign: Campaign, *, for_page: bool = False) -> SimilarityIndex | None:
    """The campaign's proposals in the shared text index; new proposals are added, no rebuild.
    `for_page`: never build a large index inside a request (None while there is none yet)."""

    def newer_than(last_pk: int, limit: int | None) -> list[tuple[int, str]]:
        qs = (
            Proposal.objects.filter(campaign=campaign, pk__gt=last_pk, status__in=INDEXED_STATUSES)
            .order_by("pk")
            .values_list("pk", "text")
        )
        return list(qs[:limit] if limit is not None else qs)

    name = f"proposals:{campaign.pk}"
    if for_page:
        return text_index_for_page(name, newer_than=newer_than)
    return text_index_grow(name, newer_than=newer_than)


def contains_q(field: str, word: str) -> Q:
    """Case-insensitive «contains» that also works for Cyrillic on SQLite (whose LIKE folds
    only ASCII): the lower, Capitalised and UPPER forms are tried."""
    if _postgres():
        return Q(**{f"{field}__icontains": word})
    condition = Q()
    for form in dict.fromkeys((word.lower(), word.capitalize(), word.upper(), word)):
        condition |= Q(**{f"{field}__contains": form})
    return condition


def proposal_similar(campaign: Campaign, text: str, limit: int = 5) -> list[Proposal]:
    """Published proposals of the campaign that resemble `text`, best first: the shared
    text-similarity service (navec vectors re-ranked by shared lemmas), so «дорога разбита,
    отремонтируйте» finds «отремонтировать дорогу»."""
    text = (text or "").strip()
    if len(text) < 15 or campaign is None:
        return []
    index = proposal_text_index(campaign, for_page=True)
    if index is None or len(index) == 0:
        return []
    hits = index.query(text, k=limit * 2)
    ranked = [pk for pk, score in hits if score >= SIMILAR_MIN_SCORE]
    public = Proposal.objects.filter(campaign=campaign, status__in=PUBLIC_STATUSES)
    by_pk = public.select_related("municipality").in_bulk(ranked)
    return [by_pk[pk] for pk in ranked if pk in by_pk][:limit]


def home_latest(campaign: Campaign | None, limit: int = 5) -> list[Proposal]:
    qs = _published_by_now(Proposal.objects.filter(status__in=PUBLIC_STATUSES)).select_related(
        "municipality"
    )
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return list(qs.order_by("-published_at", "-pk")[:limit])


def home_most_supported(campaign: Campaign | None, limit: int = 5) -> list[Proposal]:
    qs = Proposal.objects.filter(status__in=PUBLIC_STATUSES).select_related("municipality")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return list(qs.order_by("-supports_count", "-pk")[:limit])


def page_size() -> int:
    return int(getattr(settings, "PROPOSALS_PAGE_SIZE", 20))


def proposals_by_reference(references: set[str]) -> dict[str, Proposal]:
    """{reference: proposal} for references written in a file (the strategy importer links
    measures): the public number («123» or «№ 123»), or in old files the tracking code. Tracking
    codes are the authors' secrets and are never written to a file, only still read."""
    numbers = {int(c.lstrip("№ ")) for c in references if c.lstrip("№ ").isdigit()}
    found: dict[str, Proposal] = {}
    for p in Proposal.objects.filter(
        Q(pk__in=numbers) | Q(tracking_code__in=references)
    ).select_related("campaign"):
        found[str(p.pk)] = p
        found[f"№ {p.pk}"] = p
        found[p.tracking_code] = p
    return found


def proposals_of_author(user: Any) -> list[Proposal]:
    """«Мои предложения»: what a signed-in resident sent, newest first, any status."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        Proposal.objects.filter(author=user)
        .select_related("municipality", "campaign")
        .order_by("-created_at", "-pk")
    )
