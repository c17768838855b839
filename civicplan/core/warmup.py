"""Warm a server process before it takes requests.

gunicorn calls `warm_up()` in its master process after loading the application and before
opening the port (config/gunicorn.conf.py); the workers it forks, now and later, inherit the
loaded text models, indexes and compiled templates. Each app registers what it would
otherwise load on a visitor's first request (`civicplan.core.registry.register_warmup`); the
pages they name are rendered once, which also fills the page cache.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

from civicplan.core.registry import warmups

logger = logging.getLogger(__name__)


def _site_host() -> tuple[str, bool]:
    """The host and scheme visitors use, so that warmed pages are the ones they ask for."""
    parts = urlsplit(str(settings.SITE_URL))
    host = parts.netloc or "localhost"
    hostname = host.split(":")[0]
    allowed = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    if "*" not in settings.ALLOWED_HOSTS and not any(
        hostname == h or (h.startswith(".") and hostname.endswith(h)) for h in allowed
    ):
        host = allowed[0].lstrip(".") if allowed else "localhost"
    return host, parts.scheme == "https" or bool(getattr(settings, "SECURE_HTTPS", False))


def _refresh_sqlite_statistics() -> None:
    """SQLite plans from statistics that only ANALYZE gathers: without them the proposals list
    sorted all public proposals (170 ms) instead of walking its sort index (3 ms). PostgreSQL
    keeps its statistics by itself (autovacuum)."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    except Exception:
        logger.exception("warm-up: ANALYZE failed")


def warm_up(*, log: Callable[[str], None] = logger.info) -> list[tuple[str, int, float]]:
    """Load models and render the registered pages; returns (path, status, seconds) each."""
    from django.test import Client

    started = time.monotonic()
    _refresh_sqlite_statistics()
    paths: list[str] = ["/"]
    for warm in warmups():
        try:
            paths.extend(warm())
        except Exception:
            logger.exception("warm-up of %s failed", getattr(warm, "__qualname__", warm))
    host, secure = _site_host()
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT="civicplan-warmup")
    done: list[tuple[str, int, float]] = []
    for path in dict.fromkeys(paths):
        t0 = time.monotonic()
        try:
            status = client.get(path, secure=secure).status_code
        except Exception:
            logger.exception("warm-up of %s failed", path)
            status = 0
        done.append((path, status, time.monotonic() - t0))
    # The processes forked next must open their own database connections.
    connections.close_all()
    log(f"civicplan warmed up in {time.monotonic() - started:.1f} s ({len(done)} pages)")
    return done
