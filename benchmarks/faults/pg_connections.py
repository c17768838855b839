"""How many PostgreSQL connections a burst costs without a broker (background work in process).

    .venv/bin/python benchmarks/faults/pg_connections.py --database civicplan_secrobust

Creates the database afresh, loads the Samara campaign and a session with an idea board,
starts gunicorn (3 workers × 4 threads, as the board benchmark) on 127.0.0.1 without
REDIS_URL — so every accepted proposal's analysis runs in the process, on the bounded
background pool of core.background — and sends 100 proposals and 100 board ideas at once
from 40 client threads. A sampler counts the server's connections in pg_stat_activity every
0.1 s until the analyses are done (bounded by --deadline). Prints the peak.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.trust.test_concurrency import SETUP  # noqa: E402  (the same campaign and board)

OVERRIDES = """from config.settings import *  # noqa: F403
PROPOSALS_RATE_PER_IP = 10**6
PROPOSALS_RATE_PER_EMAIL = 10**6
"""


def post(base: str, path: str, payload: dict, token: str = "") -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **({"X-Board-Token": token} if token else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="civicplan_secrobust")
    parser.add_argument("--port", type=int, default=8122)
    parser.add_argument("--deadline", type=float, default=240)
    args = parser.parse_args()
    import psycopg

    admin_url = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.database}"')
    tmp = Path(tempfile.mkdtemp(prefix="cp-pgconn-"))
    (tmp / "bench_settings.py").write_text(OVERRIDES)
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{tmp}:{ROOT}",
        CIVICPLAN_VAR_DIR=str(tmp),
        SECRET_KEY="pg-connections-benchmark-secret-key-0123456789-abcdefghij",
        ALLOWED_HOSTS="127.0.0.1",
        LOG_LEVEL="WARNING",
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", SETUP],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    code = next(line.split()[1] for line in out.splitlines() if line.startswith("CODE"))
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            "3",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=(tmp / "gunicorn.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    peak = 0
    sampling = True

    def sample() -> None:
        nonlocal peak
        with psycopg.connect(admin_url, autocommit=True) as watch:
            while sampling:
                n = watch.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [args.database]
                ).fetchone()[0]
                peak = max(peak, int(n))
                time.sleep(0.1)

    try:
        time.sleep(4)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        began = time.monotonic()
        api = f"/api/v1/sessions/board/{code}"

        def proposal(n: int) -> int:
            return post(
                base,
                "/api/v1/proposals/",
                {
                    "text": f"Предлагаю отремонтировать дорогу и тротуар к школе № {n} в Отрадном.",
                    "municipality": "36724000000",
                    "name": "Мария Кузнецова",
                    "email": f"resident{n}@example.ru",
                    "consent": True,
                },
            )[0]

        def ideas(n: int) -> list[int]:
            status, joined = post(base, f"{api}/join", {"nickname": f"Участник {n}"})
            return [status] + [
                post(
                    base,
                    f"{api}/ideas",
                    {"kind": "proposal", "text": f"Идея {k} участника {n}: открыть коворкинг"},
                    joined.get("token", ""),
                )[0]
                for k in range(2)
            ]

        with ThreadPoolExecutor(40) as pool:
            sent = [pool.submit(proposal, n) for n in range(100)]
            sent += [pool.submit(ideas, n) for n in range(50)]
            statuses: Counter[int] = Counter()
            for future in sent:
                result = future.result()
                statuses.update(result if isinstance(result, list) else [result])
        answered = time.monotonic() - began
        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://")) as db:
            while time.monotonic() - began < args.deadline:
                done = db.execute("SELECT count(*) FROM insights_proposalanalysis").fetchone()[0]
                if done >= 100:
                    break
                time.sleep(1)
        analysed = time.monotonic() - began
        print(
            f"answers: {dict(statuses)} in {answered:.1f} s; analyses done: {done} "
            f"after {analysed:.1f} s"
        )
        print(
            f"peak connections of the site to {args.database}: {peak} "
            f"(max_connections 100; 3 workers × 4 threads + 3 × BACKGROUND_THREADS)"
        )
    finally:
        sampling = False
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
