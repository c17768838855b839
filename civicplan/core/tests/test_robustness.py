"""Robustness of the shared services under several processes and a busy database: rate
limits counted in the database, the bounded background pool, an honest 503 that gives the
sender's text back, the SQLite settings of the embedded default."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, connections

from civicplan.core.errors import RateLimited
from civicplan.core.ratelimit import rate_limit_check, rate_limit_hit, rate_limit_store


@pytest.mark.django_db
def test_rate_limits_hold_across_processes_without_a_shared_cache():
    # Given the per-process memory cache of a laptop install (no Redis)
    assert rate_limit_store() == "database"
    # When five attempts come through different gunicorn workers (each with its own memory)
    for _ in range(5):
        rate_limit_hit(key="login-account:abc", limit=5, window=900)
        cache.clear()  # another process: nothing in this one's memory
    # Then the sixth is refused wherever it arrives
    with pytest.raises(RateLimited) as refused:
        rate_limit_hit(key="login-account:abc", limit=5, window=900)
    assert "Попробуйте ещё раз через" in refused.value.message
    with pytest.raises(RateLimited):
        rate_limit_check(key="login-account:abc", limit=5, window=900)
    rate_limit_check(key="login-account:other", limit=5, window=900)


def test_the_default_sqlite_waits_for_the_write_lock_instead_of_failing():
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite settings")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.django_db
def test_a_busy_database_answers_503_and_gives_the_text_back():
    from django.test import RequestFactory

    from civicplan.core.security import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    # Given the database too busy to take a write in time
    text = "Открыть в Отрадном молодёжный коворкинг при библиотеке"
    request = RequestFactory().post(
        "/meetings/board/123456/",
        {"kind": "proposal", "text": text, "password": "секрет", "csrfmiddlewaretoken": "x"},
    )
    # When a participant's idea cannot be written
    page = middleware.process_exception(request, OperationalError("database is locked"))
    # Then he is told honestly, asked to retry in seconds, and his text is on the page
    body = page.content.decode()
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert page["Cache-Control"] == "no-store"
    assert "ваша запись не сохранена" in body and "Отправить ещё раз" in body
    assert text in body and 'name="text"' in body and 'name="kind" value="proposal"' in body
    assert "секрет" not in body, "passwords are never echoed back"
    api = middleware.process_exception(
        RequestFactory().post("/api/v1/sessions/board/123456/ideas"),
        OperationalError("database is locked"),
    )
    assert api.status_code == 503 and api["Retry-After"] == "5"
    assert api["Content-Type"].startswith("application/json")
    assert '"code": "database_busy"' in api.content.decode()


@pytest.mark.django_db(transaction=True)
def test_work_without_a_broker_runs_on_a_bounded_pool_that_closes_its_connections(
    settings, monkeypatch
):
    from types import SimpleNamespace

    from civicplan.core.background import background_submit, background_wait
    from civicplan.core.jobs import job_enqueue
    from civicplan.insights.tasks import proposal_analysis_enqueue

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

    monkeypatch.setattr("civicplan.core.jobs.job_run", record)
    monkeypatch.setattr("civicplan.insights.tasks.analyze_proposal", record)
    # When a hundred proposals and a hundred jobs arrive at once
    for n in range(100):
        proposal_analysis_enqueue(SimpleNamespace(pk=n))
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
