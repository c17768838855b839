"""Analysis of proposals without a broker runs on the shared bounded background pool."""

from __future__ import annotations

import threading

import pytest
from django.db import connections


@pytest.mark.django_db(transaction=True)
def test_work_without_a_broker_runs_on_a_bounded_pool_that_closes_its_connections(
    settings, monkeypatch
):
    from types import SimpleNamespace

    from civicplan.core.background import background_submit, background_wait
    from civicplan.core.jobs import job_enqueue
    from civicplan.insights.tasks import proposals_analysis_enqueue

    # Given no broker (work runs in this process) and two background threads
    settings.JOBS_RUN_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.BACKGROUND_THREADS = 2
    threads: set[str] = set()
    done: list[int] = []
    lock = threading.Lock()

    def record(*args, **kwargs):
        with lock:
            threads.add(threading.current_thread().name)
            done.append(1)

    monkeypatch.setattr("civicplan.core.tasks.job_run", record)
    monkeypatch.setattr("civicplan.insights.tasks.analyze_proposals", record)
    # When a hundred proposals and a hundred jobs arrive at once
    for n in range(100):
        proposals_analysis_enqueue([SimpleNamespace(pk=n)])
        job_enqueue(SimpleNamespace(pk=n, kind="tests.robust"))
    background_wait()
    # Then all of it ran, on at most two threads of the pool (not two hundred threads)
    assert len(done) == 200
    assert 1 <= len(threads) <= 2 and all(t.startswith("civicplan-background") for t in threads)
    # And a worker thread gives its connection back after each piece of work
    in_memory = getattr(connections["default"], "is_in_memory_db", lambda: False)()
    if not in_memory:  # an in-memory SQLite test database is never closed
        from civicplan.core.models import Job

        background_submit(Job.objects.exists).result(10)
        still_open = background_submit(
            lambda: connections["default"].connection is not None
        ).result(10)
        assert still_open is False
