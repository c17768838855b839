"""`{% proposal_suggestions proposal %}` — the engine's one-click suggestions for moderators;
`{% proposal_similar_block proposal %}` — similar proposals on a proposal's public page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from civicplan.core.pagecache import shared_fragment
from civicplan.insights.selectors import proposal_analysis_current

register = template.Library()


@register.inclusion_tag("insights/partials/suggestion.html", takes_context=True)
def proposal_suggestions(context: template.Context, proposal: Any) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "analysis": proposal_analysis_current(proposal),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def proposal_similar_block(proposal: Any, limit: int = 4) -> str:
    """The same for every reader: one text query per proposal until proposals change."""

    def render() -> str:
        from civicplan.proposals.selectors import proposal_similar

        similar = [
            p
            for p in proposal_similar(proposal.campaign, proposal.text, limit + 1)
            if p.pk != proposal.pk
        ]
        return render_to_string(
            "insights/partials/similar_block.html", {"similar": similar[:limit]}
        )

    return mark_safe(  # rendered by the template engine, which escapes
        shared_fragment(f"proposals:similar:{proposal.pk}:{limit}", ("proposals",), render)
    )


@register.simple_tag
def suggestions_map(proposals: list[Any]) -> dict[int, Any]:
    """`{% suggestions_map proposals as suggestions %}`: the engine's view of a page, one query."""
    from civicplan.insights.selectors import suggestions_for

    return suggestions_for(list(proposals))


@register.inclusion_tag("insights/partials/suggestion.html", takes_context=True)
def suggestion_for(
    context: template.Context, proposal: Any, suggestions: dict[int, Any]
) -> dict[str, Any]:
    return {
        "proposal": proposal,
        "analysis": suggestions.get(proposal.pk),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def percent(share: float | None) -> str:
    """A share 0–1 as a whole percent: 0.874 -> «87 %» (with a non-breaking space)."""
    if share is None:
        return "—"
    return f"{round(float(share) * 100)}\u00a0%"
