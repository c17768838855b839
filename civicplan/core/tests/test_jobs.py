"""Background jobs: lifecycle, progress, failures, cancellation, running twice."""

from __future__ import annotations

import pytest
from django.db import connection

from civicplan.core.errors import Conflict
from civicplan.core.jobs import job_cancel, job_create, job_run, job_start, register_job_handler
from civicplan.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def count_to_ten(job, reporter):
    for i in range(1, 11):
        reporter.progress(i, 10, stage="считаем")
    return {"counted": 10}


def explode(job, reporter):
    reporter.progress(3, 10)
    raise ValueError("файл повреждён")


register_job_handler("test.count", count_to_ten)
register_job_handler("test.explode", explode)


def test_job_runs_and_reports_progress_and_result():
    job = job_start(kind="test.count", title="Подсчёт")
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED
    assert job.result == {"counted": 10}
    assert job.percent == 100
    assert job.stage == "считаем"


def test_failed_job_keeps_the_reason():
    job = job_start(kind="test.explode", title="Взрыв")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "файл повреждён" in job.error
    assert job.progress_done == 3


def test_second_job_with_same_lock_is_refused_while_first_is_active():
    job_create(kind="test.count", title="Первый", lock_key="campaign:1")
    with pytest.raises(Conflict):
        job_create(kind="test.count", title="Второй", lock_key="campaign:1")


def test_running_a_finished_job_again_does_nothing():
    job = job_create(kind="test.count", title="Подсчёт")
    job_run(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(result={"counted": 99})
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result == {"counted": 99}
    assert job.attempts == 1


def test_cancelled_queued_job_never_runs():
    job = job_create(kind="test.count", title="Подсчёт")
    job_cancel(job=job)
    job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert job.result == {}


def test_progress_page_shows_bar_to_staff(client, django_user_model):
    staff = django_user_model.objects.create_user("staff@example.ru", "x", is_staff=True)
    client.force_login(staff)
    job = job_start(kind="test.count", title="Анализ кампании", created_by=staff)
    response = client.get(f"/jobs/{job.pk}/progress/")
    assert response.status_code == 200
    assert "<progress" in response.content.decode()
    assert "Анализ кампании" in response.content.decode()
    other = django_user_model.objects.create_user("other@example.ru", "x", is_staff=True)
    client.force_login(other)  # staff, but neither its author nor in its scope
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404
    client.logout()
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 302
    assert connection.vendor in {"sqlite", "postgresql"}


def test_progress_written_inside_one_transaction_is_seen_before_it_commits():
    """A strategy import writes all-or-nothing; its progress bar must still move."""
    from django.db import transaction

    from civicplan.core.jobs import JobReporter, job_mark_failed, job_with_live_progress

    job = job_create(kind="test.count", title="Загрузка структуры стратегии")
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)
    as_others_see_it = Job.objects.get(pk=job.pk)  # the committed row: nothing done yet
    with transaction.atomic():
        JobReporter(Job.objects.get(pk=job.pk)).progress(400, 1000, stage="Лист «Мероприятия»")
        shown = job_with_live_progress(as_others_see_it)
        assert (shown.progress_done, shown.progress_total) == (400, 1000)
        assert shown.stage == "Лист «Мероприятия»"
        assert shown.percent == 40
        transaction.set_rollback(True)
    job_mark_failed(job=job, reason="откат")  # a finished job shows its own row
    assert job_with_live_progress(Job.objects.get(pk=job.pk)).stage != "Лист «Мероприятия»"
