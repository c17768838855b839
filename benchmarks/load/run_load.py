"""Load test of the public pages and the proposal submission API against the real server:
gunicorn (several workers) + PostgreSQL + Redis on loopback, driven by wrk.

    .venv/bin/python benchmarks/load/run_load.py --database cp_trust --workers 4 --duration 20

The database must hold the demo (`manage.py load_demo`). Every scenario is bounded in time;
the submission scenario also checks that each 201 answer left exactly one row in the database.
Prints a Markdown table and writes benchmarks/load/results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def server_env(database: str, redis_db: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_HTTPS="1",  # as behind nginx: X-Forwarded-Proto / X-Forwarded-For trusted
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DB_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DEBUG", None)
    return env


def django_query(env: dict[str, str], code: str) -> str:
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [str(PYTHON), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_cpu_seconds(master: int) -> float:
    """User+system CPU time of the gunicorn master and its workers, in seconds."""
    children = subprocess.run(
        ["pgrep", "-P", str(master)], capture_output=True, text=True
    ).stdout.split()
    total = 0
    for pid in [str(master), *children]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {timeout} s")


def wrk(url: str, script: str, *, duration: int, connections: int, threads: int = 2) -> dict:
    env = dict(os.environ, LOAD_DIR=str(HERE))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / script),
        url,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="cp_trust")
    parser.add_argument("--redis-db", type=int, default=7)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--submit-connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    env = server_env(args.database, args.redis_db)
    subprocess.run(
        ["redis-cli", "-n", str(args.redis_db), "flushdb"], check=False, capture_output=True
    )
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--forwarded-allow-ips",
            "127.0.0.1",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    results: dict[str, dict] = {}
    print("load average before:", load_average(), flush=True)
    try:
        wait_for(base + "/healthz")
        article = django_query(
            env,
            "from civicplan.publications.models import Article\n"
            "from django.utils import timezone\n"
            "a = Article.objects.filter(state='published', publish_at__lte=timezone.now())"
            ".order_by('-publish_at').first()\n"
            "print(a.slug if a else '')",
        )
        pages = {"proposal list /proposals/": "/proposals/"}
        if article:
            pages[f"article /news/{article}/"] = f"/news/{article}/"
        pages["home /"] = "/"
        pages["municipality page"] = "/territories/municipalities/36724000000/"
        for path in pages.values():  # warm caches and connections
            wrk(base + path, "get.lua", duration=3, connections=4)
        for name, path in pages.items():
            cpu = server_cpu_seconds(server.pid)
            results[name] = wrk(
                base + path, "get.lua", duration=args.duration, connections=args.connections
            )
            used = server_cpu_seconds(server.pid) - cpu
            results[name]["server_cpu_ms_per_request"] = round(
                1000 * used / max(1, results[name]["requests"]), 1
            )
            print(name, results[name], flush=True)

        count_api = (
            "from civicplan.proposals.models import Proposal\n"
            "print(Proposal.objects.filter(channel='api').count())"
        )
        before = int(django_query(env, count_api))
        cpu = server_cpu_seconds(server.pid)
        submit = wrk(
            base + "/api/v1/proposals/",
            "submit.lua",
            duration=args.duration,
            connections=args.submit_connections,
        )
        submit["server_cpu_ms_per_request"] = round(
            1000 * (server_cpu_seconds(server.pid) - cpu) / max(1, submit["requests"]), 1
        )
        time.sleep(2)
        after = int(django_query(env, count_api))
        submit["stored"] = after - before
        # wrk stops counting at the deadline; requests still in flight may be stored after it.
        submit["lost"] = max(0, submit["ok"] - submit["stored"])
        submit["completed_after_cutoff"] = max(0, submit["stored"] - submit["ok"])
        results["submission POST /api/v1/proposals/"] = submit
        print("submission", submit, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)

    meta = {
        "workers": args.workers,
        "threads": args.threads,
        "duration_s": args.duration,
        "connections": args.connections,
        "submit_connections": args.submit_connections,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "load_average_after": load_average(),
    }
    (HERE / "results.json").write_text(
        json.dumps({"meta": meta, "results": results}, ensure_ascii=False, indent=2)
    )
    print("load average after:", meta["load_average_after"])
    print()
    print(
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | server CPU ms/req "
        "| errors (5xx / socket / 4xx) |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in results.items():
        extra = f"; stored {r['stored']}, lost {r['lost']}" if "stored" in r else ""
        print(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['server_cpu_ms_per_request']} | "
            f"{r['server_errors']} / {r['socket_errors']} / "
            f"{r['client_errors'] + r['limited']}{extra} |"
        )


if __name__ == "__main__":
    main()
