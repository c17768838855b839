"""The first visit of each public page right after a start and right after new data arrives
(issue 17: «no page over 300 ms right after a start or after new data arrives»).

    .venv/bin/python benchmarks/load/first_visit.py --databases sqlite,postgres \\
        --pg-database civicplan_perf --port 8161

For each database it starts gunicorn exactly as `make run` does (config/gunicorn.conf.py,
warm-up in the master, background re-warming in the workers), then fetches once, as a new
anonymous visitor:

1. every page of issue 17 right after /healthz first answers, plus pages nobody warmed
   (the potential and statistics pages of other towns, a deep filtered page of the list);
2. the same right after new data arrived through the services, in two rounds:
   «a proposal published» (submitted, then published by a moderator) and «new statistics»
   (an indicator value imported, the potential index recomputed, as `import_territories`
   does) — once immediately after the write returned (the worst case: the visitor races
   the background re-render) and once 2 s later (what nearly every visitor gets).

Each figure is the whole request on 127.0.0.1 (urllib), with where the page came from
(`X-Page-Cache`: hit, miss = rendered in the visitor's request, stale = the previous version
while the new one is being rendered). Writes `benchmarks/load/results_first_visit.json`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run_pages import (  # noqa: E402
    FIXTURES,
    GUNICORN,
    ROOT,
    django_run,
    ensure_demo,
    get,
    load_average,
    server_env,
    wait_for,
)

# Pages nobody warms: other towns, another filter.
EXTRA = """
import django, json
django.setup()
from django.urls import reverse
from civicplan.campaigns.selectors import campaign_current
from civicplan.potential.models import PotentialScore
campaign = campaign_current()
scores = list(PotentialScore.objects.filter(methodology__is_active=True,
    municipality__region=campaign.region, index__isnull=False)
    .select_related("municipality").order_by("-index")[1:4])
pages = {}
for n, score in enumerate(scores, 2):
    pages[f"potential page, town {n}"] = reverse("potential:potential", args=[score.municipality.oktmo])
    pages[f"municipality page, town {n}"] = reverse("territories:municipality", args=[score.municipality.oktmo])
pages["proposals, another filter"] = "/proposals/?sort=new&page=2"
print(json.dumps(pages))
"""

NEW_PROPOSAL = """
import django
django.setup()
from django.utils import timezone
from civicplan.accounts.models import User
from civicplan.campaigns.selectors import campaign_current
from civicplan.proposals.services import AuthorData, proposal_publish, proposal_submit
campaign = campaign_current()
moderator = User.objects.get(email="moderator.samara@civicplan.local")
n = int(timezone.now().timestamp())
proposal = proposal_submit(
    campaign=campaign, municipality="36724000000", consent_given=True, user_agent="bench",
    text=f"Первый визит {n}: открыть круглогодичный каток у школы в Отрадном.",
    author=AuthorData(name="Проверка первого визита", email=f"first{n}@example.ru", show_name=False),
)
proposal_publish(proposal=proposal, actor=moderator)
print("ok")
"""

NEW_STATISTICS = """
import django, io, random
django.setup()
from civicplan.potential.services import potential_recompute_after_statistics
from civicplan.territories.services import indicator_values_import
wage = round(random.uniform(55000, 65000), 1)
csv = f"oktmo,indicator,year,value\\n36724000000,avg_wage,2024,{wage}\\n"
report = indicator_values_import(source=io.BytesIO(csv.encode()), name="first_visit.csv")
assert not report.errors, report.errors
print(potential_recompute_after_statistics() or "ok")
"""


def visit_all(base: str, pages: dict[str, str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, path in pages.items():
        status, ms, source = get(base + path)
        out[name] = [round(ms), source or "-", status]
    return out


def run_database(database: str, args: argparse.Namespace) -> dict[str, Any]:
    env = server_env(database, args.pg_database, args.port, args.redis_db)
    ensure_demo(env, args.pg_database if database == "postgres" else None)
    if args.redis_db is not None:
        subprocess.run(["redis-cli", "-n", str(args.redis_db), "flushdb"], capture_output=True)
    shutil.rmtree(ROOT / "var" / "cache" / "pages", ignore_errors=True)
    pages: dict[str, str] = json.loads(django_run(env, FIXTURES))
    pages["proposal page"] = pages.pop("_proposal")
    pages.update(json.loads(django_run(env, EXTRA)))
    base = f"http://127.0.0.1:{args.port}"
    out: dict[str, Any] = {"database": database, "load_before": load_average()}
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(HERE / f"gunicorn-first-visit-{database}.log", "w"),
    )
    try:
        out["seconds_to_first_answer"] = round(wait_for(base + "/healthz"), 1)
        print(f"[{database}] answering after {out['seconds_to_first_answer']} s", flush=True)
        rounds: dict[str, dict[str, list[Any]]] = {"after the start": visit_all(base, pages)}
        for label, code in (
            ("a proposal published", NEW_PROPOSAL),
            ("new statistics", NEW_STATISTICS),
        ):
            time.sleep(args.settle)  # the previous round's renders are done
            django_run(env, code)
            rounds[f"{label}: at once"] = visit_all(base, pages)
            django_run(env, code)
            time.sleep(2)
            rounds[f"{label}: 2 s later"] = visit_all(base, pages)
        out["rounds"] = rounds
        for label, visits in rounds.items():
            print(f"[{database}] {label}: {visits}", flush=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    out["load_after"] = load_average()
    return out


def table(run: dict[str, Any]) -> str:
    labels = list(run["rounds"])
    lines = [
        f"{run['database']}: load average {run['load_before']} before, {run['load_after']} "
        f"after; first answer {run['seconds_to_first_answer']} s after the start",
        "",
        "| first visit, ms (source) | " + " | ".join(labels) + " |",
        "|---|" + "---:|" * len(labels),
    ]
    for name in run["rounds"][labels[0]]:
        cells = []
        for label in labels:
            ms, source, status = run["rounds"][label][name]
            cell = f"{ms} ({source})"
            cells.append(cell if status == 200 else f"{cell} HTTP {status}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    worst = max(v[0] for r in run["rounds"].values() for v in r.values())
    lines += ["", f"slowest first visit: {worst} ms"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--pg-database", default="civicplan_perf")
    parser.add_argument("--redis-db", type=int, default=None, help="use Redis (db number)")
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between rounds")
    args = parser.parse_args()
    runs = [run_database(db.strip(), args) for db in args.databases.split(",") if db.strip()]
    meta = {
        "python": sys.version.split()[0],
        "redis": args.redis_db is not None,
        "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    (HERE / "results_first_visit.json").write_text(
        json.dumps({"meta": meta, "runs": runs}, ensure_ascii=False, indent=2)
    )
    for run in runs:
        print()
        print(table(run))


if __name__ == "__main__":
    main()
