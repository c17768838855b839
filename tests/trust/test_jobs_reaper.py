"""A job whose worker was killed is failed by the reaper with a reason; nothing half-written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civicplan.core.jobs import job_create, job_restart, jobs_reap_stale, register_job_handler
from civicplan.core.models import Job

pytestmark = pytest.mark.django_db


def _ok(job, reporter):
    reporter.progress(1, 1)
    return {"ok": True}


register_job_handler("trust.probe", _ok)


def _running(*, heartbeat_minutes_ago: float | None, started_minutes_ago: float = 60) -> Job:
    job = job_create(kind="trust.probe", title="Проверка", lock_key="trust:probe")
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.RUNNING,
        started_at=now - timedelta(minutes=started_minutes_ago),
        heartbeat_at=None
        if heartbeat_minutes_ago is None
        else now - timedelta(minutes=heartbeat_minutes_ago),
    )
    return job


def test_silent_running_job_is_failed_with_a_reason_and_can_be_restarted(
    django_capture_on_commit_callbacks,
):
    job = _running(heartbeat_minutes_ago=20)
    assert jobs_reap_stale() == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "перестал отвечать" in job.error and job.result == {}
    with django_capture_on_commit_callbacks(execute=True):
        again = job_restart(job=job)
    again.refresh_from_db()
    assert again.state == Job.State.SUCCEEDED, "the lock is free once the dead job is failed"


def test_jobs_with_a_fresh_heartbeat_are_left_alone():
    job = _running(heartbeat_minutes_ago=1)
    assert jobs_reap_stale() == 0
    job.refresh_from_db()
    assert job.state == Job.State.RUNNING


def test_a_job_that_died_before_its_first_heartbeat_is_failed_too():
    job = _running(heartbeat_minutes_ago=None, started_minutes_ago=30)
    assert jobs_reap_stale(older_than=timedelta(minutes=10)) == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
