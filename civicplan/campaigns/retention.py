"""Retention (152-FZ): personal data collected in a campaign are erased once the campaign has
been over for longer than its `retention_days`. The work is done by the erasers that apps
register in `civicplan.core.registry`; the proposals stay, anonymous."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.services import audit_log_write
from civicplan.campaigns.models import Campaign
from civicplan.core.registry import personal_data_erasers

logger = logging.getLogger(__name__)


@dataclass
class CampaignRetention:
    campaign_id: int
    title: str
    ended_on: date
    erase_after: date
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    campaigns: list[CampaignRetention] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.campaigns)

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "dry_run": self.dry_run,
            "total": self.total,
            "campaigns": [
                {
                    "id": c.campaign_id,
                    "title": c.title,
                    "ended_on": c.ended_on.isoformat(),
                    "erase_after": c.erase_after.isoformat(),
                    "counts": c.counts,
                }
                for c in self.campaigns
            ],
        }


def _eraser_name(fn: Any) -> str:
    return f"{fn.__module__}.{fn.__name__}"


def campaigns_past_retention(today: date) -> list[Any]:
    """Campaigns whose retention period after the end has passed by `today`."""
    return [
        c
        for c in Campaign.objects.filter(ends_on__lt=today).order_by("ends_on", "pk")
        if c.ends_on + timedelta(days=c.retention_days) < today
    ]


def retention_run(*, dry_run: bool = False, today: date | None = None) -> RetentionReport:
    """Erase (or with `dry_run` only count) personal data past retention, campaign by campaign.

    Each campaign is erased in its own transaction, so a failure stops at a campaign boundary
    and a second run continues where the first stopped (erasers skip erased records).
    """
    today = today or timezone.localdate()
    report = RetentionReport(today=today, dry_run=dry_run)
    for campaign in campaigns_past_retention(today):
        item = CampaignRetention(
            campaign_id=campaign.pk,
            title=campaign.title,
            ended_on=campaign.ends_on,
            erase_after=campaign.ends_on + timedelta(days=campaign.retention_days),
        )
        with transaction.atomic():
            for eraser in personal_data_erasers():
                item.counts[_eraser_name(eraser)] = int(
                    eraser(campaign=campaign, dry_run=dry_run) or 0
                )
            if not dry_run and item.total:
                audit_log_write(
                    actor=None,
                    action="personal_data.retention_erase",
                    obj=campaign,
                    reason=_("истёк срок хранения персональных данных"),
                    details=item.counts,
                )
        report.campaigns.append(item)
    logger.info(
        "Retention %s: %s records in %s campaigns",
        "dry run" if dry_run else "run",
        report.total,
        len(report.campaigns),
    )
    return report
