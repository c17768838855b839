"""In-process background work when no Celery broker is configured.

Without a broker the tasks of the site (the analysis of each new proposal, jobs) run in this
process, after the request has answered. They go through one small pool per process —
`BACKGROUND_THREADS` worker threads (two by default) taking work from a queue — so that a
burst of a hundred submissions queues a hundred primary keys, not a hundred threads with a
hundred database connections. Each piece of work closes the database connections of its
thread when it ends, so the pool holds at most `BACKGROUND_THREADS` connections and only
while it works.

The queue lives in memory: work still queued when the process stops is not run (a job then
stays «в очереди» and can be restarted from its page). For a durable queue configure Redis
and Celery (docs/production.md).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None


def background_threads() -> int:
    return max(1, int(getattr(settings, "BACKGROUND_THREADS", 2)))


def _executor() -> ThreadPoolExecutor:
    """The pool of this process (a forked gunicorn worker makes its own)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=background_threads(), thread_name_prefix="civicplan-background"
            )
            _pool_pid = os.getpid()
        return _pool


def _run(fn: Callable[..., Any], args: tuple[Any, ...], label: str) -> Any:
    try:
        return fn(*args)
    except Exception:  # a failed piece of work must not kill the worker thread
        logger.exception("Background work %s failed", label)
        return None
    finally:
        # The worker thread keeps living: give its connections back after every piece.
        connections.close_all()


def background_submit(fn: Callable[..., Any], *args: Any, label: str = "") -> Future[Any]:
    """Queue `fn(*args)` for the pool of this process; returns its future."""
    return _executor().submit(_run, fn, args, label or getattr(fn, "__name__", "work"))


def background_wait(timeout: float = 30.0) -> None:
    """Wait until the work queued so far is done (tests and management commands).

    One barrier task per thread: once every thread stands at the barrier, everything queued
    before it (the queue is first in, first out) has finished."""
    count = background_threads()
    barrier = threading.Barrier(count + 1, timeout=timeout)
    for _ in range(count):
        _executor().submit(barrier.wait)
    barrier.wait()
