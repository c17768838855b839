"""A Celery app for the worker-kill fault test: the project's app plus one slow job kind.

    celery -A benchmarks.faults.slow_job worker --concurrency 1

The job «faults.slow» reports progress every 0.2 s and keeps its output in memory until the
end, then writes it in one transaction (the pattern every job handler follows), so a worker
killed in the middle leaves no half-written result.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402

from civicplan.core.jobs import register_job_handler  # noqa: E402
from civicplan.core.models import Job  # noqa: E402
from config.celery import app  # noqa: E402,F401  (the worker's Celery app)

STEPS = int(os.environ.get("FAULT_JOB_STEPS", "100"))


def slow(job: Job, reporter: Any) -> dict[str, Any]:
    rows = []
    for step in range(1, STEPS + 1):
        time.sleep(0.2)
        rows.append(step * step)
        reporter.progress(step, STEPS, stage="считаем")
    with transaction.atomic():
        return {"rows": len(rows), "checksum": sum(rows)}


register_job_handler("faults.slow", slow)
