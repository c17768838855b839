"""The campaign analysis as a job: results, safety on failure, twice at once, deletions."""

from __future__ import annotations

import pytest

from civicplan.core.errors import Conflict
from civicplan.core.jobs import job_create
from civicplan.core.models import Job
from civicplan.insights import services
from civicplan.insights.models import AnalysisRun, ProposalAnalysis, Topic
from civicplan.proposals.models import Proposal

pytestmark = pytest.mark.django_db(transaction=True)


def test_analysis_job_stores_topics_directions_duplicates_and_places(campaign_with_proposals):
    campaign = campaign_with_proposals
    job = services.campaign_analysis_start(campaign=campaign)
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED, job.error
    run = AnalysisRun.objects.get(campaign=campaign, is_current=True)
    analysed = (
        Proposal.objects.filter(campaign=campaign)
        .exclude(status__in=services.EXCLUDED_STATUSES)
        .count()
    )
    assert run.proposals_total == analysed == ProposalAnalysis.objects.filter(run=run).count()
    topics = Topic.objects.filter(run=run, is_other=False)
    assert topics.count() >= 3
    assert all(t.label and t.key_text for t in topics)
    assert (
        ProposalAnalysis.objects.filter(run=run, predicted_direction__isnull=False).count()
        > analysed * 0.6
    )
    assert ProposalAnalysis.objects.filter(run=run).exclude(municipality_ids=[]).exists()
    assert job.result["topics"] == run.topics_total
    # a proposal the model is unsure of keeps its likeliest direction as a guess, and only then
    # (how many are unsure differs between the databases: the SQLite run has some, the
    # PostgreSQL run none; `test_suggestions.py` makes one for sure)
    unsure = ProposalAnalysis.objects.filter(
        run=run, predicted_direction__isnull=True, confidence__isnull=False
    )
    assert not unsure.filter(guessed_direction__isnull=True).exists()
    assert not ProposalAnalysis.objects.filter(
        run=run, predicted_direction__isnull=False, guessed_direction__isnull=False
    ).exists()


def test_second_analysis_while_one_runs_is_refused(campaign_with_proposals):
    campaign = campaign_with_proposals
    job_create(
        kind=services.ANALYZE_JOB, title="первый", lock_key=f"insights:campaign:{campaign.pk}"
    )
    with pytest.raises(Conflict):
        services.campaign_analysis_start(campaign=campaign)


def test_failed_analysis_keeps_previous_results(campaign_with_proposals, monkeypatch):
    campaign = campaign_with_proposals
    first = services.campaign_analyze(campaign=campaign)
    topics_before = set(Topic.objects.filter(run=first).values_list("label", flat=True))

    def broken_store(**kwargs):
        raise RuntimeError("диск переполнен")

    monkeypatch.setattr(services, "_store", broken_store)
    job = services.campaign_analysis_start(campaign=campaign)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "диск переполнен" in job.error
    current = AnalysisRun.objects.get(campaign=campaign, is_current=True)
    assert current == first
    assert set(Topic.objects.filter(run=current).values_list("label", flat=True)) == topics_before
    assert (
        AnalysisRun.objects.filter(campaign=campaign, state=AnalysisRun.State.FAILED).count() == 1
    )


def test_proposal_deleted_during_analysis_does_not_break_it(campaign_with_proposals, monkeypatch):
    campaign = campaign_with_proposals
    victim = Proposal.objects.filter(campaign=campaign, status="published").first()
    real_store = services._store

    def delete_then_store(**kwargs):
        Proposal.objects.filter(pk=victim.pk).delete()
        return real_store(**kwargs)

    monkeypatch.setattr(services, "_store", delete_then_store)
    run = services.campaign_analyze(campaign=campaign)
    assert run.state == AnalysisRun.State.DONE
    assert not ProposalAnalysis.objects.filter(run=run, proposal_id=victim.pk).exists()


def test_empty_campaign_gives_an_empty_dashboard(client, demo_campaign, django_user_model):
    from civicplan.accounts.models import User

    run = services.campaign_analyze(campaign=demo_campaign)
    assert run.proposals_total == 0 and run.topics_total == 0
    client.force_login(User.objects.get(email="analyst@civicplan.local"))
    response = client.get(f"/insights/campaigns/{demo_campaign.slug}/")
    assert response.status_code == 200
    assert "пока нет предложений" in response.content.decode()
