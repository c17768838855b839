"""`{% load strategy_tags %}{% proposal_measures proposal %}` — the measures answering a proposal."""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.strategy.selectors import measure_is_late, measures_for_proposal

register = template.Library()


@register.inclusion_tag("strategy/partials/proposal_measures.html")
def proposal_measures(proposal: Any) -> dict[str, Any]:
    measures = measures_for_proposal(proposal)
    for m in measures:
        m.late = measure_is_late(m)  # type: ignore[attr-defined]
    return {"measures": measures}


@register.inclusion_tag("strategy/partials/municipality_monitoring_link.html")
def municipality_monitoring_link(municipality: Any) -> dict[str, Any]:
    """On a municipality page: the link to how the region's strategy is carried out there."""
    from civicplan.strategy.models import Strategy

    strategy = (
        Strategy.objects.filter(region_id=municipality.region_id).order_by("-horizon_start").first()
    )
    return {"strategy": strategy, "municipality": municipality}
