"""Writes of the campaigns app: a campaign and its phases by their natural keys.

Campaigns are set up by the ministry in the admin; loaders (the demo region) go through here.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from civicplan.campaigns.models import Campaign, Phase


@transaction.atomic
def campaign_upsert(
    *,
    slug: str,
    region: Any,
    strategy: Any,
    title: str,
    summary: str,
    description: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
) -> Campaign:
    """Create the campaign with this slug or bring its fields up to date."""
    campaign, _created = Campaign.objects.update_or_create(
        slug=slug,
        defaults={
            "region": region,
            "strategy": strategy,
            "title": title,
            "summary": summary,
            "description": description,
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    return campaign


@transaction.atomic
def phase_upsert(*, campaign: Campaign, kind: str, **fields: Any) -> Phase:
    """Create the campaign's phase of this kind or bring its fields up to date."""
    phase, _created = Phase.objects.update_or_create(campaign=campaign, kind=kind, defaults=fields)
    return phase
