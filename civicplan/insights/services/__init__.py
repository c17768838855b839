"""Writes of the insights app: run a campaign's analysis, analyse a new proposal, learn from
moderators' decisions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.campaigns.models import Campaign
from civicplan.core.jobs import JobReporter, job_start
from civicplan.core.models import Job
from civicplan.core.pagecache import changes_public_pages
from civicplan.insights import engine
from civicplan.insights.models import (
    AnalysisChunk,
    AnalysisRun,
    ProposalAnalysis,
    SuggestionFeedback,
    Topic,
)
from civicplan.insights.services.chunks import (
    CHUNK_SIZE,
    chunks_assemble,
    chunks_create,
    chunks_wait,
)
from civicplan.proposals.models import Proposal, ProposalStatus

logger = logging.getLogger(__name__)

ANALYZE_JOB = "insights.analyze_campaign"
EXCLUDED_STATUSES = (ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN)
DUPLICATE_SCORE = 0.9
KEEP_RUNS = 3

Progress = Callable[[int, int, str], None]


def campaign_analysis_start(*, campaign: Campaign, user: Any = None, **options: int) -> Job:
    """Queue a full re-analysis; a second one while the first runs raises Conflict.

    `options`: `helpers` (other workers to ask) and `chunk_size`, for tuning and tests.
    """
    return job_start(
        kind=ANALYZE_JOB,
        title=_("Анализ предложений кампании «%(title)s»") % {"title": campaign.title},
        params={"campaign_id": campaign.pk, **options},
        lock_key=f"insights:campaign:{campaign.pk}",
        created_by=user,
        region_id=campaign.region_id,
    )


def _analyze_job(job: Job, reporter: JobReporter) -> dict[str, Any]:
    campaign = Campaign.objects.get(pk=job.params["campaign_id"])

    def progress(done: int, total: int, stage: str) -> None:
        reporter.progress(done, total, stage=stage)

    from django.conf import settings

    eager = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or getattr(
        settings, "JOBS_RUN_INLINE", False
    )
    helpers = int(
        job.params.get("helpers", 0 if eager else getattr(settings, "INSIGHTS_CHUNK_HELPERS", 1))
    )
    run = campaign_analyze(
        campaign=campaign,
        job=job,
        progress=progress,
        helpers=helpers,
        chunk_size=int(job.params.get("chunk_size", CHUNK_SIZE)),
    )
    return {
        "run_id": run.pk,
        "proposals": run.proposals_total,
        "topics": run.topics_total,
        "duplicates": run.duplicates_total,
    }


@changes_public_pages(topics=("proposals",))
def campaign_analyze(
    *,
    campaign: Campaign,
    job: Job | None = None,
    progress: Progress | None = None,
    n_jobs: int = 2,
    helpers: int = 0,
    chunk_size: int = CHUNK_SIZE,
) -> AnalysisRun:
    """Analyse every proposal of the campaign and make the result current in one transaction.

    Until the last step nothing the dashboard reads is touched: a run that fails or whose
    worker dies stays non-current and the previous results remain. With `helpers` > 0 the
    cleaning and lemmatising is cut into chunks that other Celery workers share.
    """
    from civicplan.analytics.text.pipeline import STAGES, analyze
    from civicplan.analytics.text.types import Document

    rows = list(
        Proposal.objects.filter(campaign=campaign)
        .exclude(status__in=EXCLUDED_STATUSES)
        .order_by("created_at", "pk")
        .values_list("pk", "text", "created_at")
    )
    labels = engine.direction_labels(campaign)
    examples = engine.training_examples(campaign)
    training = examples if engine.usable_training(examples) else None
    run = AnalysisRun.objects.create(campaign=campaign, job=job, proposals_total=len(rows))
    notify = progress or (lambda done, total, stage: None)
    try:
        prepared = None
        if helpers > 0 and rows:
            from civicplan.insights.tasks import prepare_chunks

            chunks_create(run=run, proposal_ids=[pk for pk, _t, _c in rows], size=chunk_size)
            for _helper in range(helpers):
                prepare_chunks.delay(run.pk)
            stage = _("Очистка текстов, леммы и территории (по частям)")
            chunks_wait(run_id=run.pk, progress=lambda done, total: notify(done, total, stage))
            texts, places, ids = chunks_assemble(run_id=run.pk)
            if ids != [pk for pk, _t, _c in rows]:
                raise RuntimeError("chunks do not cover the run's proposals")
            prepared = (texts, places)
        result = analyze(
            [
                Document(id=str(pk), text=text or "", created_at=created)
                for pk, text, created in rows
            ],
            labels=labels or None,
            training=training,
            gazetteer=engine.gazetteer(campaign),
            progress=lambda stage, done, total: notify(done, total, STAGES.get(stage, stage)),
            n_jobs=n_jobs,
            use_ner=False,
            prepared=prepared,
        )
        quality = _classifier_quality(
            campaign=campaign,
            examples=examples,
            corpus_size=len(rows),
            notify=notify,
            result=result,
            n_jobs=n_jobs,
        )
        notify(0, 1, _("Сохранение результатов"))
        workers: dict[str, int] = {}
        for name in AnalysisChunk.objects.filter(run=run).values_list("worker", flat=True):
            workers[name] = workers.get(name, 0) + 1
        AnalysisRun.objects.filter(pk=run.pk).update(chunk_workers=workers)
        _store(
            run=run,
            campaign=campaign,
            result=result,
            labelled=len(training or []),
            quality=quality,
        )
        AnalysisChunk.objects.filter(run=run).delete()
    except Exception:
        AnalysisRun.objects.filter(pk=run.pk).update(
            state=AnalysisRun.State.FAILED, finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    engine.engine_reset(campaign.pk)
    return run


def _classifier_quality(
    *,
    campaign: Campaign,
    examples: list[tuple[str, str]],
    corpus_size: int,
    notify: Progress,
    result: Any = None,
    n_jobs: int = 1,
) -> dict[str, Any] | None:
    """Cross-validate the classifier on the moderators' labels. A failure here costs the
    figures, not the analysis: it is logged and the dashboard says there is no estimate.

    The figures of the campaign's last finished run are reused when nothing they depend on
    has changed (same labels, directions and settings): new proposals alone cost nothing."""
    if not engine.usable_training(examples):
        return None
    stage = _("Проверка качества классификатора")
    try:
        fingerprint = engine.evaluation_fingerprint(campaign, examples, corpus_size=corpus_size)
        last = (
            AnalysisRun.objects.filter(campaign=campaign, state=AnalysisRun.State.DONE)
            .order_by("-finished_at", "-pk")
            .values_list("classifier_quality", flat=True)
            .first()
        )
        if isinstance(last, dict) and last.get("fingerprint") == fingerprint:
            return last
        quality = engine.classifier_evaluation(
            campaign,
            examples,
            corpus_size=corpus_size,
            progress=lambda done, total: notify(done, total, stage),
            prepared=getattr(result, "training_prepared", None),
            calibration=getattr(result, "classifier_calibration", None),
            n_jobs=n_jobs,
        )
    except Exception:
        logger.exception("classifier evaluation failed for campaign %s", campaign.pk)
        return None
    if quality is not None:
        quality["fingerprint"] = fingerprint
    return quality


def _store(
    *,
    run: AnalysisRun,
    campaign: Campaign,
    result: Any,
    labelled: int,
    quality: dict[str, Any] | None = None,
) -> None:
    directions = (
        {d.title: d for d in campaign.strategy.directions.all()} if campaign.strategy_id else {}  # type: ignore[union-attr]  # the _id check guarantees the relation
    )
    ids = [int(d.id) for d in result.documents]
    with transaction.atomic():
        # Proposals deleted while the analysis ran are skipped, not an error.
        alive = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "supports_count"))
        topic_rows: dict[tuple[str | None, int], Topic] = {}
        member_topic: dict[int, tuple[str | None, int]] = {}
        for topic in result.topics:
            key = (topic.direction, topic.id)
            members = [int(result.documents[i].id) for i in topic.member_indices]
            key_id = int(topic.key_document_id) if topic.key_document_id else None
            topic_rows[key] = Topic(
                run=run,
                direction=directions.get(topic.direction or ""),
                number=topic.id,
                label=topic.label,
                terms=list(topic.terms),
                size=sum(1 for m in members if m in alive),
                supports=sum(alive.get(m, 0) for m in members),
                key_proposal_id=key_id if key_id in alive else None,
                key_text=topic.key_text,
                summary=topic.summary,
                summary_method=topic.summary_method,
                is_other=topic.id == -1,
            )
            for m in members:
                member_topic[m] = key
        Topic.objects.bulk_create(topic_rows.values(), batch_size=1000)
        analyses = []
        for doc in result.documents:
            pk = int(doc.id)
            if pk not in alive:
                continue
            original = int(doc.duplicate_of) if doc.duplicate_of else None
            topic = topic_rows.get(member_topic.get(pk, (None, -99)))
            analyses.append(
                ProposalAnalysis(
                    run=run,
                    proposal_id=pk,
                    predicted_direction=directions.get(doc.direction or ""),
                    guessed_direction=None if doc.direction else directions.get(doc.guess or ""),
                    confidence=doc.confidence,
                    duplicate_group=doc.duplicate_group,
                    duplicate_of_id=original if original in alive else None,
                    topic=topic,
                    municipality_ids=[int(p) for p in doc.places],
                    keywords=list(topic.terms[:5]) if topic is not None else [],
                )
            )
        ProposalAnalysis.objects.bulk_create(analyses, batch_size=2000)
        AnalysisRun.objects.filter(campaign=campaign, is_current=True).update(is_current=False)
        AnalysisRun.objects.filter(pk=run.pk).update(
            is_current=True,
            state=AnalysisRun.State.DONE,
            finished_at=timezone.now(),
            classifier_mode=result.classifier_mode or "",
            duplicates_total=result.duplicates,
            topics_total=sum(1 for t in result.topics if t.id != -1),
            labelled_total=labelled,
            classifier_quality=quality,
            timings=result.timings,
            proposals_total=len(analyses),
        )
        stale = AnalysisRun.objects.filter(campaign=campaign).exclude(
            state=AnalysisRun.State.RUNNING
        )
        old_ids = list(stale.order_by("-started_at").values_list("pk", flat=True)[KEEP_RUNS:])
        AnalysisRun.objects.filter(pk__in=old_ids).delete()


def _current_run(campaign: Campaign) -> AnalysisRun:
    run = AnalysisRun.objects.filter(campaign=campaign, is_current=True).first()
    if run is None:
        run, _created = AnalysisRun.objects.get_or_create(
            campaign=campaign,
            is_current=True,
            defaults={"state": AnalysisRun.State.DONE, "finished_at": timezone.now()},
        )
    return run


def proposal_analyze(*, proposal: Proposal) -> ProposalAnalysis:
    """Analyse one new proposal at once: direction, likely duplicate, places — no re-clustering.

    Safe to run twice: the proposal's row in the current run is replaced.
    """
    campaign = proposal.campaign
    model, _mode = engine.classifier(campaign)
    predicted = guessed = None
    confidence = None
    if model is not None:
        with engine.one_blas_thread():
            prediction = model.predict([proposal.text])[0]
        best = prediction.best_label
        direction = (
            campaign.strategy.directions.filter(title=best).first()  # type: ignore[union-attr]  # the _id check guarantees the relation
            if best and campaign.strategy_id
            else None
        )
        # Under the threshold the best direction is kept as a guess a moderator sees as one.
        if prediction.label:
            predicted = direction
        else:
            guessed = direction
        confidence = round(float(prediction.confidence), 4)
    index = engine.similarity_index(campaign)
    hits = index.query(proposal.text, k=5, exclude=[proposal.pk])
    # An original came earlier: by id, or (imported rows) by the time it was received.
    later_ids = [pk for pk, _score in hits if pk > proposal.pk]
    earlier_by_time = (
        set(
            Proposal.objects.filter(
                pk__in=later_ids, created_at__lt=proposal.created_at
            ).values_list("pk", flat=True)
        )
        if later_ids
        else set()
    )
    similar = [(pk, score) for pk, score in hits if pk < proposal.pk or pk in earlier_by_time]
    duplicate_of, duplicate_score = None, None
    if similar and similar[0][1] >= DUPLICATE_SCORE:
        duplicate_of, duplicate_score = similar[0]
    places = [int(p) for p in engine.place_linker(campaign).link_ids(proposal.text)]
    run = _current_run(campaign)
    analysis, _created = ProposalAnalysis.objects.update_or_create(
        run=run,
        proposal=proposal,
        defaults={
            "predicted_direction": predicted,
            "guessed_direction": guessed,
            "confidence": confidence,
            "duplicate_of_id": duplicate_of,
            "duplicate_score": round(float(duplicate_score), 4)
            if duplicate_score is not None
            else None,
            "municipality_ids": places,
        },
    )
    return analysis


def suggestion_feedback_record(
    *, proposal: Proposal, kind: str, suggested: str, final: str, user: Any = None
) -> SuggestionFeedback:
    """Record what a moderator did with a suggestion; the next suggestions learn from it."""
    feedback = SuggestionFeedback.objects.create(
        proposal=proposal,
        kind=kind,
        suggested=suggested,
        final=final,
        accepted=suggested == final,
        user=user if getattr(user, "pk", None) else None,
    )
    return feedback
