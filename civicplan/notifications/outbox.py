"""Sending the outbox exactly once.

A row moves pending → claimed → sending → sent. Claiming takes a batch with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers, and the claim
is a conditional UPDATE everywhere), stamps it with this worker's token and commits, so two
workers never hold the same row. Just before the hand-over to the mail server the row
becomes `sending`; right after, `sent`.

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

from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone

from civicplan.notifications.emails import build_email
from civicplan.notifications.models import OutboxKind, OutboxMessage, OutboxState, Subscriber
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
        last_error="Обработчик остановился во время передачи письма почтовому серверу.",
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


def outbox_deliver(*, message_id: int, token: str, mail_connection: Any = None) -> str:
    """Send one claimed row; returns its new state (or `lost` if another worker owns it)."""
    owned = OutboxMessage.objects.filter(
        pk=message_id, state=OutboxState.CLAIMED, claim_token=token
    )
    message = owned.select_related("subscriber__user", "subscriber__consent").first()
    if message is None:
        return "lost"
    now = timezone.now()
    email = build_email(message) if _may_send(message) else None
    if email is None:
        owned.update(state=OutboxState.SKIPPED, claim_token="")
        return OutboxState.SKIPPED
    if owned.update(state=OutboxState.SENDING, claimed_at=now) != 1:
        return "lost"
    sending = OutboxMessage.objects.filter(
        pk=message_id, state=OutboxState.SENDING, claim_token=token
    )
    try:
        (mail_connection or get_connection()).send_messages([email])
    except Exception as exc:  # the mail server said no, or is away
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
    sending.update(state=OutboxState.SENT, sent_at=timezone.now(), attempts=message.attempts + 1)
    return OutboxState.SENT


def outbox_send(*, limit: int = 500, batch: int = 100) -> dict[str, int]:
    """Recover what dead workers left, then send due letters in batches (up to `limit`)."""
    counts: dict[str, int] = dict(outbox_recover())
    mail_connection = get_connection()
    done = 0
    while done < limit:
        token, ids = outbox_claim(limit=min(batch, limit - done))
        if not ids:
            break
        for pk in ids:
            state = outbox_deliver(message_id=pk, token=token, mail_connection=mail_connection)
            counts[state] = counts.get(state, 0) + 1
        done += len(ids)
    return counts
