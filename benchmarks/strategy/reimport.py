"""Re-importing a 1,000-measure roadmap: what the request costs, and what the job costs.

Builds the synthetic strategy of `bench_strategy.py` (N measures, K KPIs) inside a
transaction that is rolled back, downloads its filled template and uploads it unchanged:

- «in the request»: the import page's POST as a staff editor sends it (Django's test client,
  the whole middleware stack); since the import became a job this only stores the file and
  starts the job;
- «job»: the job itself (`core.jobs.job_run`), the same importer as before.

Times are medians of --repeat runs; queries are counted on the default connection.

    DATABASE_URL=sqlite:////tmp/cp.sqlite3 .venv/bin/python benchmarks/strategy/reimport.py \
        --measures 1000 --kpis 200 --repeat 3
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_strategy
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from civicplan.accounts.models import Role, RoleAssignment, User
from civicplan.core.jobs import job_run
from civicplan.core.models import Job
from civicplan.strategy import importers


class Count:
    """Counts the queries run on the default connection (no 9,000-query log limit)."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.queries += 1
        return execute(sql, params, many, context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--kpis", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    settings.JOBS_RUN_INLINE = False
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the job is run below, by hand, and timed
    try:
        with transaction.atomic():
            strategy = bench_strategy.build(args.measures, args.kpis)
            editor = User.objects.create_user(email="bench.editor@example.ru", password="x")
            editor.is_staff = True
            editor.save()
            RoleAssignment.objects.create(
                user=editor, role=Role.STRATEGY_EDITOR, region=strategy.region
            )
            template = importers.structure_template(strategy, filled=True)
            rows = args.measures + args.kpis + 25
            client = Client()
            client.force_login(editor)
            url = reverse("strategy:import", args=[strategy.slug])
            request_times, request_queries, job_times, job_queries = [], [], [], []
            for _n in range(args.repeat):
                upload = io.BytesIO(template)
                upload.name = "roadmap.xlsx"
                counter = Count()
                with connection.execute_wrapper(counter):
                    started = time.perf_counter()
                    # on_commit callbacks do not fire inside the outer transaction, so the
                    # job waits, queued, as it would for a worker
                    response = client.post(url, {"kind": "structure", "file": upload})
                    request_times.append(time.perf_counter() - started)
                request_queries.append(counter.queries)
                assert response.status_code == 302, response.status_code
                job = Job.objects.filter(kind="strategy.import").latest("pk")
                counter = Count()
                with connection.execute_wrapper(counter):
                    started = time.perf_counter()
                    job_run(job_id=job.pk)
                    job_times.append(time.perf_counter() - started)
                job_queries.append(counter.queries)
                job.refresh_from_db()
                assert job.state == Job.State.SUCCEEDED, (job.state, job.error)
                summary = job.result.get("summary", "")
            print(f"rows in the file: {rows}; last report: {summary}")
            print(f"{'step':44} {'median, s':>10} {'queries':>8}")
            print(
                f"{'import page POST (in the request)':44} "
                f"{statistics.median(request_times):10.3f} {int(statistics.median(request_queries)):8d}"
            )
            print(
                f"{'import job (in the background)':44} "
                f"{statistics.median(job_times):10.3f} {int(statistics.median(job_queries)):8d}"
            )
            raise bench_strategy.Rollback
    except bench_strategy.Rollback:
        pass


if __name__ == "__main__":
    main()
