"""Background jobs, the way every app uses them.

An app registers a handler for a job kind in its `AppConfig.ready()`
(`register_job_handler("insights.analyze", fn)`); the handler receives the `Job` and a
`JobReporter` and returns a JSON-serialisable result. `job_start` commits the record and
hands the work to Celery after the transaction commits; without a broker
(`CELERY_TASK_ALWAYS_EAGER`) it runs in the small background pool of this process
(`core.background`), or inline when `JOBS_RUN_INLINE` is set (tests).

The writes live in `civicplan.core.services.jobs` and are re-exported here; the read that
says who may see a job (`access_job`) lives here.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from civicplan.core.errors import NotFound
from civicplan.core.models import Job
from civicplan.core.services.jobs import JobCancelled as JobCancelled
from civicplan.core.services.jobs import JobHandler as JobHandler
from civicplan.core.services.jobs import JobReporter as JobReporter
from civicplan.core.services.jobs import background_call as background_call
from civicplan.core.services.jobs import job_cancel as job_cancel
from civicplan.core.services.jobs import job_create as job_create
from civicplan.core.services.jobs import job_enqueue as job_enqueue
from civicplan.core.services.jobs import job_files_prune as job_files_prune
from civicplan.core.services.jobs import job_handler as job_handler
from civicplan.core.services.jobs import job_mark_failed as job_mark_failed
from civicplan.core.services.jobs import job_restart as job_restart
from civicplan.core.services.jobs import job_result_file as job_result_file
from civicplan.core.services.jobs import job_run as job_run
from civicplan.core.services.jobs import job_shared_get_or_start as job_shared_get_or_start
from civicplan.core.services.jobs import job_start as job_start
from civicplan.core.services.jobs import jobs_reap_stale as jobs_reap_stale
from civicplan.core.services.jobs import live_progress_key
from civicplan.core.services.jobs import register_job_handler as register_job_handler


def job_with_live_progress(job: Job) -> Job:
    """A running job whose handler writes inside one transaction (a strategy import) keeps
    its progress in the cache until commit; show those figures instead of the row's."""
    if job.is_active:
        live = cache.get(live_progress_key(job.pk))
        if live:
            for field in ("progress_done", "progress_total", "stage"):
                setattr(job, field, live[field])
    return job


def access_job(user: Any, pk: int) -> Job:
    """A job its viewer may see and cancel: the superuser, staff whose role scope covers the
    job's region or municipality. Anything else is «not found», so ids reveal nothing."""
    from civicplan.core.registry import job_access_checks

    job = Job.objects.filter(pk=pk).select_related("created_by").first()
    if job is None or user is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Работа не найдена."))
    if user.is_superuser:
        return job_with_live_progress(job)
    if job.scope_region_id is not None or job.scope_municipality_id is not None:
        if any(check(user, job) for check in job_access_checks()):
            return job_with_live_progress(job)
    elif job.created_by_id == user.pk:  # an unscoped job (started before scopes): its author
        return job_with_live_progress(job)
    raise NotFound(_("Работа не найдена."))


def shared_file_response(
    request: HttpRequest, job: Job, *, filename: str, heading: str, back_url: str, back_label: str
) -> HttpResponseBase:
    """The file of a shared job (`job_shared_get_or_start`) when it is ready; otherwise a page
    that shows how far it is and asks again every few seconds (works without JavaScript)."""
    from types import SimpleNamespace

    from django.shortcuts import render

    from civicplan.core.models import Job as JobModel
    from civicplan.core.private_files import private_file_response

    if job.state == JobModel.State.SUCCEEDED and job.result.get("file"):
        response = private_file_response(
            SimpleNamespace(name=job.result["file"]),
            filename=job.result.get("filename") or filename,
            inline=False,
        )
        response["Cache-Control"] = "no-store"
        return response
    context = {
        "job": job_with_live_progress(job),
        "heading": heading,
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "core/shared_file_wait.html", context, status=202)
