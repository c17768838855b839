"""Scheduled work of the drafts app (Celery beat: CELERY_BEAT_SCHEDULE in config/settings.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="drafts.close_expired", acks_late=True)
def close_expired() -> int:
    from civicplan.drafts.services import versions_close_expired

    return versions_close_expired()
