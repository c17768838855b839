"""Thin Celery tasks; safe to run twice (the outbox and its idempotency keys see to it).
Without a broker they run in process, as every task of the project."""

from __future__ import annotations

from celery import shared_task

from civicplan.notifications.models import EmailMode
from civicplan.notifications.services.digests import (
    digest_queue,
    session_reminders_queue,
    staff_digest_queue,
)
from civicplan.notifications.services.outbox import outbox_send


@shared_task(name="notifications.send_outbox", acks_late=True, reject_on_worker_lost=True)
def send_outbox() -> dict[str, int]:
    return outbox_send()


@shared_task(name="notifications.digest_daily")
def digest_daily() -> int:
    return digest_queue(mode=EmailMode.DAILY)


@shared_task(name="notifications.digest_weekly")
def digest_weekly() -> int:
    return digest_queue(mode=EmailMode.WEEKLY)


@shared_task(name="notifications.staff_digest")
def staff_digest() -> int:
    return staff_digest_queue()


@shared_task(name="notifications.session_reminders")
def session_reminders() -> int:
    return session_reminders_queue()
