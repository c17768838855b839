"""Fuzz the JSON API with schemathesis against the project's own OpenAPI schema, on a real
server (gunicorn + PostgreSQL) on 127.0.0.1.

    .venv/bin/python benchmarks/fuzz/run_fuzz.py --database cp_trust --max-examples 50

Checks: no 5xx answer, every answer matches the schema declared for its status. Staff
endpoints are reached with a personal API token of the regional moderator of Samara (the
demo must be loaded: `manage.py load_demo`). The CI variant is tests/trust/test_api_fuzz.py.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
CHECKS = "not_a_server_error,response_schema_conformance"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def staff_token(env: dict[str, str], email: str) -> str:
    code = (
        "import django; django.setup()\n"
        "from civicplan.accounts.models import User\n"
        "from civicplan.accounts.services.tokens import api_token_issue, api_token_scopes_allowed\n"
        f"user = User.objects.get(email={email!r})\n"
        "print(api_token_issue(user=user, name='schemathesis', lifetime_days=1,\n"
        "      scopes=api_token_scopes_allowed(user))[1])\n"
    )
    result = subprocess.run(
        [str(BIN / "python"), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(result.stderr[-2000:])
    return result.stdout.strip().splitlines()[-1]


def schemathesis_command(
    url: str,
    *,
    token: str,
    max_examples: int,
    workers: int,
    seed: int,
    report: Path | None,
    phases: str = "examples,coverage,fuzzing",
) -> list[str]:
    command = [
        str(BIN / "schemathesis"),
        "run",
        url,
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--phases",
        phases,
        "--header",
        f"Authorization: Bearer {token}",
        "--request-timeout",
        "30",
        "--seed",
        str(seed),
        "--workers",
        str(workers),
        "--no-shrink",
    ]
    if report:
        command += ["--report", "junit", "--report-junit-path", str(report)]
    return command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="cp_trust")
    parser.add_argument("--max-examples", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="schemathesis workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--staff", default="moderator.samara@civicplan.local")
    parser.add_argument("--junit", type=Path, default=None, help="write a JUnit report here")
    args = parser.parse_args()

    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL="redis://127.0.0.1:6379/8",
        SECRET_KEY=secrets.token_urlsafe(50),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DEBUG", None)
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        schema = f"http://127.0.0.1:{port}/api/v1/openapi.json"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(schema, timeout=5).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        token = staff_token(env, args.staff)
        started = time.time()
        command = schemathesis_command(
            schema,
            token=token,
            max_examples=args.max_examples,
            workers=args.workers,
            seed=args.seed,
            report=args.junit,
        )
        code = subprocess.run(command, cwd=ROOT).returncode
        print(f"schemathesis finished in {time.time() - started:.0f} s with exit code {code}")
        return code
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
