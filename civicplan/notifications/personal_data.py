"""152-FZ: what the notifications app keeps about a person, in the export, and its erasure."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from civicplan.notifications.models import Follow, Notification, ProblemFeedback, Subscriber
from civicplan.notifications.services.upkeep import subscribers_erase


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def export(user: Any) -> dict[str, Any]:
    subscriber = Subscriber.objects.filter(user=user).first()
    if subscriber is None:
        return {}
    return {
        "notifications": {
            "email_modes": subscriber.email_modes,
            "email_stopped_at": _iso(subscriber.email_stopped_at),
            "follows": [
                {"kind": f.kind, "id": f.target_id, "source": f.source, "since": _iso(f.created_at)}
                for f in Follow.objects.filter(subscriber=subscriber)
            ],
            "notifications": [
                {
                    "title": n.event.title,
                    "url": n.event.url,
                    "created_at": _iso(n.created_at),
                    "read_at": _iso(n.read_at),
                }
                for n in Notification.objects.filter(subscriber=subscriber).select_related("event")
            ],
            "problem_feedback": [
                {
                    "measure": f.measure_id,
                    "proposal": f.proposal_id,
                    "answer": f.answer,
                    "comment": f.comment,
                    "answered_at": _iso(f.answered_at),
                }
                for f in ProblemFeedback.objects.filter(subscriber=subscriber)
            ],
        }
    }


def erase(*, user: Any = None, campaign: Any = None, dry_run: bool = False) -> int:
    """Forget a user's subscriptions and notifications (answers to «Решена ли проблема?»
    stay as anonymous counts, their comments are blanked); for a campaign's retention, the
    anonymous addresses that followed its proposals."""
    if user is not None:
        subscribers = Subscriber.objects.filter(user=user)
    elif campaign is not None:
        from civicplan.proposals.models import Proposal

        ids = Proposal.objects.filter(campaign=campaign).values_list("pk", flat=True)
        subscribers = Subscriber.objects.filter(
            Q(user__isnull=True), follows__kind="proposal", follows__target_id__in=ids
        ).distinct()
    else:
        return 0
    count = subscribers.count()
    if dry_run:
        return count
    subscribers_erase(subscribers=subscribers)
    return count
