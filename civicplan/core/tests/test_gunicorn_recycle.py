"""Worker recycling under `make run`'s gunicorn settings (config/gunicorn.conf.py,
config/gunicorn_recycle.py): the workers are replaced one at a time, a replacement serves at
once even when the old process would take seconds to end, and no visitor waits for either.
A real gunicorn on loopback with the project's configuration and a tiny WSGI application."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from civicplan.core.tests.ports import free_port
from config.gunicorn_recycle import RecycleGate, first_limit

ROOT = Path(__file__).resolve().parents[3]

# Answers with its process id after 5 ms (a page's time). Each worker, at its first request, registers an exit handler
# that takes 3 s: a process forked from the warmed master took as long to free what it
# inherited, and gunicorn starts the replacement only once the old process has ended.
RECYCLED_APP = """
import atexit, os, time

SLOW_EXIT = []


def app(environ, start_response):
    if not SLOW_EXIT:
        SLOW_EXIT.append(atexit.register(time.sleep, 3))
    time.sleep(0.005)
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def _get(port: int) -> tuple[int, float]:
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/")
    pid = int(connection.getresponse().read())
    connection.close()
    return pid, time.monotonic() - started


def test_workers_are_replaced_one_at_a_time_and_no_request_waits_for_it(tmp_path: Path) -> None:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    (tmp_path / "recycled_app.py").write_text(RECYCLED_APP)
    port = free_port()
    env = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
        "GUNICORN_THREADS": "1",
        "GUNICORN_MAX_REQUESTS": "30",  # jitter 3: the three would go together
        "GUNICORN_LOG_LEVEL": "info",
        "CIVICPLAN_WARM": "0",
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
    }
    env.pop("GUNICORN_WORKER_CLASS", None)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(gunicorn), "-c", "config/gunicorn.conf.py", "recycled_app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        for _ in range(200):
            try:
                _get(port)
                break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("gunicorn did not start")
        time.sleep(0.5)  # every worker up

        answers: list[tuple[int, float]] = []

        def visitor() -> None:
            for _ in range(100):
                answers.append(_get(port))

        visitors = [threading.Thread(target=visitor) for _ in range(4)]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join(timeout=120)
    finally:
        process.terminate()
        process.wait(timeout=60)

    lines = log.read_text().splitlines()
    recycled = [line for line in lines if "Autorestarting worker" in line]
    # 400 requests on three workers of 30 replace several of them, one after another: each
    # replacement serves once the old process has ended (with its 3 s exit: one in the run).
    assert len(recycled) >= 3, "\n".join(lines)
    # Never two workers out at once: each one that goes is replaced before the next goes.
    out = 0
    booted = 0
    for line in lines:
        if "Booting worker" in line:
            booted += 1
            if booted > 3:
                out = max(0, out - 1)
        elif "Autorestarting worker" in line:
            out += 1
            assert out <= 1, "\n".join(lines)
    # The replacements serve, and nobody waited for a process to end (3 s each).
    assert len({pid for pid, _seconds in answers}) >= 3 + 2
    slowest = max(seconds for _pid, seconds in answers)
    assert slowest < 1.5, f"a request waited {slowest:.1f} s"
    assert not any(re.search(r"\[(ERROR|CRITICAL)\]", line) for line in lines)


def test_the_workers_started_together_are_given_limits_a_lifetime_apart() -> None:
    limits = [first_limit(20000, 0, age, 5) for age in range(1, 6)]
    assert limits == [4000, 8000, 12000, 16000, 20000]
    # Their replacements get gunicorn's limit and jitter.
    assert first_limit(20000, 1234, 6, 5) == 21234


def test_the_gate_lets_the_next_worker_go_once_a_replacement_serves() -> None:
    gate = RecycleGate()
    gate.serving()
    assert gate.claim(stale=40.0, now=200.0)  # the first to reach its limit goes
    assert not gate.claim(stale=40.0, now=200.0)  # the next one waits for the replacement
    assert not gate.claim(stale=40.0, now=200.5)
    gate.serving()  # the replacement takes requests
    assert gate.claim(stale=40.0, now=201.0)
    assert not gate.claim(stale=40.0, now=230.0)
    assert gate.claim(stale=40.0, now=241.5)  # a replacement that never came does not block
