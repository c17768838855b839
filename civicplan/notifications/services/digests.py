"""Letters made on a schedule (Celery beat): daily and weekly digests, the moderators'
morning summary, reminders the day before a session. Each letter has an idempotency key
(kind, period, subscriber), so running a schedule twice queues nothing twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from civicplan.notifications.models import (
    EmailMode,
    Notification,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Subscriber,
)
from civicplan.notifications.services import BATCH, receivable_q, sender_kick

STAFF_ITEMS = 10
DUE_SOON_DAYS = 3


def period_key(mode: str, moment: dt.datetime) -> str:
    day = timezone.localtime(moment).date()
    if mode == EmailMode.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def email_ready_q() -> Q:
    """Subscribers a letter may go to now (the sender checks again before sending)."""
    return (
        receivable_q()
        & Q(email_stopped_at__isnull=True, bounced_at__isnull=True)
        & (Q(user__isnull=True) | Q(user__email_confirmed_at__isnull=False))
    )


def digest_queue(*, mode: str, now: dt.datetime | None = None) -> int:
    """Gather every not-yet-mailed notification of `mode` into one letter per subscriber."""
    if mode not in (EmailMode.DAILY, EmailMode.WEEKLY):
        raise ValueError(mode)
    now = now or timezone.now()
    prefix = f"{mode}:{period_key(mode, now)}:"
    waiting = Notification.objects.filter(email_mode=mode, outbox__isnull=True)
    subscriber_ids = sorted(set(waiting.values_list("subscriber_id", flat=True)))
    queued = 0
    for chunk in _chunks(subscriber_ids):
        with transaction.atomic():
            ready = set(
                Subscriber.objects.filter(pk__in=chunk)
                .filter(email_ready_q())
                .values_list("pk", flat=True)
            )
            blocked = set(chunk) - ready
            if blocked:  # nobody to mail: these stay in the site list only
                waiting.filter(subscriber_id__in=blocked).update(email_mode=EmailMode.OFF)
            if not ready:
                continue
            OutboxMessage.objects.bulk_create(
                [
                    OutboxMessage(
                        subscriber_id=pk,
                        kind=mode,
                        key=f"{prefix}{pk}",
                        payload={"period": prefix.rstrip(":")},
                        next_attempt_at=timezone.now(),
                    )
                    for pk in ready
                ],
                ignore_conflicts=True,
            )
            letter = OutboxMessage.objects.filter(
                subscriber_id=OuterRef("subscriber_id"),
                key__startswith=prefix,
                state=OutboxState.PENDING,
            ).values("pk")[:1]
            queued += waiting.filter(subscriber_id__in=ready).update(outbox_id=Subquery(letter))
            sender_kick()
    return queued


# --- the moderators' morning summary ------------------------------------------------------


def staff_digest_queue(*, now: dt.datetime | None = None) -> int:
    """Each moderator gets the queue and the answers due soon or late — of his territory only."""
    from civicplan.accounts.models import Role, RoleAssignment, User
    from civicplan.accounts.selectors import user_scope
    from civicplan.notifications.services import subscriber_for_user
    from civicplan.proposals.models import Comment, CommentStatus, Proposal, ProposalStatus

    now = now or timezone.now()
    today = timezone.localdate(now)
    roles = (Role.MUNICIPAL_MODERATOR, Role.REGIONAL_MODERATOR)
    user_ids = set(
        RoleAssignment.objects.filter(role__in=(*roles, Role.REGIONAL_ADMIN)).values_list(
            "user_id", flat=True
        )
    )
    queued = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        subscriber = subscriber_for_user(user)
        if subscriber.email_mode("staff") == EmailMode.OFF:
            continue
        scope = user_scope(user, roles)
        if scope.is_empty:
            continue
        mine = scope.filter(
            Proposal.objects.all(),
            municipality_field="municipality",
            region_field="campaign__region",
        )
        open_answers = mine.filter(answered_at__isnull=True, answer_due_on__isnull=False).exclude(
            status__in=(ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN)
        )
        queue = mine.filter(status=ProposalStatus.NEW).order_by("answer_due_on", "created_at")
        soon = open_answers.filter(
            answer_due_on__gte=today, answer_due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
        ).order_by("answer_due_on")
        late = open_answers.filter(answer_due_on__lt=today).order_by("answer_due_on")
        comments = scope.filter(
            Comment.objects.filter(status=CommentStatus.PENDING),
            municipality_field="proposal__municipality",
            region_field="proposal__campaign__region",
        ).count()

        def items(rows: Any) -> list[dict[str, Any]]:
            return [
                {
                    "id": p.pk,
                    "title": str(p)[:120],
                    "due": p.answer_due_on.isoformat() if p.answer_due_on else "",
                }
                for p in rows[:STAFF_ITEMS]
            ]

        payload = {
            "date": today.isoformat(),
            "queue": queue.count(),
            "queue_items": items(queue),
            "soon": soon.count(),
            "soon_items": items(soon),
            "late": late.count(),
            "late_items": items(late),
            "comments": comments,
        }
        if not (payload["queue"] or payload["soon"] or payload["late"] or comments):
            continue
        with transaction.atomic():
            _message, created = OutboxMessage.objects.get_or_create(
                key=f"staff:{today.isoformat()}:{subscriber.pk}",
                defaults={
                    "subscriber": subscriber,
                    "kind": OutboxKind.STAFF,
                    "payload": payload,
                    "next_attempt_at": timezone.now(),
                },
            )
            if created:
                queued += 1
                sender_kick()
    return queued


# --- the day before a session ------------------------------------------------------------


def session_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Remind every registered participant with a confirmed address, with an .ics file."""
    from civicplan.meetings.models import Participant, ParticipantStatus, Session, SessionState
    from civicplan.notifications.models import Category
    from civicplan.notifications.services import _subscriber_ids_for_users

    now = now or timezone.now()
    queued = 0
    sessions = Session.objects.filter(
        is_published=True,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=48),
    ).exclude(state=SessionState.FINISHED)
    for session in sessions:
        zone = zoneinfo.ZoneInfo(session.timezone or "Europe/Moscow")
        tomorrow = now.astimezone(zone).date() + dt.timedelta(days=1)
        if session.starts_at.astimezone(zone).date() != tomorrow:
            continue
        participants = Participant.objects.filter(session=session).exclude(
            status__in=(ParticipantStatus.CANCELLED, ParticipantStatus.WAITLISTED)
        )
        user_ids = {p.user_id for p in participants if p.user_id}
        emails = {p.email.lower() for p in participants if not p.user_id and p.email}
        with transaction.atomic():
            _subscriber_ids_for_users(user_ids)
            subscribers = (
                Subscriber.objects.filter(
                    Q(user_id__in=user_ids) | Q(user__isnull=True, email__in=emails)
                )
                .filter(email_ready_q())
                .select_related("user")
            )
            for subscriber in subscribers:
                if subscriber.email_mode(Category.SESSION) == EmailMode.OFF:
                    continue
                _message, created = OutboxMessage.objects.get_or_create(
                    key=f"reminder:{session.pk}:{subscriber.pk}",
                    defaults={
                        "subscriber": subscriber,
                        "kind": OutboxKind.REMINDER,
                        "payload": {"session": session.pk},
                        "next_attempt_at": timezone.now(),
                    },
                )
                queued += int(created)
            if queued:
                sender_kick()
    return queued
