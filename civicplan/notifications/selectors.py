"""Reads for the pages and the API: counters, lists, follows with their titles, «Мой кабинет»."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from civicplan.core.errors import NotFound
from civicplan.notifications.models import (
    FeedbackAnswer,
    Follow,
    Notification,
    ProblemFeedback,
    Subscriber,
    TargetKind,
)
from civicplan.notifications.targets import target_for
from civicplan.notifications.tokens import feedback_read, feedback_token


def subscriber_of(user: Any) -> Subscriber | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Subscriber.objects.filter(user=user).first()


def unread_count(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(subscriber__user=user, read_at__isnull=True).count()


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(subscriber__user=user).select_related("event")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")


def is_following(user: Any, kind: str, target_id: int) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return Follow.objects.filter(subscriber__user=user, kind=kind, target_id=target_id).exists()


@dataclass(frozen=True)
class FollowRow:
    follow: Follow
    title: str
    url: str


def follows_described(follows: Iterable[Follow]) -> list[FollowRow]:
    """Each follow with the title and address of what it follows (one query per kind)."""
    follows = list(follows)
    by_kind: dict[str, set[int]] = defaultdict(set)
    for follow in follows:
        by_kind[follow.kind].add(follow.target_id)
    loaded: dict[str, dict[int, Any]] = {}
    for kind, ids in by_kind.items():
        target = target_for(kind)
        loaded[kind] = target.load(ids) if target else {}
    rows = []
    for follow in follows:
        target = target_for(follow.kind)
        obj = loaded.get(follow.kind, {}).get(follow.target_id)
        if target is None or obj is None:
            title = str(follow.get_kind_display())
            rows.append(FollowRow(follow, title, ""))
            continue
        rows.append(FollowRow(follow, target.title(obj), target.url(obj)))
    return rows


def follows_for(subscriber: Subscriber | None) -> list[FollowRow]:
    if subscriber is None:
        return []
    return follows_described(
        Follow.objects.filter(subscriber=subscriber).order_by("kind", "-created_at")
    )


def feedback_by_token(token: str) -> ProblemFeedback:
    pk = feedback_read(token)
    feedback = (
        ProblemFeedback.objects.select_related("measure__strategy", "proposal")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if feedback is None:
        raise NotFound(_not_found_text())
    return feedback


def _not_found_text() -> str:
    from django.utils.translation import gettext as _

    return _("Ссылка устарела или повреждена.")


def feedback_counts(measure_ids: Iterable[int]) -> dict[str, int]:
    """How many authors answered yes / partly / no, and how many were asked."""
    rows = ProblemFeedback.objects.filter(measure_id__in=list(measure_ids))
    counts = {answer: 0 for answer in FeedbackAnswer.values}
    counts["asked"] = 0
    for row in rows.values("answer").annotate(n=Count("pk")):
        counts["asked"] += row["n"]
        if row["answer"]:
            counts[row["answer"]] = row["n"]
    counts["answered"] = sum(counts[a] for a in FeedbackAnswer.values)
    return counts


def feedback_comments(measure_id: int, *, limit: int = 20) -> list[ProblemFeedback]:
    return list(
        ProblemFeedback.objects.filter(measure_id=measure_id, answered_at__isnull=False)
        .exclude(comment="")
        .order_by("-answered_at")[:limit]
    )


def cabinet(user: Any) -> dict[str, Any]:
    """«Мой кабинет»: what the resident did and what became of it."""
    from civicplan.meetings.models import Participant
    from civicplan.proposals.models import Comment, Proposal, Support
    from civicplan.strategy.models import Measure

    measures = Prefetch(
        "strategy_measures",
        queryset=Measure.objects.select_related("strategy").only(
            "pk", "code", "title", "state", "progress", "strategy__slug"
        ),
    )
    proposals = list(
        Proposal.objects.filter(author=user)
        .select_related("municipality")
        .prefetch_related(measures, "answers")
        .order_by("-created_at")[:100]
    )
    subscriber = subscriber_of(user)
    feedback = (
        list(
            ProblemFeedback.objects.filter(
                subscriber=subscriber, answered_at__isnull=True
            ).select_related("measure", "proposal")
        )
        if subscriber
        else []
    )
    for item in feedback:
        item.token = feedback_token(feedback_id=item.pk)  # type: ignore[attr-defined]
    return {
        "proposals": proposals,
        "comments": list(
            Comment.objects.filter(author=user)
            .select_related("proposal")
            .order_by("-created_at")[:50]
        ),
        "supports": list(
            Support.objects.filter(user=user)
            .select_related("proposal")
            .order_by("-created_at")[:50]
        ),
        "sessions": list(
            Participant.objects.filter(user=user)
            .select_related("session")
            .order_by("-session__starts_at")[:50]
        ),
        "follows": follows_for(subscriber),
        "open_feedback": feedback,
        "kinds": TargetKind,
    }
