"""Start-up warming: the text models and the similarity index of each published campaign.

The direction classifier is not trained here: only the analysis of a new proposal needs it,
and that runs in the background (a Celery worker, or a thread without one)."""

from __future__ import annotations

from civicplan.campaigns.models import Campaign


def warm() -> list[str]:
    from civicplan.insights import engine

    for campaign in Campaign.objects.filter(is_published=True).select_related("strategy"):
        engine.similarity_index(campaign)
    return []
