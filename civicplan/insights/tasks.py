"""Celery tasks of the insights app: thin, by primary key, safe to run twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import shared_task
from django.db import transaction

from civicplan.campaigns.models import Campaign
from civicplan.core.jobs import background_call
from civicplan.proposals.models import Proposal

logger = logging.getLogger(__name__)

# Up to this many proposals arriving together are analysed one by one; more start a full run.
ANALYZE_ONE_BY_ONE = 200


@shared_task(name="insights.prepare_chunks", acks_late=True)
def prepare_chunks(run_id: int) -> int:
    """Help a running campaign analysis: prepare chunks until none are pending."""
    from civicplan.insights.models import AnalysisRun
    from civicplan.insights.services.chunks import chunks_work

    if not AnalysisRun.objects.filter(pk=run_id, state=AnalysisRun.State.RUNNING).exists():
        return 0
    return chunks_work(run_id=run_id)


@shared_task(name="insights.analyze_proposals", acks_late=True)
def analyze_proposals(proposal_ids: list[int]) -> int:
    """Analyse newly arrived proposals one by one; safe to run twice."""
    from civicplan.insights.services import proposal_analyze

    done = 0
    for proposal in (
        Proposal.objects.select_related("campaign__strategy")
        .filter(pk__in=proposal_ids)
        .order_by("pk")
    ):
        proposal_analyze(proposal=proposal)
        done += 1
    return done


def _campaigns_reanalyse(latest: dict[int, int]) -> None:
    """Start a full analysis of each campaign unless it already covers its newest arrival."""
    from civicplan.core.errors import Conflict
    from civicplan.insights.models import ProposalAnalysis
    from civicplan.insights.services import campaign_analysis_start

    for campaign_id, newest in latest.items():
        if ProposalAnalysis.objects.filter(proposal_id=newest, run__is_current=True).exists():
            continue  # analysed already (the demo loader analyses what it creates)
        campaign = Campaign.objects.filter(pk=campaign_id).first()
        if campaign is None:
            continue
        try:
            campaign_analysis_start(campaign=campaign)
        except Conflict:
            logger.info("Campaign %s is being analysed already", campaign_id)


def proposals_analysis_enqueue(proposals: Sequence[Proposal]) -> None:
    """The «proposals received» listener: analyse what arrived once it is committed.

    A few proposals are analysed one by one in the background; a large batch (an import)
    starts a full analysis of its campaign as a job with progress, which also re-clusters.
    """
    if not proposals:
        return
    if len(proposals) <= ANALYZE_ONE_BY_ONE:
        background_call(analyze_proposals, [p.pk for p in proposals])
        return
    latest: dict[int, int] = {}
    for proposal in proposals:
        latest[proposal.campaign_id] = max(latest.get(proposal.campaign_id, 0), proposal.pk)
    transaction.on_commit(lambda: _campaigns_reanalyse(latest))
