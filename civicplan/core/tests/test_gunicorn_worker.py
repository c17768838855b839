"""The worker `make run` and production start (config/gunicorn_worker.py): a request is never
held behind another process's busy threads while a thread elsewhere is free, and a request
that had to wait behind this process's threads sends its client to the shared queue next
time. A real gunicorn on loopback with a tiny WSGI application (no Django, no database)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicplan.core.tests.ports import free_port

ROOT = Path(__file__).resolve().parents[3]
BALANCED = "config.gunicorn_worker.BalancedThreadWorker"

# /slow waits (at most 5 s) until /fast has run; /fast marks that it ran.
PROBE_APP = """
import os, time

MARK = os.environ["PROBE_MARK"]
STARTED = MARK + ".started"


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/slow":
        open(STARTED, "w").close()
        deadline = time.monotonic() + float(environ.get("QUERY_STRING") or 5)
        while not os.path.exists(MARK) and time.monotonic() < deadline:
            time.sleep(0.01)
        body = b"released" if os.path.exists(MARK) else b"alone"
    elif path == "/fast":
        open(MARK, "w").close()
        body = b"fast"
    else:
        body = b"ok"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


class Server:
    def __init__(self, tmp: Path, port: int) -> None:
        self.tmp = tmp
        self.port = port
        self.mark = tmp / "mark"

    def reset(self) -> None:
        for path in (self.mark, Path(f"{self.mark}.started")):
            path.unlink(missing_ok=True)

    def wait_started(self) -> None:
        started = Path(f"{self.mark}.started")
        for _ in range(500):
            if started.exists():
                return
            time.sleep(0.01)
        raise AssertionError("the slow request never reached the application")

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)


def _serve(tmp: Path, worker_class: str, workers: int, threads: int) -> Iterator[Server]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    (tmp / "probe_app.py").write_text(PROBE_APP)
    port = free_port()
    server = Server(tmp, port)
    env = {**os.environ, "PROBE_MARK": str(server.mark), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [
            str(gunicorn),
            "probe_app:app",
            "--pythonpath",
            str(tmp),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            worker_class,
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                probe = server.connection()
                probe.request("GET", "/")
                if probe.getresponse().read() == b"ok":
                    probe.close()
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise AssertionError("gunicorn did not start")
        time.sleep(0.5)  # every worker up and listening
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def two_workers_one_thread(tmp_path: Path) -> Iterator[Server]:
    yield from _serve(tmp_path, BALANCED, workers=2, threads=1)


@pytest.fixture
def one_worker_one_thread(tmp_path: Path) -> Iterator[Server]:
    yield from _serve(tmp_path, BALANCED, workers=1, threads=1)


def test_a_new_request_goes_to_the_free_process_not_behind_a_busy_one(
    two_workers_one_thread: Server,
) -> None:
    server = two_workers_one_thread
    # gunicorn's own gthread lets either process take the second connection: behind the busy
    # one it waits until the first request gives up. Ten rounds: never once.
    for _round in range(10):
        server.reset()
        answers: dict[str, bytes] = {}

        def slow(answers: dict[str, bytes]) -> None:
            connection = server.connection()
            connection.request("GET", "/slow")
            answers["slow"] = connection.getresponse().read()
            connection.close()

        first = threading.Thread(target=slow, args=(answers,))
        first.start()
        server.wait_started()
        connection = server.connection()
        connection.request("GET", "/fast")
        answers["fast"] = connection.getresponse().read()
        connection.close()
        first.join()
        assert answers == {"fast": b"fast", "slow": b"released"}


def test_a_request_that_waited_behind_the_threads_closes_its_connection(
    one_worker_one_thread: Server,
) -> None:
    server = one_worker_one_thread
    server.reset()
    waiting = server.connection()
    waiting.request("GET", "/")
    first = waiting.getresponse()
    assert first.read() == b"ok"
    assert first.getheader("Connection", "").lower() != "close"  # kept alive while idle

    def slow() -> None:
        connection = server.connection()
        connection.request("GET", "/slow?0.5")
        connection.getresponse().read()
        connection.close()

    busy = threading.Thread(target=slow)
    busy.start()
    server.wait_started()
    waiting.request("GET", "/")  # the only thread is busy: this one waits in the process
    answer = waiting.getresponse()
    assert answer.read() == b"ok"
    assert answer.getheader("Connection", "").lower() == "close"
    busy.join()

    # The slow request's client has its answer a moment before the worker counts the thread
    # free again, so an idle worker is given a few tries to show it keeps connections alive.
    kept_alive = False
    for _ in range(20):
        again = server.connection()
        again.request("GET", "/")
        idle = again.getresponse()
        assert idle.read() == b"ok"
        kept_alive = idle.getheader("Connection", "").lower() != "close"
        again.close()
        if kept_alive:
            break
        time.sleep(0.05)
    assert kept_alive
