"""Blocks of the home page: the latest news with the most read, and the current poll."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from civicplan.publications import selectors


def home_news(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    articles = selectors.articles_published()
    region_id = None
    if campaign is not None:
        region_id = campaign.region_id
        articles = articles.filter(Q(campaign__region_id=region_id) | Q(campaign__isnull=True))
    latest = list(articles.order_by("-publish_at")[:3])
    if not latest:
        return None
    return {"latest": latest, "top": selectors.top_read(region_id=region_id)}


def home_poll(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    from civicplan.publications.views import poll_context

    polls = selectors.polls_current()
    if campaign is not None:
        polls = polls.filter(Q(campaign=campaign) | Q(campaign__isnull=True))
    poll = polls.filter(municipality__isnull=True).first() or polls.first()
    if poll is None:
        return None
    return {"p": poll_context(request, poll, next_url="/")}
