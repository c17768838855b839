"""Start-up warming: a municipality's potential page (index charts)."""

from __future__ import annotations

from django.urls import reverse

from civicplan.potential.models import PotentialScore


def warm() -> list[str]:
    score = (
        PotentialScore.objects.filter(methodology__is_active=True)
        .select_related("municipality")
        .order_by("pk")
        .first()
    )
    if score is None:
        return []
    return [reverse("potential:potential", args=[score.municipality.oktmo])]
