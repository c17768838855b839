"""gunicorn's threaded worker, made to share the requests fairly between the processes.

The stock `gthread` worker accepts every connection it can (up to `worker_connections`, 1000)
and queues their requests behind its own few threads, and a kept-alive connection stays
with the process that accepted it. With a room of 300 on the idea board one process served
3,890 requests and another 1,394, up to 197 requests waited behind one process's two
threads, 1.1 s at the median and 7.1 s at the 95th percentile, while the application itself
answered in 34 ms / 122 ms (benchmarks/README.md, «Idea board: where the waits were»). This
worker

- takes a new connection from the shared listening socket only while one of its threads is
  free, so that the waiting requests queue in the kernel, where the first free thread of
  any process takes the oldest one;
- answers `Connection: close` to a request that had to wait behind its threads (one that
  came on a kept-alive connection while they were busy), so that the client's next request
  goes through that shared queue instead of waiting here again.

With free threads it behaves as `gthread` (keep-alive, the same timeouts). It also recycles
itself one process at a time (`max_requests`, config/gunicorn_recycle.py). It relies on the
gthread worker of gunicorn 27 (`enqueue_req`, `finish_request`, `set_accept_enabled`,
`handle`); with a version without them it behaves as the stock `gthread`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from gunicorn.workers.gthread import ThreadWorker

from config.gunicorn_recycle import RecycleGate, first_limit

_HOOKS = ("enqueue_req", "finish_request", "set_accept_enabled", "handle", "load_wsgi")
BALANCED = all(hasattr(ThreadWorker, name) for name in _HOOKS)


class BalancedThreadWorker(ThreadWorker):
    busy = 0  # requests handed to this process's threads and not finished (queued included)
    wsgi: Callable[..., Iterable[bytes]]
    max_requests: int
    alive: bool
    # Created in the master with its first worker, inherited by every worker forked after.
    gate: ClassVar[RecycleGate | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Runs in the master, before the fork.
        super().__init__(*args, **kwargs)
        self.recycle_after: int = self.max_requests  # gunicorn's: max_requests + its jitter
        if BALANCED and int(self.cfg.max_requests) > 0:
            if BalancedThreadWorker.gate is None:
                BalancedThreadWorker.gate = RecycleGate()
            limit = int(self.cfg.max_requests)
            self.recycle_after = first_limit(
                limit, self.max_requests - limit, self.age, int(self.cfg.workers)
            )
            self.max_requests = sys.maxsize  # gunicorn's own check off: _recycle_if_due decides

    def _balanced(self) -> bool:
        return BALANCED and int(self.cfg.threads) > 0

    def run(self) -> None:
        if self.gate is not None:
            self.gate.serving()  # a replacement is up: the next worker over its limit may go
        super().run()

    def _recycle_if_due(self) -> None:
        if (
            self.alive
            and self.gate is not None
            and self.nr >= self.recycle_after
            and self.gate.claim(stale=float(self.cfg.graceful_timeout) + 10.0)
        ):
            self.log.info("Autorestarting worker after %s requests.", self.nr)
            self.alive = False

    def load_wsgi(self) -> None:
        super().load_wsgi()
        app = self.wsgi
        waited = self.waited = threading.local()

        def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            # This request waited behind this process's threads: the client's next one goes
            # through the shared queue (gunicorn's Response is start_response's owner).
            if getattr(waited, "value", False):
                response = getattr(start_response, "__self__", None)
                if response is not None and hasattr(response, "force_close"):
                    response.force_close()
            return app(environ, start_response)

        self.wsgi = wsgi

    def set_accept_enabled(self, enabled: bool) -> None:
        if self._balanced():
            enabled = enabled and self.busy < self.cfg.threads
        super().set_accept_enabled(enabled)

    def _accept_if_free(self) -> None:
        if self._balanced():
            self.set_accept_enabled(self.nr_conns < self.worker_connections)

    # enqueue_req and finish_request run on the worker's main thread (its accept loop and
    # the callbacks it runs), handle in one of its threads.
    def enqueue_req(self, conn: Any) -> None:
        conn.civicplan_waits = self._balanced() and self.busy >= self.cfg.threads
        self.busy += 1
        super().enqueue_req(conn)
        self._accept_if_free()

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        self._recycle_if_due()  # before: a kept-alive connection then lingers as when stopping
        super().finish_request(conn, fs)
        self._accept_if_free()

    def handle(self, conn: Any) -> Any:
        self.waited.value = getattr(conn, "civicplan_waits", False)
        try:
            return super().handle(conn)
        finally:
            self.waited.value = False
