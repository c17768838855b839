"""Template helpers: the consent banner on every page."""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.publications.visitor import consent_state

register = template.Library()


@register.simple_tag(takes_context=True)
def consent_banner(context: dict[str, Any]) -> dict[str, Any]:
    """Whether to show the banner and where to come back after answering."""
    request = context.get("request")
    if request is None:
        return {"show": False}
    state = consent_state(request)
    return {"show": not state.decided, "next": request.get_full_path()}
