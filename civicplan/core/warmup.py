"""Warm a server process before it takes requests.

gunicorn calls `warm_up()` in its master process after loading the application and before
opening the port (config/gunicorn.conf.py); the workers it forks, now and later, inherit the
loaded text models, indexes and compiled templates. Each app registers what it would
otherwise load on a visitor's first request (`civicplan.core.registry.register_warmup`); the
pages they name are rendered once, which also fills the page cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connections

from civicplan.core.registry import background_pages, warmups

logger = logging.getLogger(__name__)

# How long the marker «this state is being re-warmed» lives (longer than a re-warm takes).
REWARM_MARKER_SECONDS = 600


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


def _warm_paths() -> list[str]:
    """Run every app's warm-up (models, indexes) and collect the pages they name."""
    paths: list[str] = ["/"]
    for warm in warmups():
        try:
            paths.extend(warm())
        except Exception:
            logger.exception("warm-up of %s failed", getattr(warm, "__qualname__", warm))
    return list(dict.fromkeys(paths))


def render_pages(paths: list[str]) -> list[tuple[str, int, float]]:
    """Render `paths` as an anonymous visitor would ask for them (which fills the page cache;
    a page already cached under the current generations costs a cache read)."""
    from django.test import Client

    host, secure = _site_host()
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT="civicplan-warmup")
    done: list[tuple[str, int, float]] = []
    for path in paths:
        t0 = time.monotonic()
        try:
            status = client.get(path, secure=secure).status_code
        except Exception:
            logger.exception("warm-up of %s failed", path)
            status = 0
        done.append((path, status, time.monotonic() - t0))
    return done


def warm_up(*, log: Callable[[str], None] = logger.info) -> list[tuple[str, int, float]]:
    """Load models and render the registered pages; returns (path, status, seconds) each."""
    started = time.monotonic()
    _refresh_sqlite_statistics()
    done = render_pages(_warm_paths())
    # The processes forked next must open their own database connections.
    connections.close_all()
    log(f"civicplan warmed up in {time.monotonic() - started:.1f} s ({len(done)} pages)")
    return done


# --- after a write: the same pages rendered again in the background ------------------------


def current_state() -> tuple[str, ...]:
    """What the warmed pages were rendered under: the generation of every topic and whether
    the next scheduled change (a timed article, a poll opening) has come."""
    from civicplan.core import pagecache

    keys = [pagecache.GENERATION_KEY + topic for topic in pagecache.TOPICS]
    found = pagecache.page_cache().get_many(keys)
    return tuple(str(found.get(key, "")) for key in keys)


def _background_paths() -> list[str]:
    paths: list[str] = []
    for pages in background_pages():
        try:
            paths.extend(pages())
        except Exception:
            logger.exception("background pages of %s failed", getattr(pages, "__qualname__", pages))
    return paths


def rewarm_once(state: tuple[str, ...]) -> list[tuple[str, int, float]] | None:
    """Render the warmed pages and the background pages again, unless another process of the
    server already does it for `state`."""
    from civicplan.core import pagecache

    marker = "cp:pages:rewarmed:" + hashlib.sha256("|".join(state).encode()).hexdigest()
    if not pagecache.page_cache().add(marker, os.getpid(), REWARM_MARKER_SECONDS):
        return None
    try:
        return render_pages(list(dict.fromkeys(_warm_paths() + _background_paths())))
    finally:
        connections.close_all()  # this thread's own connections


def _rewarm_loop(interval: float) -> None:
    from civicplan.core import pagecache

    seen: tuple[str, ...] | None = None
    due: float | None = None  # the next scheduled change, as a timestamp
    while True:
        time.sleep(interval)
        try:
            state = current_state()
            now = time.time()
            if state != seen or (due is not None and now >= due):
                # Right after the start (one process per server: the master's pid) and after
                # every change.
                start = f"start {os.getppid()}" if seen is None else ""
                rewarm_once((*state, str(due if due and now >= due else ""), start))
                seen = state
                due = pagecache.next_scheduled_change(pagecache.TOPICS)
                connections.close_all()
        except Exception:  # the thread must live on; the pages render on a visit meanwhile
            logger.exception("page re-warming failed")
            connections.close_all()


def start_rewarming(interval: float | None = None) -> threading.Thread | None:
    """In a server process: watch the page cache generations and, after a write (in any
    process) or at a scheduled publication time, render the warmed pages again in this
    thread, so that the first visitor after the change does not wait for the render. One
    process of the server does it per change (a marker in the shared page cache)."""
    from civicplan.core import pagecache

    if not pagecache.enabled():
        return None
    seconds = float(
        interval if interval is not None else getattr(settings, "PAGE_REWARM_SECONDS", 1.0)
    )
    if seconds <= 0:
        return None
    thread = threading.Thread(
        target=_rewarm_loop, args=(seconds,), name="civicplan-rewarm", daemon=True
    )
    thread.start()
    return thread
