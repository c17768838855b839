"""The per-text work of an analysis shared in chunks: in process, and by real Celery workers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from civicplan.core.models import Job
from civicplan.insights import services
from civicplan.insights.demo import demo_proposals_create
from civicplan.insights.models import AnalysisChunk, AnalysisRun, ProposalAnalysis

ROOT = Path(__file__).resolve().parents[3]


def _answers(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.mark.django_db
def test_chunked_analysis_gives_the_same_answers_as_one_pass(demo_campaign):
    demo_proposals_create(demo_campaign, 90, seed=11)
    whole = services.campaign_analyze(campaign=demo_campaign, n_jobs=1)
    by_whole = dict(
        ProposalAnalysis.objects.filter(run=whole).values_list("proposal_id", "predicted_direction")
    )
    chunked = services.campaign_analyze(campaign=demo_campaign, n_jobs=1, helpers=1, chunk_size=25)
    by_chunks = dict(
        ProposalAnalysis.objects.filter(run=chunked).values_list(
            "proposal_id", "predicted_direction"
        )
    )
    assert by_chunks == by_whole
    assert sum(chunked.chunk_workers.values()) == 4
    assert chunked.topics_total == whole.topics_total
    assert not AnalysisChunk.objects.exists()  # prepared texts are not kept


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_real_celery_workers_share_the_chunks(demo_campaign, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: Celery workers in other processes share the test database")
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url or not _answers("127.0.0.1", 6379):
        pytest.skip("needs Redis at REDIS_URL for real Celery workers")
    from config.celery import app as celery_app

    queue = f"test-insights-{os.getpid()}-{time.time_ns()}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "DB_CONN_MAX_AGE": "0",
    }
    demo_proposals_create(demo_campaign, 240, seed=12)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-c",
                "1",
                "-n",
                f"w{i}-{queue}@%h",
                "-Q",
                queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for i in (1, 2)
    ]
    old_queue = celery_app.conf.task_default_queue
    try:
        celery_app.conf.task_default_queue = queue
        settings.JOBS_RUN_INLINE = False
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.task_always_eager = False
        time.sleep(3)
        job = services.campaign_analysis_start(campaign=demo_campaign, helpers=1, chunk_size=20)
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if not job.is_active:
                break
            time.sleep(1)
        assert job.state == Job.State.SUCCEEDED, job.error or job.state
        run = AnalysisRun.objects.get(campaign=demo_campaign, is_current=True)
        assert sum(run.chunk_workers.values()) == 12
        assert len(run.chunk_workers) == 2, run.chunk_workers  # both workers took chunks
        assert ProposalAnalysis.objects.filter(run=run).count() == run.proposals_total > 0
    finally:
        celery_app.conf.task_default_queue = old_queue
        celery_app.conf.task_always_eager = True
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
