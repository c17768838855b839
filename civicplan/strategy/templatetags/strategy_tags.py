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
