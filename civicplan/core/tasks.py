"""Celery task that runs any registered job by primary key."""

from __future__ import annotations

from celery import shared_task

from civicplan.core.services.jobs import job_files_prune, job_run, jobs_reap_stale


@shared_task(name="core.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> str | None:
    job = job_run(job_id=job_id)
    return job.state if job else None


@shared_task(name="core.reap_stale_jobs")
def reap_stale_jobs() -> int:
    job_files_prune()  # exported files live a day
    return jobs_reap_stale()
