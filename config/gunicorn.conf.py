"""gunicorn settings shared by `make run` and the production service (docs/production.md).

    gunicorn -c config/gunicorn.conf.py config.wsgi:application

Everything can be changed through the environment: HOST and PORT (or BIND), WEB_CONCURRENCY
(worker processes, default 2 × cores + 1), GUNICORN_THREADS, GUNICORN_WORKER_CLASS (`gthread`
for gunicorn's own), GUNICORN_MAX_REQUESTS (0: never replace a worker), GUNICORN_LOG_LEVEL,
ACCESS_LOG=1, CIVICPLAN_WARM=0 (no warm-up), CIVICPLAN_GC_FREEZE=0 (no gc.freeze before a fork).

The application is loaded once in the master process and warmed there (text models, the
similarity index of each open campaign, templates, the anonymous page cache) before the port
is opened, so every worker starts warm — also the ones gunicorn starts later to replace a
recycled worker — and no visitor's request pays for loading a model.
"""

from __future__ import annotations

import gc
import os
from typing import Any


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")
bind = [os.environ.get("BIND") or f"{HOST}:{PORT}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cores() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# gthread that takes a connection only while one of its threads is free, so that a burst
# queues once for all processes instead of behind one process's threads (config/gunicorn_worker.py).
worker_class = (
    os.environ.get("GUNICORN_WORKER_CLASS") or "config.gunicorn_worker.BalancedThreadWorker"
)
preload_app = True
# A worker is replaced after this many requests (a bound on slow leaks). Pages from the cache
# cost about 2 ms: at 2,000 a worker of a busy site was replaced every few seconds (seen in
# benchmarks/load/run_pages.py at 1,000 req/s), each time forking and reconnecting. The
# balanced worker replaces one process at a time, the first ones spread over a lifetime
# (config/gunicorn_recycle.py); 0 switches the replacing off.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
timeout = 60
graceful_timeout = 30
keepalive = 5
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-" if os.environ.get("ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"} else None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "civicplan"
# gunicorn ≥ 24 opens a control socket at one fixed path per user; two servers on a machine
# (a benchmark next to `make run`) would take it from each other. Nothing here uses it.
control_socket_disable = True


_OFF = {"0", "false", "no", "off"}


def on_starting(server: Any) -> None:
    """Warm the preloaded application in the master, before the port opens."""
    if os.environ.get("CIVICPLAN_WARM", "1") not in _OFF:
        from civicplan.core.warmup import warm_up

        warm_up(log=server.log.info)
    gc.collect()  # what the start-up left behind is not inherited by the workers


def pre_fork(server: Any, worker: Any) -> None:
    """Everything the master holds (the application, its models, the warmed caches: about
    280,000 objects) is moved out of the garbage collector's reach before a worker is forked
    (`gc.freeze`, as the Python documentation advises for pre-forking servers). Otherwise
    every full collection in a worker walks all of it — 120-160 ms of CPU on these cores
    while the worker's threads wait (their requests' tail, benchmarks/README.md «Garbage
    collection in the workers») — and copies the pages it touches out of the memory the
    workers share with the master. CIVICPLAN_GC_FREEZE=0 leaves it as Python does."""
    if os.environ.get("CIVICPLAN_GC_FREEZE", "1") not in _OFF:
        gc.freeze()


def post_worker_init(worker: Any) -> None:
    """Each worker watches the page cache: after a write (or at a scheduled publication time)
    one of them renders the warmed pages again in a background thread, so that the first
    visitor after new data does not pay for the render."""
    if os.environ.get("CIVICPLAN_WARM", "1") in _OFF:
        return
    from civicplan.core.warmup import start_rewarming

    start_rewarming()


def worker_exit(server: Any, worker: Any) -> None:
    """A worker that is done (replaced, or the server stopping) leaves at once, without
    freeing what it inherited from the warmed master: that took seconds, and gunicorn starts
    the replacement only after the exit."""
    from config.gunicorn_recycle import exit_at_once

    exit_at_once(worker)
