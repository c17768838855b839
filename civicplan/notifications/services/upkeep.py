"""Writes staff and the 152-FZ machinery ask for: clearing a bounce, requeueing letters,
erasing a person's subscriptions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from civicplan.notifications.models import OutboxMessage, OutboxState, ProblemFeedback, Subscriber


@transaction.atomic
def subscribers_bounce_clear(*, subscribers: QuerySet[Subscriber]) -> int:
    """The address takes mail again (staff checked it): forget the bounce."""
    return subscribers.update(bounced_at=None, bounce_reason="")


@transaction.atomic
def outbox_requeue(*, messages: QuerySet[OutboxMessage]) -> int:
    """Send again the letters whose fate is unknown or that failed; others are left alone."""
    return messages.filter(state__in=(OutboxState.UNCERTAIN, OutboxState.FAILED)).update(
        state=OutboxState.PENDING, claim_token="", next_attempt_at=timezone.now(), attempts=0
    )


@transaction.atomic
def subscribers_erase(*, subscribers: QuerySet[Subscriber]) -> int:
    """Delete subscribers with their follows and notifications; their answers to «Решена ли
    проблема?» stay as anonymous counts with the comment blanked."""
    ids = list(subscribers.values_list("pk", flat=True))
    ProblemFeedback.objects.filter(subscriber_id__in=ids).update(comment="", subscriber=None)
    Subscriber.objects.filter(pk__in=ids).delete()
    return len(ids)
