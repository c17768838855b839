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


@pytest.mark.django_db
def test_warm_up_renders_the_public_pages(demo_campaign, monkeypatch) -> None:
    from civicplan.core import warmup

    monkeypatch.setattr(warmup.connections, "close_all", lambda: None)
    done = warmup.warm_up(log=lambda line: None)

    paths = {path: status for path, status, _seconds in done}
    assert paths["/"] == 200
    assert paths["/proposals/"] == 200
    assert all(status in (200, 302) for status in paths.values()), paths
