"""Sharing the per-text work of a campaign analysis between Celery workers.

The coordinator (the job's own task) cuts the proposals into chunks, asks the other workers
to help (`insights.prepare_chunks`), works on chunks itself, and waits for the rest. A chunk
claimed by a worker that died is given back after `STALE_AFTER` seconds, so the run finishes
with the workers that are alive.
"""

# The work queue of a campaign analysis: the only writer of `AnalysisChunk` rows, called from
# `insights.services.campaign_analyze` and its Celery helpers (part of the insights services).

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from civicplan.campaigns.models import Campaign
from civicplan.insights import engine
from civicplan.insights.models import AnalysisChunk, AnalysisRun
from civicplan.proposals.models import Proposal

CHUNK_SIZE = 2000
STALE_AFTER = 300


def worker_name() -> str:
    try:
        from celery import current_task

        hostname = getattr(current_task.request, "hostname", None) if current_task else None
    except Exception:  # outside Celery
        hostname = None
    return hostname or f"{socket.gethostname()}:{os.getpid()}"


def chunks_create(*, run: AnalysisRun, proposal_ids: list[int], size: int = CHUNK_SIZE) -> int:
    chunks = [
        AnalysisChunk(run=run, number=n, proposal_ids=proposal_ids[i : i + size])
        for n, i in enumerate(range(0, len(proposal_ids), size))
    ]
    AnalysisChunk.objects.bulk_create(chunks)
    return len(chunks)


def chunk_claim(*, run_id: int, worker: str) -> AnalysisChunk | None:
    with transaction.atomic():
        pending = AnalysisChunk.objects.filter(
            run_id=run_id, state=AnalysisChunk.State.PENDING
        ).order_by("number")
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        chunk = pending.first()
        if chunk is None:
            return None
        chunk.state = AnalysisChunk.State.CLAIMED
        chunk.worker = worker[:255]
        chunk.claimed_at = timezone.now()
        chunk.save(update_fields=["state", "worker", "claimed_at"])
        return chunk


def chunk_prepare(*, chunk: AnalysisChunk, campaign: Campaign) -> None:
    """Clean, lemmatise and link places for the chunk's proposals; store the result."""
    from civicplan.analytics.text.clean import TextCleaner
    from civicplan.analytics.text.lemmatize import Lemmatizer

    texts = dict(Proposal.objects.filter(pk__in=chunk.proposal_ids).values_list("pk", "text"))
    raw = [texts.get(pk, "") or "" for pk in chunk.proposal_ids]
    cleaned = TextCleaner().transform(raw)
    lemmas = Lemmatizer().transform(cleaned)
    linker = engine.place_linker(campaign)
    places = [linker.link_ids(t) for t in cleaned]
    AnalysisChunk.objects.filter(pk=chunk.pk).update(
        state=AnalysisChunk.State.DONE,
        finished_at=timezone.now(),
        result={"texts": cleaned, "lemmas": lemmas, "places": places},
    )


def chunks_work(*, run_id: int, worker: str | None = None) -> int:
    """Claim and prepare chunks until none are pending; returns how many this worker did."""
    run = AnalysisRun.objects.select_related("campaign").get(pk=run_id)
    name = worker or worker_name()
    done = 0
    while (chunk := chunk_claim(run_id=run_id, worker=name)) is not None:
        chunk_prepare(chunk=chunk, campaign=run.campaign)
        done += 1
    return done


def chunks_wait(
    *, run_id: int, progress: Callable[[int, int], None], poll: float = 0.5, timeout: float = 3600
) -> None:
    """Wait for every chunk; give back chunks whose worker went silent and do them here."""
    deadline = time.monotonic() + timeout
    while True:
        total = AnalysisChunk.objects.filter(run_id=run_id).count()
        done = AnalysisChunk.objects.filter(run_id=run_id, state=AnalysisChunk.State.DONE).count()
        progress(done, total)
        if done >= total:
            return
        stale = timezone.now() - timedelta(seconds=STALE_AFTER)
        AnalysisChunk.objects.filter(
            run_id=run_id, state=AnalysisChunk.State.CLAIMED, claimed_at__lt=stale
        ).update(state=AnalysisChunk.State.PENDING, worker="")
        if chunks_work(run_id=run_id):
            continue
        if time.monotonic() > deadline:
            raise TimeoutError("chunks were not prepared in time")
        time.sleep(poll)


def chunks_assemble(*, run_id: int) -> tuple[Any, list[list[str]], list[int]]:
    """The prepared texts in the chunks' order, with their proposal ids."""
    from civicplan.analytics.text.types import PreparedTexts

    texts: list[str] = []
    lemmas: list[list[str]] = []
    places: list[list[str]] = []
    ids: list[int] = []
    for chunk in (
        AnalysisChunk.objects.filter(run_id=run_id).order_by("number").iterator(chunk_size=10)
    ):
        ids.extend(chunk.proposal_ids)
        texts.extend(chunk.result["texts"])
        lemmas.extend(chunk.result["lemmas"])
        places.extend(chunk.result["places"])
    return PreparedTexts(texts, lemmas), places, ids
