"""Scheduled work of campaigns (Celery beat: see CELERY_BEAT_SCHEDULE in config/settings.py)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="campaigns.retention_erase", acks_late=True)
def retention_erase() -> dict:
    from civicplan.campaigns.retention import retention_run

    return retention_run().as_dict()
