"""Celery tasks of the insights app: thin, by primary key, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from civicplan.proposals.models import Proposal


@shared_task(name="insights.analyze_proposal", acks_late=True)
def analyze_proposal(proposal_id: int) -> bool:
    from civicplan.insights.services import proposal_analyze

    proposal = Proposal.objects.select_related("campaign__strategy").filter(pk=proposal_id).first()
    if proposal is None:
        return False
    proposal_analyze(proposal=proposal)
    return True


@shared_task(name="insights.prepare_chunks", acks_late=True)
def prepare_chunks(run_id: int) -> int:
    """Help a running campaign analysis: prepare chunks until none are pending."""
    from civicplan.insights.chunks import chunks_work
    from civicplan.insights.models import AnalysisRun

    if not AnalysisRun.objects.filter(pk=run_id, state=AnalysisRun.State.RUNNING).exists():
        return 0
    return chunks_work(run_id=run_id)


def proposal_analysis_enqueue(proposal: Proposal) -> None:
    """Analyse a proposal once the transaction that created it has committed."""
    from django.conf import settings

    def run() -> None:
        if getattr(settings, "JOBS_RUN_INLINE", False):
            analyze_proposal(proposal.pk)
        elif getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            # Without a broker: the bounded pool of this process, never a thread per proposal.
            from civicplan.core.background import background_submit

            background_submit(analyze_proposal, proposal.pk, label=f"analysis of {proposal.pk}")
        else:
            analyze_proposal.delay(proposal.pk)

    transaction.on_commit(run)
