"""`{% potential_summary municipality %}`: the index and a link to the potential profile."""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.potential.selectors import score_for
from civicplan.territories.models import Municipality

register = template.Library()


@register.inclusion_tag("potential/partials/summary.html")
def potential_summary(municipality: Municipality) -> dict[str, Any]:
    score = score_for(municipality)
    return {"municipality": municipality, "score": score}
