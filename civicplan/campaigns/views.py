"""The home page of the current campaign and a page per campaign."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string

from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_current, phase_current
from civicplan.core.pagecache import public_page, shared_fragment
from civicplan.core.registry import HomeBlock, home_blocks


def _campaign_context(request: HttpRequest, campaign: Campaign | None) -> dict[str, object]:
    phase = phase_current(campaign) if campaign else None
    phases = list(campaign.phases.all()) if campaign else []
    directions = list(campaign.strategy.directions.all()) if campaign and campaign.strategy else []
    blocks: list[dict[str, Any]] = []
    for block in home_blocks():
        if block.shared_topics is not None:
            html = shared_fragment(
                f"home:{block.template}:{campaign.pk if campaign else ''}",
                block.shared_topics,
                functools.partial(_render_shared, block, request, campaign),
            )
            if html:
                blocks.append({"html": html})
            continue
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


def _render_shared(block: HomeBlock, request: HttpRequest, campaign: Campaign | None) -> str:
    """A block that shows the same to everyone: rendered without the request (no user, no
    CSRF token can get in)."""
    context = block.context(request, campaign)
    if context is None:
        return ""
    return render_to_string(block.template, {"block": context})


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
