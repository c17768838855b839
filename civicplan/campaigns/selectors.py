"""Which campaign and phase are current."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from civicplan.campaigns.models import Campaign, Phase


def _today() -> datetime.date:
    return timezone.localdate()


def campaign_list() -> list[Campaign]:
    return list(
        Campaign.objects.filter(is_published=True)
        .select_related("region", "strategy")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("order", "starts_on")))
    )


def campaign_current(
    *, region_code: int | None = None, today: datetime.date | None = None
) -> Campaign | None:
    """The published campaign running today; otherwise the latest one that has started."""
    today = today or _today()
    qs = Campaign.objects.filter(is_published=True).select_related("region", "strategy")
    if region_code is not None:
        qs = qs.filter(region__code=region_code)
    running = (
        qs.filter(starts_on__lte=today, ends_on__gte=today).order_by("-starts_on", "pk").first()
    )
    return running or qs.filter(starts_on__lte=today).order_by("-starts_on").first() or qs.first()


def phase_current(campaign: Campaign, *, today: datetime.date | None = None) -> Phase | None:
    today = today or _today()
    return (
        campaign.phases.filter(starts_on__lte=today, ends_on__gte=today).order_by("order").first()
    )


def campaign_accepts_proposals(
    campaign: Campaign, *, today: datetime.date | None = None
) -> Phase | None:
    """The open phase in which proposals are accepted today, or None."""
    today = today or _today()
    return (
        campaign.phases.filter(starts_on__lte=today, ends_on__gte=today, accepts_proposals=True)
        .order_by("order")
        .first()
    )
