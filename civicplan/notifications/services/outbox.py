"""Sending the outbox exactly once.

A row moves pending → claimed → sending → sent. Claiming takes a batch with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers, and the claim
is a conditional UPDATE everywhere), stamps it with this worker's token and commits, so two
workers never hold the same row. Just before the hand-over to the mail server the rows of
a small group (`NOTIFICATIONS_HAND_OVER`, 20) become `sending`; right after, `sent`.

What a killed worker leaves behind is decided by `outbox_recover`: rows still `claimed`
after the lease were never handed over, so they go back to `pending` and are sent once by
the next worker; a row left in `sending` may or may not have reached the server, so it
becomes `uncertain` and is never resent automatically (an administrator decides). Every
letter carries a Message-ID derived from its idempotency key.

A refused address (5xx, recipients refused) fails the row and marks the subscriber's
address as not accepting mail; temporary errors retry with exponential back-off up to
`MAX_ATTEMPTS`, then fail.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.notifications.emails import build_email
from civicplan.notifications.models import (
    Notification,
    OutboxKind,
    OutboxMessage,
    OutboxState,
    Subscriber,
)
from civicplan.notifications.services import email_allowed

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 6


def backoff(attempts: int) -> dt.timedelta:
    """2, 4, 8 … minutes, at most six hours."""
    return dt.timedelta(minutes=min(2 ** max(1, attempts), 360))


def outbox_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    stale = now - LEASE
    back = OutboxMessage.objects.filter(state=OutboxState.CLAIMED, claimed_at__lt=stale).update(
        state=OutboxState.PENDING, claim_token="", claimed_at=None
    )
    unknown = OutboxMessage.objects.filter(state=OutboxState.SENDING, claimed_at__lt=stale).update(
        state=OutboxState.UNCERTAIN,
        last_error=_("Обработчик остановился во время передачи письма почтовому серверу."),
    )
    if unknown:
        logger.warning("%s outbox letters may or may not have been sent", unknown)
    return {"returned": back, "uncertain": unknown}


def outbox_claim(
    *, limit: int = 100, now: dt.datetime | None = None, token: str | None = None
) -> tuple[str, list[int]]:
    now = now or timezone.now()
    token = token or str(uuid.uuid4())
    with transaction.atomic():
        due = OutboxMessage.objects.filter(
            state=OutboxState.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        OutboxMessage.objects.filter(pk__in=ids, state=OutboxState.PENDING).update(
            state=OutboxState.CLAIMED, claim_token=token, claimed_at=now
        )
    mine = list(
        OutboxMessage.objects.filter(claim_token=token, state=OutboxState.CLAIMED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return token, mine


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= int(exc.smtp_code) < 600
    return False


def _may_send(message: OutboxMessage) -> bool:
    subscriber = message.subscriber
    if message.kind == OutboxKind.CONFIRM:
        consent = subscriber.consent
        return bool(
            subscriber.email
            and consent
            and consent.withdrawn_at is None
            and not subscriber.bounced_at
            and not subscriber.email_stopped_at
        )
    return email_allowed(subscriber)


def _failed(message: OutboxMessage, token: str, exc: Exception, now: dt.datetime) -> str:
    """Record a refusal (the address) or a temporary error (retry later, then give up)."""
    sending = OutboxMessage.objects.filter(
        pk=message.pk, state=OutboxState.SENDING, claim_token=token
    )
    error = f"{type(exc).__name__}: {exc}"[:500]
    attempts = message.attempts + 1
    if _permanent(exc):
        sending.update(
            state=OutboxState.FAILED, attempts=attempts, last_error=error, claim_token=""
        )
        Subscriber.objects.filter(pk=message.subscriber_id).update(
            bounced_at=now, bounce_reason=error
        )
        logger.warning("Outbox %s: address refused", message.pk)
        return OutboxState.FAILED
    if attempts >= MAX_ATTEMPTS:
        sending.update(
            state=OutboxState.FAILED, attempts=attempts, last_error=error, claim_token=""
        )
        return OutboxState.FAILED
    sending.update(
        state=OutboxState.PENDING,
        attempts=attempts,
        last_error=error,
        claim_token="",
        claimed_at=None,
        next_attempt_at=now + backoff(attempts),
    )
    logger.info("Outbox %s: will retry (%s)", message.pk, error)
    return OutboxState.PENDING


def outbox_deliver_many(
    *, message_ids: list[int], token: str, mail_connection: Any = None
) -> dict[str, int]:
    """Send claimed rows: render them all, mark them `sending` in one write, hand them to the
    mail server one by one, then mark the delivered ones `sent` in one write.

    A worker killed during the hand-over leaves at most this group in `sending` (→ uncertain,
    never resent); a smaller group narrows that window, a larger one writes less."""
    counts: dict[str, int] = {}
    rows = list(
        OutboxMessage.objects.filter(
            pk__in=message_ids, state=OutboxState.CLAIMED, claim_token=token
        )
        .select_related("subscriber__user", "subscriber__consent")
        .prefetch_related(
            Prefetch("notifications", queryset=Notification.objects.select_related("event"))
        )
        .order_by("pk")
    )
    counts["lost"] = len(message_ids) - len(rows)
    ready: list[tuple[OutboxMessage, Any]] = []
    skipped: list[int] = []
    for message in rows:
        email = build_email(message) if _may_send(message) else None
        if email is None:
            skipped.append(message.pk)
        else:
            ready.append((message, email))
    if skipped:
        OutboxMessage.objects.filter(pk__in=skipped, claim_token=token).update(
            state=OutboxState.SKIPPED, claim_token=""
        )
        counts[OutboxState.SKIPPED] = len(skipped)
    if not ready:
        return {k: v for k, v in counts.items() if v}
    now = timezone.now()
    OutboxMessage.objects.filter(
        pk__in=[m.pk for m, _e in ready], state=OutboxState.CLAIMED, claim_token=token
    ).update(state=OutboxState.SENDING, claimed_at=now)
    connection_ = mail_connection or get_connection()
    delivered: list[int] = []
    for message, email in ready:
        try:
            connection_.send_messages([email])
        except Exception as exc:  # the mail server said no, or is away
            state = _failed(message, token, exc, now)
            counts[state] = counts.get(state, 0) + 1
        else:
            delivered.append(message.pk)
    if delivered:
        OutboxMessage.objects.filter(
            pk__in=delivered, state=OutboxState.SENDING, claim_token=token
        ).update(state=OutboxState.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1)
        counts[OutboxState.SENT] = len(delivered)
    return {k: v for k, v in counts.items() if v}


def outbox_deliver(*, message_id: int, token: str, mail_connection: Any = None) -> str:
    """Send one claimed row; returns its new state (or `lost` if another worker owns it)."""
    counts = outbox_deliver_many(
        message_ids=[message_id], token=token, mail_connection=mail_connection
    )
    return next(iter(counts)) if counts else "lost"


def outbox_send(
    *, limit: int = 500, batch: int = 100, hand_over: int | None = None
) -> dict[str, int]:
    """Recover what dead workers left, then send due letters in batches (up to `limit`)."""
    group = hand_over or int(getattr(settings, "NOTIFICATIONS_HAND_OVER", 20))
    counts: dict[str, int] = dict(outbox_recover())
    mail_connection = get_connection()
    done = 0
    while done < limit:
        token, ids = outbox_claim(limit=min(batch, limit - done))
        if not ids:
            break
        for start in range(0, len(ids), group):
            part = outbox_deliver_many(
                message_ids=ids[start : start + group], token=token, mail_connection=mail_connection
            )
            for state, n in part.items():
                counts[state] = counts.get(state, 0) + n
        done += len(ids)
    return counts
