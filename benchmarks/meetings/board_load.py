"""Load test of the live idea board: 300 participants joining, posting and voting at once,
against the real server on loopback (gunicorn + PostgreSQL or SQLite, Redis or not).

    .venv/bin/python benchmarks/meetings/board_load.py --participants 300
    .venv/bin/python benchmarks/meetings/board_load.py --database sqlite --redis-db -1 --think 3

What it does, bounded in time (`--deadline`, default 240 s) and in requests (fixed by the
scenario: about 12 per participant plus the pollers):

1. Creates the PostgreSQL database `cp_bench_meetings` afresh (`--database`; `sqlite`: a
   SQLite file in /tmp, the default of `make run`), migrates it and adds a campaign, a running
   session and two sections (dot voting, pairwise comparison). `--redis-db -1`: no Redis
   (each worker caches in its own memory, as `make run` without REDIS_URL).
2. Starts gunicorn on 127.0.0.1 as `make run` does (`-c config/gunicorn.conf.py`: its
   workers, threads and worker class unless `--workers`, `--threads` or `--worker-class` say
   otherwise; `--config none --workers 4 --threads 2` is the runs of 4 December 2026).
3. Phase «ideas»: every participant, in its own thread with its own connection, joins the
   dot-voting section with a nickname and posts two ideas, then reads the board state.
   Meanwhile the room's screen polls its htmx partial every 2 s and the moderator's page
   polls its feed (with the duplicate suggestions) every 3 s, as the browsers would.
4. The moderator opens voting (through the service, as his button does).
5. Phase «votes»: every participant reads the ideas, casts three dots, reads the results.
6. Phase «pairwise»: every participant goes on to the second section of the same session
   (his pass from step 3 is valid there: a phone joins a session once) and answers four pairs.
7. Checks the database: dots per participant never above the limit, and exactly one row per
   `201` answer to a dot or pairwise vote (no vote lost or doubled).

`--think S` (default 0): a participant pauses 0.5–1.5 × S seconds between his actions, as a
person reads and taps, and while pausing his page asks for the board's state every 5 s (the
participant page's poll). With 0 every participant fires his next request as soon as the
last one is answered: a stress test whose latency is, by Little's law, participants divided
by throughput, whatever the server does.

Prints the figures (throughput, p50/p95/p99 per kind of request, errors, the CPU seconds of
the server and of this script's own threads) as Markdown and
writes `benchmarks/meetings/results.json`. The server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

IDEA_TEXTS = [
    "Открыть коворкинг для молодых предпринимателей в центре города",
    "Запустить льготный автобус до областного центра каждый час",
    "Отремонтировать дом культуры и сделать в нём молодёжное пространство",
    "Выделить места для ярмарок выходного дня вместо стихийной торговли",
    "Служебное жильё для молодых врачей и учителей",
    "Провести быстрый интернет в сёла района",
    "Молодёжь уезжает после школы: нет работы по специальности",
    "Закрытие градообразующего предприятия оставит людей без работы",
    "Целевое обучение с гарантией работы на местных предприятиях",
    "Благоустроить набережную и центральную площадь",
]


# One file per run: two runs on one machine never share it.
SQLITE_FILE = Path(f"/tmp/cp_bench_meetings_{os.getpid()}.sqlite3")


def server_env(database: str, redis_db: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    if redis_db >= 0:
        env["REDIS_URL"] = f"redis://127.0.0.1:6379/{redis_db}"
    env.update(
        DATABASE_URL=(
            f"sqlite:///{SQLITE_FILE}"
            if database == "sqlite"
            else f"postgres://postgres@127.0.0.1:5432/{database}"
        ),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"),
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.pop("DEBUG", None)
    return env


def recreate_database(name: str) -> None:
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


SETUP = r"""
import datetime, json
import django; django.setup()
from django.utils import timezone
from django.conf import settings
from importlib import import_module
from civicplan.accounts.models import User
from civicplan.accounts.services import policy_publish
from civicplan.campaigns.models import Campaign
from civicplan.territories.models import Region
from civicplan.meetings import services

region = Region.objects.create(code=63, name="Самарская область", timezone="Europe/Samara")
today = timezone.localdate()
campaign = Campaign.objects.create(region=region, title="Стратегия лидерства", slug="bench",
    starts_on=today, ends_on=today + datetime.timedelta(days=100))
now = timezone.now()
session = services.session_create(campaign=campaign, title="Малые города — большие возможности",
    starts_at=now, ends_at=now + datetime.timedelta(hours=6), place="Самара", state="in_progress")
dots = services.section_create(session=session, title="Рабочие места", question="Что сделать?",
    dots_per_member=3)
pairs = services.section_create(session=session, title="Транспорт", question="Что важнее?",
    voting_mode="pairwise")
admin = User.objects.create_superuser("bench@civicplan.local", "x")
store = import_module(settings.SESSION_ENGINE).SessionStore()
store["_auth_user_id"] = str(admin.pk)
store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
store["_auth_user_hash"] = admin.get_session_auth_hash()
store.create()
print(json.dumps({"dots": dots.code, "pairs": pairs.code, "pairs_pk": pairs.pk,
    "dots_pk": dots.pk, "slug": session.slug, "cookie": store.session_key}))
"""

SWITCH = r"""
import django; django.setup()
from civicplan.meetings.models import Section
from civicplan.meetings.services.board import section_board_update
for section in Section.objects.all():
    section_board_update(section=section, board_state="voting")
print("ok")
"""

CHECK = r"""
import json
import django; django.setup()
from django.db.models import Count
from civicplan.meetings.models import BoardMember, DotVote, Idea, PairwiseVote
over = DotVote.objects.values("member").annotate(n=Count("pk")).filter(n__gt=3).count()
print(json.dumps({"members": BoardMember.objects.count(), "ideas": Idea.objects.count(),
    "dots": DotVote.objects.count(), "pairs": PairwiseVote.objects.count(),
    "members_over_limit": over}))
"""


def django_run(env: dict[str, str], code: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    return result.stdout.strip().splitlines()[-1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    def __init__(self, deadline: float, think: float = 0.0) -> None:
        self.think = think
        self.created: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.requests = 0
        self.deadline = deadline

    def expired(self) -> bool:
        return time.monotonic() > self.deadline


class Client:
    """One participant's connection (keep-alive when the server allows it)."""

    def __init__(self, port: int, recorder: Recorder, cookie: str = "") -> None:
        self.port = port
        self.recorder = recorder
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.token = ""
        self.cookie = cookie
        self.polled = time.monotonic()
        self.rng = random.Random()

    def pause(self, state_path: str) -> None:
        """A person between two taps: reads, thinks; his page polls the board's state."""
        if not self.recorder.think:
            return
        until = time.monotonic() + self.recorder.think * self.rng.uniform(0.5, 1.5)
        while (now := time.monotonic()) < until:
            if now - self.polled >= 5:
                self.polled = now
                self.call("state-poll", "GET", state_path)
            time.sleep(max(0.0, min(until, self.polled + 5) - time.monotonic()))

    def call(
        self, kind: str, method: str, path: str, body: dict | None = None, *, htmx: bool = False
    ) -> tuple[int, bytes]:
        if self.recorder.expired():
            raise TimeoutError("deadline")
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["X-Board-Token"] = self.token
        if htmx:
            headers["HX-Request"] = "true"
        if self.cookie:
            headers["Cookie"] = f"sessionid={self.cookie}"
        payload = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                # The server dropped an idle keep-alive connection before reading the request:
                # safe to send again on a fresh one, as browsers do.
                self.conn.close()
                status, data = 599, str(exc).encode()
                if attempt == 2:
                    break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                status, data = 599, str(exc).encode()
                break
        elapsed = time.perf_counter() - started
        with self.recorder.lock:
            self.recorder.requests += 1
            self.recorder.latency[kind].append(elapsed)
            if status == 201:
                self.recorder.created[kind] += 1
            if status >= 400:
                self.recorder.errors[kind] += 1
                if len(self.recorder.samples) < 10:
                    self.recorder.samples.append(f"{kind} {status} {data[:200]!r}")
        return status, data


def participant_ideas(n: int, port: int, code: str, rec: Recorder) -> Client | None:
    client = Client(port, rec)
    rng = random.Random(n)
    base = f"/api/v1/sessions/board/{code}"
    status, data = client.call("join", "POST", f"{base}/join", {"nickname": f"Участник {n}"})
    if status != 201:
        return None
    client.token = json.loads(data)["token"]
    for text in rng.sample(IDEA_TEXTS, 2):
        client.pause(base)
        kind = rng.choice(["challenge", "proposal", "risk"])
        client.call("idea", "POST", f"{base}/ideas", {"kind": kind, "text": f"{text} ({n})"})
    client.pause(base)
    client.call("state", "GET", base)
    return client


def participant_votes(client: Client, code: str, n: int) -> None:
    rng = random.Random(1000 + n)
    base = f"/api/v1/sessions/board/{code}"
    client.pause(base)
    status, data = client.call("ideas-list", "GET", f"{base}/ideas")
    if status != 200:
        return
    ideas = json.loads(data)
    weights = [1 + (i % 7 == 0) * 5 for i in range(len(ideas))]
    chosen: set[int] = set()
    while len(chosen) < 3 and len(chosen) < len(ideas):
        chosen.add(rng.choices(ideas, weights=weights)[0]["id"])
    for idea in chosen:
        client.pause(base)
        client.call("dot", "POST", f"{base}/dots", {"idea": idea})
    client.pause(base)
    client.call("results", "GET", f"{base}/results")


def participant_pairs(client: Client, code: str) -> None:
    """The same participant (same pass, same connection) in the session's second section."""
    base = f"/api/v1/sessions/board/{code}"
    for _round in range(4):
        client.pause(base)
        status, data = client.call("pair-get", "GET", f"{base}/pair")
        if status != 200:
            return
        pair = json.loads(data)
        winner = min(pair["left"]["id"], pair["right"]["id"])
        client.pause(base)
        client.call(
            "pair-vote", "POST", f"{base}/pair", {"ticket": pair["ticket"], "winner": winner}
        )


def poller(stop: threading.Event, client: Client, kind: str, path: str, every: float) -> None:
    while not stop.is_set() and not client.recorder.expired():
        try:
            client.call(kind, "GET", path, htmx=True)
        except TimeoutError:
            return
        stop.wait(every)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of gunicorn's master and its workers so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def seed_ideas(env: dict[str, str], section_pk: int, count: int) -> None:
    """Ideas for the pairwise section (its participants compare, they do not post)."""
    code = (
        "import django; django.setup()\n"
        "from civicplan.meetings.models import BoardMember, Idea, Section\n"
        f"s = Section.objects.get(pk={section_pk})\n"
        "m = BoardMember.objects.create(session=s.session, nickname='Модератор', secret='x')\n"
        f"texts = {IDEA_TEXTS!r}\n"
        f"Idea.objects.bulk_create([Idea(section=s, member=m, kind='proposal', text=t, original_text=t) for t in texts[:{count}]])\n"
        "print('ok')\n"
    )
    django_run(env, code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers; 0: those of --config"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per worker; 0: those of --config"
    )
    parser.add_argument(
        "--config",
        default="config/gunicorn.conf.py",
        help="gunicorn settings file (the one `make run` uses); `none`: gunicorn's defaults",
    )
    parser.add_argument(
        "--worker-class", default="", help="gunicorn worker class, if not the config's"
    )
    parser.add_argument(
        "--database", default="cp_bench_meetings", help="PostgreSQL database, or `sqlite`"
    )
    parser.add_argument("--redis-db", type=int, default=9, help="-1: no Redis")
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a participant pauses between actions"
    )
    parser.add_argument("--deadline", type=float, default=240, help="seconds for the whole run")
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    args = parser.parse_args()
    # Stopped from outside: still run the `finally` below and stop the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    env = server_env(args.database, args.redis_db)
    recreate_database(args.database)
    subprocess.run([str(PYTHON), "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    setup = json.loads(django_run(env, SETUP))
    seed_ideas(env, setup["pairs_pk"], 10)
    port = args.port or free_port()
    command = [str(GUNICORN)]
    if args.config != "none":
        command += ["-c", args.config]
    command += ["config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--backlog", "2048", "--log-level", "warning"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    report: dict = {
        "participants": args.participants,
        "gunicorn": " ".join(command[1:]),
        "database": args.database,
        "redis": args.redis_db >= 0,
        "think_s": args.think,
        "load_before": os.getloadavg(),
    }
    try:
        deadline = time.monotonic() + args.deadline
        probe = Recorder(deadline)
        for _ in range(120):
            if Client(port, probe).call("probe", "GET", "/api/v1/sessions")[0] == 200:
                break
            time.sleep(0.5)
        else:
            raise SystemExit("the server did not answer /api/v1/sessions within 60 s")
        # Warm-up, not recorded: each worker imports its views and loads the word vectors
        # for duplicate suggestions on its first moderator request (a one-time cost).
        warm = Client(port, probe, cookie=setup["cookie"])
        for _ in range(4 * args.workers):
            for path in (
                f"/sessions/b/{setup['dots']}/screen/",
                f"/api/v1/sessions/board/{setup['dots']}",
                f"/sessions/{setup['slug']}/sections/{setup['pairs_pk']}/moderate/?feed=1",
            ):
                warm.call("warm-up", "GET", path, htmx=True)
                warm.conn.close()
        rec = Recorder(deadline, args.think)
        client_cpu = time.process_time()
        cpu_before = server_cpu(server.pid)
        stop = threading.Event()
        screen = Client(port, rec)
        moderator = Client(port, rec, cookie=setup["cookie"])
        pollers = [
            threading.Thread(
                target=poller,
                args=(stop, screen, "screen-poll", f"/sessions/b/{setup['dots']}/screen/", 2.0),
            ),
            threading.Thread(
                target=poller,
                args=(
                    stop,
                    moderator,
                    "moderator-poll",
                    f"/sessions/{setup['slug']}/sections/{setup['dots_pk']}/moderate/?feed=1",
                    3.0,
                ),
            ),
        ]
        for thread in pollers:
            thread.start()
        n = args.participants
        phases: dict[str, float] = {}
        with ThreadPoolExecutor(max_workers=n) as pool:
            started = time.perf_counter()
            clients = list(
                pool.map(lambda i: participant_ideas(i, port, setup["dots"], rec), range(n))
            )
            phases["ideas"] = time.perf_counter() - started
            django_run(env, SWITCH)
            started = time.perf_counter()
            list(
                pool.map(
                    lambda pair: (
                        participant_votes(pair[1], setup["dots"], pair[0]) if pair[1] else None
                    ),
                    enumerate(clients),
                )
            )
            phases["votes"] = time.perf_counter() - started
            started = time.perf_counter()
            list(
                pool.map(
                    lambda client: participant_pairs(client, setup["pairs"]) if client else None,
                    clients,
                )
            )
            phases["pairwise"] = time.perf_counter() - started
        stop.set()
        for thread in pollers:
            thread.join()
        total_time = sum(phases.values())
        # This script's own CPU (its 300 threads share the machine with the server).
        report["client_cpu_s"] = round(time.process_time() - client_cpu, 1)
        report["phases_s"] = {k: round(v, 2) for k, v in phases.items()}
        report["requests"] = rec.requests
        report["throughput_rps"] = round(rec.requests / total_time, 1)
        report["timed_out"] = rec.expired()
        report["by_kind"] = {
            kind: {
                "n": len(values),
                "errors": rec.errors.get(kind, 0),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
                "p99_ms": round(percentile(values, 99) * 1000, 1),
                "mean_ms": round(statistics.fmean(values) * 1000, 1),
            }
            for kind, values in sorted(rec.latency.items())
        }
        every = [v for values in rec.latency.values() for v in values]
        report["all"] = {
            "p50_ms": round(percentile(every, 50) * 1000, 1),
            "p95_ms": round(percentile(every, 95) * 1000, 1),
            "p99_ms": round(percentile(every, 99) * 1000, 1),
            "errors": sum(rec.errors.values()),
        }
        report["server_cpu_s"] = round(server_cpu(server.pid) - cpu_before, 1)
        report["server_cpu_ms_per_request"] = round(
            report["server_cpu_s"] * 1000 / max(1, rec.requests), 1
        )
        report["error_samples"] = rec.samples
        stored = json.loads(django_run(env, CHECK))
        report["database"] = stored
        # Every vote answered 201 is one row, and no row without its 201 answer.
        report["votes_check"] = {
            "dot_201": rec.created["dot"],
            "dots_stored": stored["dots"],
            "pair_201": rec.created["pair-vote"],
            "pairs_stored": stored["pairs"],
            "ok": rec.created["dot"] == stored["dots"]
            and rec.created["pair-vote"] == stored["pairs"]
            and stored["members_over_limit"] == 0,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    report["load_after"] = os.getloadavg()
    if args.database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    (HERE / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    out = sys.stdout
    out.write(
        f"\n{n} participants, gunicorn {report['gunicorn']}, "
        f"{report['requests']} requests in {total_time:.1f} s "
        f"({report['throughput_rps']} req/s), phases {report['phases_s']}\n\n"
    )
    out.write("| request | n | errors | p50, ms | p95, ms | p99, ms |\n|---|---|---|---|---|---|\n")
    for kind, row in report["by_kind"].items():
        out.write(
            f"| {kind} | {row['n']} | {row['errors']} | {row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} |\n"
        )
    a = report["all"]
    out.write(
        f"| **all** | {report['requests']} | {a['errors']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} |\n\n"
    )
    out.write(f"database: {report['database']}\n")
    out.write(f"votes: {report['votes_check']}\n")
    out.write(
        f"server CPU {report['server_cpu_s']} s, {report['server_cpu_ms_per_request']} ms per "
        f"request; client CPU {report['client_cpu_s']} s; load average before {report['load_before']}, after {report['load_after']}\n"
    )
    if rec.samples:
        out.write("errors: " + "; ".join(rec.samples) + "\n")


if __name__ == "__main__":
    main()
