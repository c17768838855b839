"""Fault test: restart PostgreSQL while residents keep submitting proposals.

    .venv/bin/python benchmarks/faults/pg_restart.py --database cp_trust --seconds 30

A real server (gunicorn, several workers, PostgreSQL) receives a steady stream of
POST /api/v1/proposals/ from several client threads; in the middle the PostgreSQL cluster is
restarted with `pg_ctlcluster`. Afterwards every submission that got 201 must be in the
database (looked up by its tracking code), and every other answer must be a clear error
(a JSON ErrorOut with a Russian message, typically 503) — never a silent loss.

Not part of the test suite: restarting the shared PostgreSQL would break any other test run
(including CI's own PostgreSQL job) that is using it at that moment.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(url: str, n: int, thread: int) -> tuple[int, dict]:
    body = {
        "campaign": "strategy-leadership-samara",
        "municipality": "36724000000",
        "name": f"Житель {thread}-{n}",
        "email": f"fault-{thread}-{n}-{secrets.token_hex(3)}@example.ru",
        "consent": True,
        "text": f"Предлагаю обустроить сквер у дома культуры в Отрадном. Обращение {thread}-{n}-"
        f"{secrets.token_hex(4)}: скамейки, освещение и детская площадка.",
    }
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Forwarded-For": f"10.77.{thread}.{n % 250 + 1}",
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw[:200].decode(errors="replace")}
    except OSError as error:
        return 0, {"raw": str(error)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="cp_trust")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--restart-at", type=float, default=8)
    args = parser.parse_args()

    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL="redis://127.0.0.1:6379/9",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_HTTPS="1",
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DEBUG", None)
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "3", "--forwarded-allow-ips", "127.0.0.1", "--log-level", "error"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/v1/proposals/"
    outcomes: list[tuple[float, int, dict]] = []
    lock = threading.Lock()
    stop = time.time() + 3600

    def client(thread: int) -> None:
        n = 0
        while time.time() < stop:
            n += 1
            status, body = post(url, n, thread)
            with lock:
                outcomes.append((time.time(), status, body))
            time.sleep(0.05)

    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        started = time.time()
        stop = started + args.seconds
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        time.sleep(args.restart_at)
        restart_began = time.time()
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"], check=True
        )
        restart_took = time.time() - restart_began
        for t in threads:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    accepted = [body["tracking_code"] for _t, status, body in outcomes if status == 201]
    code = (
        "import django, json, sys; django.setup()\n"
        "from civicplan.proposals.models import Proposal\n"
        "codes = json.load(sys.stdin)\n"
        "print(Proposal.objects.filter(tracking_code__in=codes).count())\n"
    )
    stored = int(
        subprocess.run(
            [str(BIN / "python"), "-c", code], cwd=ROOT, env=env, input=json.dumps(accepted),
            capture_output=True, text=True, check=True,
        ).stdout.split()[-1]
    )  # fmt: skip
    statuses = Counter(status for _t, status, _b in outcomes)
    unclear = [
        (status, body)
        for _t, status, body in outcomes
        if status != 201 and not (isinstance(body.get("detail"), str) and body.get("code"))
    ]
    during = [
        status
        for t, status, _b in outcomes
        if restart_began - 1 <= t <= restart_began + restart_took + 5
    ]
    errors = Counter(
        body.get("code") for _t, status, body in outcomes if status != 201 and body.get("code")
    )
    report = {
        "submissions": len(outcomes),
        "accepted_201": len(accepted),
        "accepted_and_stored": stored,
        "lost": len(accepted) - stored,
        "statuses": dict(sorted(statuses.items())),
        "error_codes": dict(errors),
        "unclear_errors": len(unclear),
        "unclear_examples": unclear[:3],
        "restart_seconds": round(restart_took, 1),
        "statuses_around_restart": dict(Counter(during)),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = report["lost"] == 0 and not unclear and statuses.get(201, 0) > 0
    print("FAULT TEST", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
