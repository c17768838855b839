"""The demo roadmap of the Samara region, its measures linked to the demo proposals they answer.

The strategy app builds the roadmap; linking to proposals needs the proposals app, which sits
above strategy, so the finder lives here at the top layer.
"""

from __future__ import annotations

import re
from typing import Any

from civicplan.proposals.models import PUBLIC_STATUSES, Proposal
from civicplan.strategy import demo_roadmap

_CANDIDATES: dict[tuple[int, str], list[Any]] = {}


def proposals_for(
    strategy: Any, direction_slug: str, keywords: list[str], limit: int = 3
) -> list[Any]:
    """Public proposals of the direction with a word starting with one of the keywords."""
    key = (strategy.pk, direction_slug)
    if key not in _CANDIDATES:
        _CANDIDATES[key] = list(
            Proposal.objects.filter(
                campaign__strategy=strategy,
                direction__slug=direction_slug,
                status__in=PUBLIC_STATUSES,
            )
            .order_by("-supports_count", "pk")
            .only("pk", "title", "text")
        )
    patterns = [re.compile(r"(?<!\w)" + re.escape(word), re.IGNORECASE) for word in keywords]
    return [
        p
        for p in _CANDIDATES[key]
        if any(pattern.search(f"{p.title} {p.text}") for pattern in patterns)
    ][:limit]


def load(*, stdout: Any) -> None:
    _CANDIDATES.clear()
    demo_roadmap.load(stdout=stdout, find_proposals=proposals_for)
