"""`{% practice_recommendations municipality %}`: practices recommended to a municipality.

Shown on the potential profile; the potential app renders the tag and imports nothing
from practices.
"""

from __future__ import annotations

from typing import Any

from django import template

from civicplan.practices.recommendations import practice_recommendations as recommend
from civicplan.territories.models import Municipality

register = template.Library()


@register.inclusion_tag("practices/partials/recommendations.html")
def practice_recommendations(municipality: Municipality) -> dict[str, Any]:
    return {"municipality": municipality, "recommendations": recommend(municipality=municipality)}
