"""Several thousand generated but realistic proposals for the demo campaigns, analysed.

Texts come from `civicplan.analytics.text.synthetic` (towns in case forms, typos, HTML
fragments, planted duplicates). Each proposal is attached to the municipality it mentions
(or a random one of the region), gets a status, supports and, for published ones, the
direction a moderator would have confirmed — those are the classifier's labels.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from civicplan.campaigns.models import Campaign
from civicplan.proposals.demo import PATHS, REASONS
from civicplan.proposals.models import Proposal, ProposalChannel, ProposalStatus
from civicplan.proposals.services import ProposalInput, StatusStep, proposals_record
from civicplan.territories.models import Municipality

DEMO_COUNT = {"strategy-leadership-samara": 3000, "strategy-leadership-orenburg": 1500}
STATUS_WEIGHTS = [
    (ProposalStatus.NEW, 12),
    (ProposalStatus.PUBLISHED, 45),
    (ProposalStatus.UNDER_REVIEW, 18),
    (ProposalStatus.ACCEPTED, 10),
    (ProposalStatus.NOT_ACCEPTED, 5),
    (ProposalStatus.IMPLEMENTING, 4),
    (ProposalStatus.REJECTED, 6),
]


def demo_proposals_create(campaign: Campaign, count: int, *, seed: int = 7) -> int:
    from civicplan.analytics.text.synthetic import generate

    rng = random.Random(seed + campaign.pk)
    municipalities = list(
        Municipality.objects.filter(region=campaign.region).exclude(kind="intracity").order_by("pk")
    )
    if not municipalities:
        return 0
    by_oktmo = {m.oktmo: m for m in municipalities}
    weights = [max(m.population or 1000, 1000) ** 0.7 for m in municipalities]
    directions = (
        {d.title: d for d in campaign.strategy.directions.all()} if campaign.strategy_id else {}  # type: ignore[union-attr]  # the _id check guarantees the relation
    )
    phase = campaign.phases.filter(accepts_proposals=True).order_by("order").first()
    now = timezone.now()
    start = now - timedelta(days=60)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    status_weights = [w for _, w in STATUS_WEIGHTS]
    # Keep texts about this region's places or about no place in particular: a proposal to a
    # Samara campaign about a kindergarten in Ufa would puzzle whoever reads the demo.
    items = [
        item
        for item in generate(count * 3, seed=seed + campaign.pk, start=start)
        if "elsewhere" not in item.metadata
        and (not item.places or any(p in by_oktmo for p in item.places))
    ][:count]
    count = len(items)
    step = (now - timedelta(hours=1) - start) / max(count, 1)
    items_in: list[ProposalInput] = []
    for i, item in enumerate(items):
        municipality = next((by_oktmo[p] for p in item.places if p in by_oktmo), None)
        if municipality is None:
            municipality = rng.choices(municipalities, weights=weights)[0]
        status = rng.choices(statuses, weights=status_weights)[0]
        public = status not in (ProposalStatus.NEW, ProposalStatus.REJECTED)
        created = start + step * i
        confirmed = public and rng.random() < 0.6
        path = PATHS[status]
        # Moderated hours after arrival, but never later than now (no dates in the future).
        first = min(created + timedelta(hours=rng.randint(2, 72)), now - timedelta(minutes=45))
        last = max(now - timedelta(minutes=30), first)
        steps = [
            StatusStep(
                status=s,
                reason=REASONS[s],
                when=first if n == 0 else first + (last - first) * n / len(path),
            )
            for n, s in enumerate(path)
        ]
        items_in.append(
            ProposalInput(
                text=item.text,
                municipality=municipality,
                phase=phase,
                direction=directions.get(item.direction) if confirmed else None,
                external_id=f"gen-{seed}-{item.id}",
                created_at=created,
                author_display_name=item.author if rng.random() < 0.4 else "",
                steps=steps,
                extra={
                    "channel": rng.choices(
                        [
                            ProposalChannel.WEBSITE,
                            ProposalChannel.PAPER,
                            ProposalChannel.EMAIL,
                            ProposalChannel.SESSION,
                        ],
                        weights=[80, 8, 7, 5],
                    )[0],
                    # A counter only: the demo simulates attention without resident accounts.
                    # No comment counter: a card saying «3 комментария» over a page with none
                    # would be a number that is not true.
                    "supports_count": min(int(rng.paretovariate(1.6)) - 1, 250) if public else 0,
                },
            )
        )
    # Recorded like every proposal (history included); not announced, because `load`
    # analyses the whole campaign right after.
    created_rows = proposals_record(
        campaign=campaign, channel=ProposalChannel.WEBSITE, items=items_in, announce=False
    )
    return len(created_rows)


def load(*, stdout: Any) -> None:
    from civicplan.insights.services import campaign_analyze

    for slug, count in DEMO_COUNT.items():
        campaign = Campaign.objects.filter(slug=slug).select_related("strategy", "region").first()
        if campaign is None:
            continue
        if not Proposal.objects.filter(campaign=campaign, external_id__startswith="gen-").exists():
            created = demo_proposals_create(campaign, count)
            stdout.write(f"  «{campaign.title}»: создано {created} демонстрационных предложений")
        run = campaign_analyze(campaign=campaign)
        stdout.write(
            f"  Анализ: предложений {run.proposals_total}, тем {run.topics_total}, повторов {run.duplicates_total}"
        )
