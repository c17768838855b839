"""Robustness of the shared services under several processes and a busy database: rate
limits counted in the database, the bounded background pool, an honest 503 that gives the
sender's text back, the SQLite settings of the embedded default."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

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


def test_two_writers_on_the_sqlite_default_both_land(tmp_path, django_db_blocker):
    """A request reads, another commits a write meanwhile, then the first writes: with
    Django's default BEGIN (DEFERRED) SQLite refuses the first at once («database is
    locked», whatever the busy timeout); with the settings' IMMEDIATE both land."""
    from django.db.utils import ConnectionHandler

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        pytest.skip("the embedded default is SQLite")
    handler = ConnectionHandler(
        {"default": {**database, "NAME": str(tmp_path / "board.sqlite3"), "TEST": {}}}
    )
    with django_db_blocker.unblock():
        _race_two_writers(handler)


def _race_two_writers(handler) -> None:
    setup = handler.create_connection("default")
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE idea (id INTEGER PRIMARY KEY, text TEXT)")
    setup.close()
    read_done, other_done = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def transaction(first: bool) -> None:
        db = handler.create_connection("default")
        try:
            if not first:
                read_done.wait(5)
            db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with db.cursor() as cursor:
                if first:  # idea_post reads the member's earlier ideas first
                    cursor.execute("SELECT COUNT(*) FROM idea").fetchone()
                    read_done.set()
                    other_done.wait(1)  # the other request commits meanwhile (DEFERRED)
                cursor.execute("INSERT INTO idea (text) VALUES (%s)", ["Идея"])
            db.commit()
            db.set_autocommit(True)
        except Exception as exc:
            errors.append(exc)
        finally:
            other_done.set() if not first else None
            db.close()

    threads = [threading.Thread(target=transaction, args=(f,)) for f in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    check = handler.create_connection("default")
    with check.cursor() as cursor:
        assert cursor.execute("SELECT COUNT(*) FROM idea").fetchone()[0] == 2
    check.close()


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
