"""The home page of the current campaign and a page per campaign."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone

from civicplan.campaigns.models import Campaign
from civicplan.campaigns.selectors import campaign_current, phase_current
from civicplan.core.pagecache import csrf_fill, public_page, shared_fragment
from civicplan.core.registry import HomeBlock, home_blocks

HOME_TOPICS = ("campaigns", "strategy", "territories")


# What the home page reads of the current campaign for each visitor (its title, and its
# number for the shared parts' names); the shared parts read it in full (`_in_full`).
HOME_CAMPAIGN_FIELDS = ("id", "title", "slug", "region_id", "strategy_id", "is_published")


def _current_campaign_pk() -> str:
    campaign = campaign_current()
    return str(campaign.pk) if campaign is not None else ""


def _home_campaign() -> Campaign | None:
    """The current campaign for the home page: which one it is is kept with the shared parts
    (under `campaigns`, per day, as the campaign's dates decide), then one short query."""
    found = shared_fragment(
        f"home:current-campaign:{timezone.localdate().isoformat()}",
        ("campaigns",),
        _current_campaign_pk,
    )
    if not found:
        return None
    campaign = (
        Campaign.objects.only(*HOME_CAMPAIGN_FIELDS)
        .filter(pk=int(found), is_published=True)
        .first()
    )
    return campaign if campaign is not None else campaign_current()


def _in_full(campaign: Campaign | None) -> Campaign | None:
    """The campaign with every field and its region and strategy, for a shared part."""
    if campaign is None or not campaign.get_deferred_fields():
        return campaign
    return Campaign.objects.select_related("region", "strategy").get(pk=campaign.pk)


def _campaign_context(request: HttpRequest, campaign: Campaign | None) -> dict[str, object]:
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
    shared = None
    if campaign is not None:
        shared = json.loads(
            shared_fragment(
                f"home:campaign:{campaign.pk}",
                HOME_TOPICS,
                functools.partial(_render_campaign, campaign.pk),
            )
        )
    return {"campaign": campaign, "blocks": blocks, "shared": shared}


def _render_campaign(pk: int) -> str:
    """The campaign's heading, directions and phases: the same for every visitor."""
    campaign = Campaign.objects.select_related("region", "strategy").get(pk=pk)
    context = {
        "campaign": campaign,
        "phase": phase_current(campaign),
        "phases": list(campaign.phases.all()),
        "directions": list(campaign.strategy.directions.all()) if campaign.strategy else [],
    }
    return json.dumps(
        {
            part: render_to_string("campaigns/partials/home_shared.html", {**context, "part": part})
            for part in ("hero", "tail")
        }
    )


def _render_shared(block: HomeBlock, request: HttpRequest, campaign: Campaign | None) -> str:
    """A block that shows the same to everyone: rendered without the request (no user, no
    CSRF token can get in)."""
    context = block.context(request, _in_full(campaign))
    if context is None:
        return ""
    return render_to_string(block.template, {"block": context})


@public_page
def home(request: HttpRequest) -> HttpResponse:
    campaign = _home_campaign()
    response = render(request, "campaigns/home.html", _campaign_context(request, campaign))
    return csrf_fill(request, response)


@public_page
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(
        Campaign.objects.select_related("region", "strategy"), slug=slug, is_published=True
    )
    response = render(request, "campaigns/home.html", _campaign_context(request, campaign))
    return csrf_fill(request, response)
