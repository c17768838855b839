"""Public pages under load, as `make run` serves them: gunicorn with config/gunicorn.conf.py,
the anonymous page cache, against SQLite (the default) and PostgreSQL, driven by wrk.

    .venv/bin/python benchmarks/load/run_pages.py --databases sqlite,postgres \\
        --pg-database civicplan_perf --port 8160 --duration 10

For each database it:

1. starts the server (warm-up included) and measures the time until /healthz answers;
2. fetches every page once right after the start, then again right after new data arrived
   (a proposal published, a comment, a news item and a strategy edit through the services,
   which invalidate the page cache) — «no page over 300 ms»;
3. runs wrk for `--duration` seconds with `--connections` connections on each page of issue
   17 for an anonymous visitor, /healthz before and after (the ratio), then the signed-in
   pages with a resident's and a regional moderator's session cookie.

The SQLite run uses the worktree's `var/civicplan.sqlite3`, the PostgreSQL run the database
`--pg-database`; each is migrated and filled with the demo when it is empty. Everything binds
127.0.0.1 only and is bounded in time. Writes `benchmarks/load/results_pages.json` (with
`--signed-in-only`, which leaves the anonymous pages out of the wrk part:
`results_pages_signed_in.json`) and prints Markdown tables.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

FIXTURES = """
import django, json
django.setup()
from django.urls import reverse
from civicplan.campaigns.selectors import campaign_current
from civicplan.proposals.models import Proposal, PUBLIC_STATUSES
from civicplan.publications.selectors import articles_published
from civicplan.strategy.models import KPI, Strategy
from civicplan.potential.models import PotentialScore
campaign = campaign_current()
strategy = Strategy.objects.filter(region=campaign.region).order_by("pk").first()
kpi = KPI.objects.filter(goal__direction__strategy=strategy).order_by("pk").first()
article = articles_published().order_by("-publish_at").first()
proposal = Proposal.objects.filter(campaign=campaign, status__in=PUBLIC_STATUSES).order_by("-pk").first()
score = (PotentialScore.objects.filter(methodology__is_active=True, municipality__region=campaign.region)
         .select_related("municipality").order_by("-index").first())
town = score.municipality.oktmo if score else "36724000000"
direction = strategy.directions.order_by("order").first()
print(json.dumps({
    "home /": "/",
    "proposals /proposals/": "/proposals/",
    "proposals, deep page with filters": "/proposals/?direction=%s&sort=supported&page=3" % direction.slug,
    "article": article.get_absolute_url(),
    "news list /news/": "/news/",
    "municipality page": reverse("territories:municipality", args=[town]),
    "potential page": reverse("potential:potential", args=[town]),
    "strategy tree": reverse("strategy:detail", args=[strategy.slug]),
    "KPI page": reverse("strategy:kpi", args=[strategy.slug, kpi.pk]),
    "_proposal": reverse("proposals:detail", args=[proposal.pk]),
}))
"""

SESSION = """
import django, sys
django.setup()
from django.conf import settings
from django.test import Client
from civicplan.accounts.models import User
client = Client()
client.force_login(User.objects.get(email=sys.argv[1]))
print(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
"""
RESIDENT = "resident@civicplan.local"
MODERATOR = "moderator.samara@civicplan.local"

# New data arrives: a proposal published, a comment, a news item, a strategy edit.
NEW_DATA = """
import django, io
django.setup()
from django.utils import timezone
from civicplan.accounts.models import User
from civicplan.campaigns.selectors import campaign_current
from civicplan.proposals.services import AuthorData, proposal_publish, proposal_submit
from civicplan.publications.services import article_create
from civicplan.strategy.models import Goal
from civicplan.strategy.services import goal_upsert
campaign = campaign_current()
moderator = User.objects.get(email="moderator.samara@civicplan.local")
n = int(timezone.now().timestamp())
proposal = proposal_submit(
    campaign=campaign, municipality="36724000000", consent_given=True, user_agent="bench",
    text=f"Проверка нагрузки {n}: сделать освещённую велодорожку вдоль набережной в Отрадном.",
    author=AuthorData(name="Нагрузочный тест", email=f"load{n}@example.ru", show_name=False),
)
proposal_publish(proposal=proposal, actor=moderator)
article_create(title=f"Новость нагрузочного теста {n}", lead="Проверка.", body="<p>Проверка.</p>",
               state="published", publish_at=timezone.now(), tags=[])
goal = Goal.objects.filter(direction__strategy__region=campaign.region).order_by("pk").first()
goal_upsert(direction=goal.direction, code=goal.code, title=goal.title, description=f"{goal.description} ")
print("ok")
"""


def server_env(database: str, pg_database: str, port: int, redis_db: int | None) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECURE_HTTPS", "PAGE_CACHE_BACKEND"):
        env.pop(name, None)
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    if database == "postgres":
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_database}"
    if redis_db is not None:
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    return env


def django_run(env: dict[str, str], code: str, *args: str, timeout: float = 900) -> str:
    result = subprocess.run(
        [str(PYTHON), "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1]


def ensure_demo(env: dict[str, str], database: str | None) -> None:
    """Migrated, with the demo; a PostgreSQL database is created when missing."""
    if database is not None:
        import psycopg

        with psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
        ) as db:
            exists = db.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if not exists:
                db.execute(f'CREATE DATABASE "{database}"')
    for command in (["migrate", "--noinput"], ["createcachetable"], ["load_demo", "--if-empty"]):
        subprocess.run(
            [str(PYTHON), "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=1800
        )


def get(url: str, cookie: str = "") -> tuple[int, float, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "ru"})
    if cookie:
        request.add_header("Cookie", cookie)
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return (
            response.status,
            1000 * (time.monotonic() - started),
            response.headers.get("X-Page-Cache", ""),
        )


def wait_for(url: str, timeout: float = 300) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if get(url)[0] == 200:
                return time.monotonic() - started
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer {url} within {timeout} s")


def wrk(url: str, *, duration: int, connections: int, cookie: str = "") -> dict[str, Any]:
    env = dict(os.environ, LOAD_DIR=str(HERE), LOAD_COOKIE=cookie)
    script = "get_cookie.lua" if cookie else "get.lua"
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    output = subprocess.run(
        [*command, "-s", str(HERE / script), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 60,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run_database(database: str, args: argparse.Namespace) -> dict[str, Any]:
    env = server_env(database, args.pg_database, args.port, args.redis_db)
    ensure_demo(env, args.pg_database if database == "postgres" else None)
    if args.redis_db is not None:
        subprocess.run(["redis-cli", "-n", str(args.redis_db), "flushdb"], capture_output=True)
    shutil.rmtree(ROOT / "var" / "cache" / "pages", ignore_errors=True)
    pages: dict[str, str] = json.loads(django_run(env, FIXTURES))
    proposal_page = pages.pop("_proposal")
    base = f"http://127.0.0.1:{args.port}"
    out: dict[str, Any] = {"database": database, "load_before": load_average()}
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(HERE / f"gunicorn-{database}.log", "w"),
    )
    try:
        out["seconds_to_first_answer"] = round(wait_for(base + "/healthz"), 1)
        print(f"[{database}] answering after {out['seconds_to_first_answer']} s", flush=True)
        everything = {**pages, "proposal page": proposal_page}
        first = {name: get(base + path) for name, path in everything.items()}
        out["first_requests_after_start"] = {
            name: [round(ms), source] for name, (_status, ms, source) in first.items()
        }
        django_run(env, NEW_DATA)
        out["first_requests_after_new_data"] = {
            name: round(get(base + path)[1]) for name, path in everything.items()
        }
        print(f"[{database}] after start: {out['first_requests_after_start']}", flush=True)
        print(f"[{database}] after new data: {out['first_requests_after_new_data']}", flush=True)
        results: dict[str, dict[str, Any]] = {}
        plan = [("/healthz (before)", "/healthz", "")]
        if not args.signed_in_only:
            plan += [(name, path, "") for name, path in pages.items()]
        plan.append(("/healthz (after)", "/healthz", ""))
        cookie = django_run(env, SESSION, RESIDENT)
        for name in ("home /", "proposals /proposals/", "article"):
            plan.append((f"signed in: {name}", pages[name], cookie))
        plan.append(("signed in: proposal page", proposal_page, cookie))
        plan.append(("signed in: «мой кабинет»", "/accounts/profile/", cookie))
        staff = django_run(env, SESSION, MODERATOR)
        for name in ("home /", "proposals /proposals/", "article"):
            plan.append((f"moderator: {name}", pages[name], staff))
        for name, path, session in plan:
            get(base + path, session)  # fill the cache / open connections
            result = wrk(
                base + path,
                duration=args.duration,
                connections=args.connections,
                cookie=session,
            )
            result["load"] = load_average()
            results[name] = result
            print(f"[{database}] {name}: {result}", flush=True)
        out["results"] = results
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    out["load_after"] = load_average()
    return out


def table(run: dict[str, Any]) -> str:
    healthz = min(
        run["results"]["/healthz (before)"]["rps"], run["results"]["/healthz (after)"]["rps"]
    )
    lines = [
        f"{run['database']}: load average {run['load_before']} before, {run['load_after']} "
        f"after; first answer {run['seconds_to_first_answer']} s after the start",
        "",
        "| page | req/s | p50 ms | p95 ms | p99 ms | of /healthz | errors (5xx / socket / 4xx) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in run["results"].items():
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['p99_ms']:.1f} | {r['rps'] / healthz:.0%} | {r['server_errors']} / "
            f"{r['socket_errors']} / {r['client_errors'] + r['limited']} |"
        )
    lines += ["", "| first request of a page, ms | after the start | after new data |"]
    lines.append("|---|---:|---:|")
    for name, (ms, _source) in run["first_requests_after_start"].items():
        lines.append(f"| {name} | {ms} | {run['first_requests_after_new_data'][name]} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-database", default="civicplan_perf")
    parser.add_argument("--redis-db", type=int, default=None, help="use Redis (db number)")
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--duration", type=int, default=10, help="seconds per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--signed-in-only",
        action="store_true",
        help="of the wrk part, only /healthz and the resident's and moderator's pages",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    runs = [run_database(db.strip(), args) for db in args.databases.split(",") if db.strip()]
    meta = {
        "duration_s": args.duration,
        "connections": args.connections,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "redis": args.redis_db is not None,
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    name = "results_pages_signed_in.json" if args.signed_in_only else "results_pages.json"
    (HERE / name).write_text(json.dumps({"meta": meta, "runs": runs}, ensure_ascii=False, indent=2))
    for run in runs:
        print()
        print(table(run))


if __name__ == "__main__":
    main()
