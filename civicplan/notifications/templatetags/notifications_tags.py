"""Cross-app blocks: `{% follow_button "measure" measure.pk %}` on any page,
`{% follow_by_email proposal.tracking_code %}` on the tracking page, the header counter
`{% notifications_header %}` (rendered for signed-in users only: their pages are never cached),
and «Решена ли проблема?» results: `{% measure_feedback measure %}`, `{% strategy_feedback strategy %}`."""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.notifications.selectors import (
    feedback_comments,
    feedback_counts,
    is_following,
    unread_count,
)

register = template.Library()


@register.inclusion_tag("notifications/partials/follow_button.html", takes_context=True)
def follow_button(context: template.Context, kind: str, target_id: int) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "kind": kind,
        "target_id": target_id,
        "following": is_following(user, kind, target_id),
        "authenticated": bool(user and user.is_authenticated),
        "next": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/partials/follow_by_email.html", takes_context=True)
def follow_by_email(context: template.Context, tracking_code: str) -> dict[str, Any]:
    request = context.get("request")
    return {
        "code": tracking_code,
        "next": request.get_full_path() if request else "/",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/partials/header.html", takes_context=True)
def notifications_header(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": bool(user and user.is_authenticated), "unread": unread_count(user)}


@register.inclusion_tag("notifications/partials/measure_feedback.html", takes_context=True)
def measure_feedback(context: template.Context, measure: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    counts = feedback_counts([measure.pk])
    return {
        "counts": counts,
        # free-text comments may name people: only staff read them
        "comments": feedback_comments(measure.pk) if user and user.is_staff else [],
    }


@register.inclusion_tag("notifications/partials/strategy_feedback.html")
def strategy_feedback(strategy: Any) -> dict[str, Any]:
    from civicplan.strategy.models import Measure

    counts = feedback_counts(Measure.objects.filter(strategy=strategy).values_list("pk", flat=True))
    return {"counts": counts}
