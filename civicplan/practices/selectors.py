"""Reads of the practice library: search with filters, a practice, the moderation queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Prefetch, QuerySet

from civicplan.analytics.text.similar import SimilarityIndex
from civicplan.core.similarity import text_index
from civicplan.practices.models import Domain, Practice, PracticeResult, PracticeStatus


def domain_list() -> QuerySet[Domain]:
    return Domain.objects.order_by("order", "name")


def _with_related(qs: QuerySet[Practice]) -> QuerySet[Practice]:
    return qs.select_related("region", "municipality").prefetch_related(
        "domains", Prefetch("figures", queryset=PracticeResult.objects.order_by("order", "id"))
    )


def _search(qs: QuerySet[Practice], term: str) -> QuerySet[Practice]:
    """Practices whose text has every word of `term` in any form («ярмарки» finds «ярмарка»),
    the same on SQLite and PostgreSQL: the shared lemmatising index of the library."""
    found = [pk for pk, _score in practice_text_index().search(term)]
    return qs.filter(pk__in=found)


def practice_text_index() -> SimilarityIndex:
    """The published library in the shared text index (rebuilt when a practice changes)."""
    published = Practice.objects.filter(status=PracticeStatus.PUBLISHED)
    stamp = published.aggregate(n=Count("id"), latest=Max("updated_at"), last=Max("id"))

    def documents() -> list[tuple[int, str]]:
        rows = published.order_by("id").values_list("pk", "title", "problem", "actions", "results")
        return [
            (pk, f"{title}. {problem} {actions} {results}")
            for pk, title, problem, actions, results in rows
        ]

    return text_index(
        "practices", version=(stamp["n"], stamp["latest"], stamp["last"]), documents=documents
    )


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


def practices_proposed_by(user: Any) -> QuerySet[Practice]:
    return _with_related(Practice.objects.filter(proposed_by=user)).order_by("-created_at")


def published_for_matching() -> list[Practice]:
    return list(
        Practice.objects.filter(status=PracticeStatus.PUBLISHED)
        .select_related("region", "municipality")
        .prefetch_related("domains")
        .order_by("id")
    )
