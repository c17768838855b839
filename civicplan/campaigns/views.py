"""The home page of the current campaign and a page per campaign."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_current, phase_current
from civicplan.core.pagecache import public_page
from civicplan.core.registry import home_blocks


def _campaign_context(request: HttpRequest, campaign: Campaign | None) -> dict[str, object]:
    phase = phase_current(campaign) if campaign else None
    phases = list(campaign.phases.all()) if campaign else []
    directions = list(campaign.strategy.directions.all()) if campaign and campaign.strategy else []
    blocks = []
    for block in home_blocks():
        context = block.context(request, campaign)
        if context is not None:
            blocks.append({"template": block.template, "context": context})
    return {
        "campaign": campaign,
        "phase": phase,
        "phases": phases,
        "directions": directions,
        "blocks": blocks,
    }


@public_page
def home(request: HttpRequest) -> HttpResponse:
    campaign = campaign_current()
    return render(request, "campaigns/home.html", _campaign_context(request, campaign))


@public_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("region", "strategy"), slug=slug, is_published=True
    )
    return render(request, "campaigns/home.html", _campaign_context(request, campaign))
