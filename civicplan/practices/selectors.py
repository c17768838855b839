"""Reads of the practice library: search with filters, a practice, the moderation queue."""

from __future__ import annotations

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from civicplan.practices.models import Domain, Practice, PracticeResult, PracticeStatus


def domain_list() -> QuerySet[Domain]:
    return Domain.objects.order_by("order", "name")


def _with_related(qs: QuerySet[Practice]) -> QuerySet[Practice]:
    return qs.select_related("region", "municipality").prefetch_related(
        "domains", Prefetch("figures", queryset=PracticeResult.objects.order_by("order", "id"))
    )


def _search(qs: QuerySet[Practice], term: str) -> QuerySet[Practice]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "problem", "actions", "results", config="russian")
        return qs.annotate(search=vector).filter(
            Q(search=SearchQuery(term, config="russian", search_type="websearch"))
            | Q(title__icontains=term)
        )
    # SQLite folds ASCII case only: also try the capitalised and lower-case forms.
    variants = {term, term.lower(), term[:1].upper() + term[1:]}
    condition = Q()
    for v in variants:
        for field in ("title", "problem", "actions", "results"):
            condition |= Q(**{f"{field}__contains": v})
    return qs.filter(condition)


def practice_list(
    *,
    search: str | None = None,
    domain: str | None = None,
    region_code: int | None = None,
    municipality_oktmo: str | None = None,
    with_figures: bool = False,
    examples: bool | None = None,
) -> QuerySet[Practice]:
    """Published practices matching the filters, newest first."""
    qs = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    if search and search.strip():
        qs = _search(qs, search.strip())
    if domain:
        qs = qs.filter(domains__code=domain)
    if region_code is not None:
        qs = qs.filter(region__code=region_code)
    if municipality_oktmo:
        qs = qs.filter(municipality__oktmo=municipality_oktmo)
    if with_figures:
        qs = qs.filter(figures__isnull=False)
    if examples is not None:
        qs = qs.filter(is_example=examples)
    return _with_related(qs.distinct()).order_by("-published_at", "-id")


def practice_detail(pk: int) -> Practice | None:
    return (
        _with_related(Practice.objects.filter(pk=pk))
        .select_related("proposed_by", "moderated_by")
        .prefetch_related("documents")
        .first()
    )


def moderation_queue(
    *, region_ids: frozenset[int] | None = None, everything: bool = False
) -> QuerySet[Practice]:
    qs = Practice.objects.filter(status=PracticeStatus.PROPOSED)
    if not everything:
        qs = qs.filter(region_id__in=region_ids or [])
    return _with_related(qs).select_related("proposed_by").order_by("created_at")


def practices_proposed_by(user: object) -> QuerySet[Practice]:
    return _with_related(Practice.objects.filter(proposed_by=user)).order_by("-created_at")


def published_for_matching() -> list[Practice]:
    return list(
        Practice.objects.filter(status=PracticeStatus.PUBLISHED)
        .select_related("region", "municipality")
        .prefetch_related("domains")
        .order_by("id")
    )
