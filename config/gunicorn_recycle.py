"""Worker recycling (gunicorn's `max_requests`) that visitors do not notice.

A worker is replaced after about `max_requests` requests, a bound on slow leaks. As gunicorn
does it, two things made the replacements visible (benchmarks/README.md, «Worker recycling»):

- **They came together.** The balanced worker (config/gunicorn_worker.py) shares the requests
  evenly, so the workers started together reach their limit together: `max_requests_jitter`
  (10 %) spreads them by a tenth of a lifetime at most, and all five left within one second.
  Now the first workers' limits are spread over a lifetime (the k-th of N stops after k/N of
  `max_requests`, their replacements then keep that spacing), and a worker over its limit
  stops only while no other worker of the server is being replaced (`RecycleGate`): at most
  one is out at a time.
- **A replacement came only seconds later.** gunicorn starts it once the old process has
  exited, and a process forked from the warmed master (310 MB) spent 2–4 s in Python's
  interpreter finalisation (C code: freeing, and so first copying, what it inherited). A
  worker has nothing to save at that point, so it now leaves at once (`exit_at_once`, from
  the `worker_exit` hook of config/gunicorn.conf.py), with its exit status; its `atexit`
  handlers do not run.

With `GUNICORN_WORKER_CLASS=gthread` only the second part applies.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_STATE = struct.Struct("dd")  # (when the last recycle began, monotonic; 1.0 while it lasts)


class RecycleGate:
    """Shared by the processes of one gunicorn server (created in the master, inherited by the
    workers it forks): which worker may go now. One at a time: the next one once a worker has
    started serving after the previous one went (its replacement), or after `stale` seconds
    (a replacement that never came must not stop recycling for good)."""

    def __init__(self) -> None:
        # An unlinked file: its POSIX lock is per process and goes with a process that dies.
        self._file = tempfile.TemporaryFile()
        self._fd = self._file.fileno()
        os.pwrite(self._fd, _STATE.pack(0.0, 0.0), 0)

    @contextmanager
    def _locked(self) -> Iterator[tuple[float, bool]]:
        fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            since, pending = _STATE.unpack(os.pread(self._fd, _STATE.size, 0))
            yield since, bool(pending)
        finally:
            fcntl.lockf(self._fd, fcntl.LOCK_UN)

    def _write(self, since: float, pending: bool) -> None:
        os.pwrite(self._fd, _STATE.pack(since, 1.0 if pending else 0.0), 0)

    def serving(self) -> None:
        """A worker has started taking requests: the one that went is replaced."""
        with self._locked() as (since, _pending):
            self._write(since, False)

    def claim(self, stale: float, now: float | None = None) -> bool:
        """May the calling worker go now? If so, the others wait for its replacement."""
        with self._locked() as (since, pending):
            now = time.monotonic() if now is None else now
            if pending and now - since < stale:
                return False
            self._write(now, True)
            return True


def first_limit(limit: int, jitter: int, age: int, workers: int) -> int:
    """The requests after which a worker goes: `limit + jitter`, gunicorn's, except for the
    workers started with the server (age 1…N), which would all reach it together: the k-th of
    them goes after k/N of it, so that they and their replacements go one after another."""
    if 1 <= age < workers:
        return limit * age // workers + jitter
    return limit + jitter


def exit_at_once(worker: Any) -> None:
    """End the worker process now, with the status gunicorn is exiting it with, without
    Python's finalisation (freeing every object inherited from the master, seconds for a
    warmed one, while the master waits for the exit to start the replacement). Called last
    in the process (gunicorn's `worker_exit` hook, inside its `finally`), after the worker
    has answered its requests and closed its sockets. An exit that is not a SystemExit with a
    numeric status (an exception) is left to Python."""
    error = sys.exc_info()[1]
    if not isinstance(error, SystemExit):
        return
    code = 0 if error.code is None else error.code
    if not isinstance(code, int):
        return
    logging.shutdown()  # what Python would still do: flush the log handlers
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code & 0xFF)
