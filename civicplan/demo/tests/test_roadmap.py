"""The demo roadmap links its measures to the demo proposals that mention their subject."""

from __future__ import annotations

import io
import re
from typing import Any

from civicplan.demo import roadmap
from civicplan.proposals import demo as proposals_demo
from civicplan.strategy import demo_roadmap
from civicplan.strategy.models import Measure


def test_demo_links_measures_to_proposals_that_mention_their_subject(demo_campaign: Any) -> None:

    proposals_demo.load(stdout=io.StringIO())
    roadmap.load(stdout=io.StringIO())

    linked = Measure.objects.filter(
        strategy=demo_campaign.strategy, proposals__isnull=False
    ).distinct()
    assert linked.count() >= 10
    keywords = {row[0]: row[-1] for row in demo_roadmap.MEASURES}
    for measure in linked.prefetch_related("proposals"):
        for proposal in measure.proposals.all():
            assert proposal.is_public
            assert proposal.direction_id == measure.direction_id
            text = f"{proposal.title} {proposal.text}"
            assert any(
                re.search(r"(?<!\w)" + re.escape(word), text, re.IGNORECASE)
                for word in keywords[measure.code]
            ), (measure.code, text[:80])
