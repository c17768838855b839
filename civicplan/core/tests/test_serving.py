"""`make run` serves through gunicorn with the production configuration; links in e-mails
follow the port it listens on; the warm-up renders the public pages before the port opens."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def settings_value(name: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    code = f"import config.settings as s; print(s.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_links_in_e_mails_follow_the_port_make_run_listens_on() -> None:
    assert settings_value("SITE_URL", PORT="8080") == "http://127.0.0.1:8080"
    assert settings_value("SITE_URL") == "http://127.0.0.1:8000"
    assert settings_value("SITE_URL", HOST="0.0.0.0", PORT="8081") == "http://127.0.0.1:8081"
    assert settings_value("SITE_URL", PORT="8080", SITE_URL="https://strategy.samregion.ru/") == (
        "https://strategy.samregion.ru"
    )


def test_make_run_starts_gunicorn_with_the_production_configuration() -> None:
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "gunicorn -c config/gunicorn.conf.py config.wsgi:application" in run
    assert "runserver" not in run
    assert "gunicorn -c config/gunicorn.conf.py" in (ROOT / "docs" / "production.md").read_text()


def test_gunicorn_listens_on_host_and_port_with_workers_for_the_cores(monkeypatch) -> None:
    monkeypatch.setenv("PORT", "8161")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("BIND", raising=False)
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8161"]
    assert config["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert config["preload_app"] is True
    # the worker that queues a burst once for all processes (test_gunicorn_worker.py)
    assert config["worker_class"] == "config.gunicorn_worker.BalancedThreadWorker"


@pytest.mark.django_db
def test_warm_up_renders_the_public_pages(demo_campaign, monkeypatch) -> None:
    from civicplan.core import warmup

    monkeypatch.setattr(warmup.connections, "close_all", lambda: None)
    done = warmup.warm_up(log=lambda line: None)

    paths = {path: status for path, status, _seconds in done}
    assert paths["/"] == 200
    assert paths["/proposals/"] == 200
    assert all(status in (200, 302) for status in paths.values()), paths


# Two requests through the WSGI application as gunicorn calls it (the test client keeps its
# connection open whatever the settings say), against a fresh SQLite file; between them
# another connection writes a row, as another worker would.
_TWO_REQUESTS = """
import io, sqlite3, sys
from django.conf import settings
from config.wsgi import application
from django.db import connection

def get(path):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr}
    statuses = []
    body = application(environ, lambda status, headers, exc=None: statuses.append(status))
    b"".join(body)
    body.close()  # request_finished: where Django closes a connection it must not keep
    return statuses[0]

assert get("/healthz").startswith("200")
first = connection.connection
other = sqlite3.connect(settings.DATABASES["default"]["NAME"])
other.execute("CREATE TABLE visible_elsewhere (word TEXT)")
other.execute("INSERT INTO visible_elsewhere VALUES ('новое')")
other.commit()
assert get("/healthz").startswith("200")
with connection.cursor() as cursor:
    cursor.execute("SELECT word FROM visible_elsewhere")
    seen = cursor.fetchone()[0]
print(first is not None and connection.connection is first, seen)
"""


def test_a_sqlite_connection_serves_the_next_request_and_sees_other_writes(tmp_path) -> None:
    """Opening SQLite reads the whole schema (~2 ms of CPU): a gunicorn worker thread keeps its
    connection between requests like PostgreSQL's (benchmarks/README.md, «where the 20 ms
    went»), and what another worker wrote meanwhile is read through it."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DB_CONN_MAX_AGE", "REDIS_URL"}
    }
    env.update(
        CIVICPLAN_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        SECRET_KEY="test-serving-secret",
    )
    result = subprocess.run(
        [sys.executable, "-c", _TWO_REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-2:] == ["True", "новое"]
