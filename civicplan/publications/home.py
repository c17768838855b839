"""Blocks of the home page: the latest news with the most read, and the current poll."""

from __future__ import annotations

import functools
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from civicplan.core.pagecache import csrf_placeholder, shared_fragment
from civicplan.publications import selectors
from civicplan.publications.visitor import hash_token, poll_cookie_token


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


POLL_TOPICS = ("publications", "campaigns")


def _home_poll_pk(campaign: Any) -> str:
    polls = selectors.polls_current()
    if campaign is not None:
        polls = polls.filter(Q(campaign=campaign) | Q(campaign__isnull=True))
    poll = polls.filter(municipality__isnull=True).first() or polls.first()
    return str(poll.pk) if poll is not None else ""


def _home_poll_render(request: HttpRequest, poll_pk: int, voted: bool, staff: bool) -> str:
    """The poll block as a visitor in this state sees it: rendered once for all of them,
    CSRF tokens as the page cache's placeholder (each visitor's own is put in on serving)."""
    from civicplan.publications.views import poll_block_context

    poll = selectors.poll_get(poll_pk)
    if poll is None:
        return ""
    context = poll_block_context(poll, voted=voted, staff=staff, next_url="/")
    return render_to_string(
        "publications/partials/poll.html",
        {"p": context, "user": {"is_staff": staff}, "csrf_token": csrf_placeholder()},
    )


def home_poll(request: HttpRequest, campaign: Any) -> dict[str, Any] | None:
    """The current poll: which poll and how it looks are shared; per visitor only whether he
    voted (one query) and whether he is staff (sees the results before voting)."""
    found = shared_fragment(
        f"home:poll-pk:{campaign.pk if campaign is not None else ''}",
        POLL_TOPICS,
        functools.partial(_home_poll_pk, campaign),
    )
    if not found:
        return None
    poll_pk = int(found)
    voter_key = None
    token = poll_cookie_token(request, poll_pk)
    if token:
        voter_key = hash_token(token)
    voted = selectors.poll_has_voted(poll_pk, user=request.user, voter_key=voter_key)
    staff = bool(getattr(request.user, "is_staff", False))
    html = shared_fragment(
        f"home:poll:{poll_pk}:{int(voted)}:{int(staff)}",
        POLL_TOPICS,
        functools.partial(_home_poll_render, request, poll_pk, voted, staff),
    )
    return {"html": mark_safe(html)} if html else None  # our own template's output
