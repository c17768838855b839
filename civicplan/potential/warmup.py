"""Start-up warming: a municipality's potential page (index charts); in the background, the
potential and statistics pages of every town of a region with a published campaign."""

from __future__ import annotations

from django.urls import reverse

from civicplan.campaigns.models import Campaign
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


def background_pages() -> list[str]:
    """The towns visitors of a campaign open (best index first)."""
    regions = Campaign.objects.filter(is_published=True).values("region_id")
    towns = (
        PotentialScore.objects.filter(methodology__is_active=True, municipality__region__in=regions)
        .order_by("-index", "municipality__name")
        .values_list("municipality__oktmo", flat=True)
    )
    paths: list[str] = []
    for oktmo in towns:
        paths.append(reverse("potential:potential", args=[oktmo]))
        paths.append(reverse("territories:municipality", args=[oktmo]))
    return paths
