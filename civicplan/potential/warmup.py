"""Start-up warming: a municipality's potential page (index charts); in the background, the
potential and statistics pages of every town of a region with a published campaign."""

from __future__ import annotations

from django.urls import reverse

from civicplan.campaigns.models import Campaign
from civicplan.potential.models import PotentialScore

#: Towns of each campaign region rendered before the port opens (the rest in the background).
AT_START = 3


def _campaign_towns() -> list[tuple[int, str]]:
    """(region, OKTMO) of the towns of every region with a published campaign, best index
    first: the order visitors of a campaign open them in."""
    regions = Campaign.objects.filter(is_published=True).values("region_id")
    return list(
        PotentialScore.objects.filter(methodology__is_active=True, municipality__region__in=regions)
        .order_by("-index", "municipality__name")
        .values_list("municipality__region_id", "municipality__oktmo")
    )


def _pages(oktmo: str) -> list[str]:
    return [
        reverse("potential:potential", args=[oktmo]),
        reverse("territories:municipality", args=[oktmo]),
    ]


def warm() -> list[str]:
    """The best towns of each campaign region (or any town when no campaign is published)."""
    per_region: dict[int, int] = {}
    paths: list[str] = []
    for region, oktmo in _campaign_towns():
        per_region[region] = per_region.get(region, 0) + 1
        if per_region[region] <= AT_START:
            paths += _pages(oktmo)
    if paths:
        return paths
    score = (
        PotentialScore.objects.filter(methodology__is_active=True)
        .select_related("municipality")
        .order_by("pk")
        .first()
    )
    return [] if score is None else _pages(score.municipality.oktmo)


def background_pages() -> list[str]:
    """Every town of the campaign regions, after the start and after each write."""
    return [path for _region, oktmo in _campaign_towns() for path in _pages(oktmo)]
