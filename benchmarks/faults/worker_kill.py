"""Fault test: kill a Celery worker (SIGKILL, as the OOM killer would) in the middle of a job.

    .venv/bin/python benchmarks/faults/worker_kill.py --database cp_trust

Steps: start a worker, start a slow job, kill the worker at ~30 % progress, start a new worker,
run the stale-job reaper (the beat schedule does it every five minutes) — the job must be
FAILED with a reason and an empty result (nothing half-written); restarting it must succeed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="cp_trust")
    parser.add_argument("--redis-db", type=int, default=10)
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{args.redis_db}",
        SECRET_KEY=os.environ.get("SECRET_KEY", secrets.token_urlsafe(50)),
        LOG_LEVEL="WARNING",
        FAULT_JOB_STEPS="100",
    )
    subprocess.run(["redis-cli", "-n", str(args.redis_db), "flushdb"], capture_output=True)
    sys.path.insert(0, str(ROOT))
    from benchmarks.faults import slow_job  # noqa: F401  (django.setup + handler)
    from civicplan.core.jobs import job_restart, job_start, jobs_reap_stale
    from civicplan.core.models import Job

    def worker() -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "benchmarks.faults.slow_job", "worker",
             "--concurrency", "1", "--loglevel", "WARNING", "--without-mingle",
             "--without-gossip", "-n", f"fault-{secrets.token_hex(3)}@%h"],
            cwd=ROOT, env=dict(os.environ), start_new_session=True,
        )  # fmt: skip

    def wait(job: Job, until: callable, timeout: float) -> Job:  # type: ignore[valid-type]
        deadline = time.time() + timeout
        while time.time() < deadline:
            job.refresh_from_db()
            if until(job):
                return job
            time.sleep(0.2)
        raise SystemExit(f"timeout waiting for job {job.pk}: {job.state} {job.percent}%")

    report: dict[str, object] = {}
    first = worker()
    try:
        job = job_start(kind="faults.slow", title="Проверка отказа обработчика")
        wait(job, lambda j: j.state == Job.State.RUNNING and j.progress_done >= 30, 120)
        report["progress_when_killed"] = f"{job.progress_done}/{job.progress_total}"
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = time.time()
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    second = worker()
    try:
        time.sleep(8)
        job.refresh_from_db()
        report["state_after_kill"] = job.state
        report["result_after_kill"] = job.result
        reaped = jobs_reap_stale(older_than=timedelta(seconds=5))
        job.refresh_from_db()
        report["reaped"] = reaped
        report["state_after_reaper"] = job.state
        report["error"] = job.error
        report["result_after_reaper"] = job.result
        report["seconds_from_kill_to_failed"] = round(time.time() - killed_at, 1)
        again = job_restart(job=job)
        again = wait(again, lambda j: j.state in (Job.State.SUCCEEDED, Job.State.FAILED), 180)
        report["restarted_state"] = again.state
        report["restarted_result"] = again.result
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(timeout=60)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    expected = {"rows": 100, "checksum": sum(i * i for i in range(1, 101))}
    ok = (
        report["state_after_reaper"] == Job.State.FAILED
        and report["result_after_reaper"] == {}
        and report["restarted_state"] == Job.State.SUCCEEDED
        and report["restarted_result"] == expected
    )
    print("FAULT TEST", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
