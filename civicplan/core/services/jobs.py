"""Background jobs: create, run with progress, cancel — core's service for `Job` rows.

Callers import these through `civicplan.core.jobs`, which also holds `access_job`.

An app registers a handler for a job kind (`register_job_handler("insights.analyze", fn)`);
the handler receives the `Job` and a `JobReporter` and returns a JSON-serialisable result.
`job_enqueue` commits the record and hands the work to Celery after the transaction commits;
without a broker (`CELERY_TASK_ALWAYS_EAGER`) it runs in the small background pool of this
process (`core.background`), or inline when `JOBS_RUN_INLINE` is set (tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict
from civicplan.core.models import Job

logger = logging.getLogger(__name__)

JobHandler = Callable[[Job, "JobReporter"], dict[str, Any] | None]
LIVE_PROGRESS_SECONDS = 6 * 3600
_HANDLERS: dict[str, JobHandler] = {}


def live_progress_key(pk: int) -> str:
    return f"core.job.progress:{pk}"


class JobCancelled(Exception):
    """Raised inside a handler when somebody pressed «Отменить»."""


def register_job_handler(kind: str, handler: JobHandler) -> None:
    _HANDLERS[kind] = handler


def job_handler(kind: str) -> JobHandler:
    try:
        return _HANDLERS[kind]
    except KeyError as exc:
        raise LookupError(f"No handler registered for job kind {kind!r}") from exc


@dataclass
class JobReporter:
    """Writes progress to the job row at most every `min_interval` seconds."""

    job: Job
    min_interval: float = 0.5
    _last_write: float = 0.0

    def progress(self, done: int, total: int | None = None, stage: str | None = None) -> None:
        now = timezone.now()
        self.job.progress_done = max(0, int(done))
        if total is not None:
            self.job.progress_total = max(0, int(total))
        if stage is not None:
            self.job.stage = stage[:255]
        stamp = now.timestamp()
        finished = self.job.progress_total and self.job.progress_done >= self.job.progress_total
        if stamp - self._last_write < self.min_interval and not finished:
            return
        self._last_write = stamp
        live = {
            "progress_done": self.job.progress_done,
            "progress_total": self.job.progress_total,
            "stage": self.job.stage,
        }
        Job.objects.filter(pk=self.job.pk).update(**live, heartbeat_at=now)
        if transaction.get_connection().in_atomic_block:
            # The handler writes its data all-or-nothing: this row update only shows at
            # commit, so the progress bar reads the live figures from the shared cache.
            cache.set(live_progress_key(self.job.pk), live, LIVE_PROGRESS_SECONDS)
        self.check_cancelled()

    def message(self, text: str) -> None:
        self.job.messages = [*self.job.messages, str(text)][-200:]
        Job.objects.filter(pk=self.job.pk).update(messages=self.job.messages)

    def check_cancelled(self) -> None:
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise JobCancelled


def job_create(
    *,
    kind: str,
    title: str,
    params: dict[str, Any] | None = None,
    lock_key: str = "",
    created_by: Any = None,
    region_id: int | None = None,
    municipality_id: int | None = None,
) -> Job:
    """Create a queued job; a second job with the same active `lock_key` raises Conflict.

    `region_id` / `municipality_id` say whose work it is: only staff whose scope covers them
    (and the superuser) see, follow and cancel it (`access_job`)."""
    job_handler(kind)  # fail early for an unknown kind
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind,
                title=title,
                params=params or {},
                lock_key=lock_key,
                created_by=created_by if getattr(created_by, "pk", None) else None,
                scope_region_id=region_id,
                scope_municipality_id=municipality_id,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Такая работа уже выполняется. Дождитесь её окончания или отмените её."),
            code="job_already_running",
        ) from exc


def background_call(task: Any, *args: Any) -> None:
    """Run a Celery task once the surrounding transaction has committed.

    Inline when `JOBS_RUN_INLINE` is set (tests), in the bounded pool of this process
    without a broker (`CELERY_TASK_ALWAYS_EAGER`), otherwise on a Celery worker. Every
    background hand-off of the platform goes through here.
    """

    def _dispatch() -> None:
        if getattr(settings, "JOBS_RUN_INLINE", False):
            task(*args)
        elif getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            # Without a broker: the bounded pool of this process, never a thread per call.
            from civicplan.core.background import background_submit

            background_submit(task, *args, label=getattr(task, "name", "") or repr(task))
        else:
            task.delay(*args)

    transaction.on_commit(_dispatch)


def job_enqueue(job: Job) -> Job:
    """Hand the job to a worker once the surrounding transaction has committed."""
    from civicplan.core.tasks import run_job

    background_call(run_job, job.pk)
    return job


def job_start(
    *,
    kind: str,
    title: str,
    params: dict[str, Any] | None = None,
    lock_key: str = "",
    created_by: Any = None,
    region_id: int | None = None,
    municipality_id: int | None = None,
) -> Job:
    job = job_create(
        kind=kind,
        title=title,
        params=params,
        lock_key=lock_key,
        created_by=created_by,
        region_id=region_id,
        municipality_id=municipality_id,
    )
    return job_enqueue(job)


def job_shared_get_or_start(
    *,
    kind: str,
    key: str,
    title: str,
    params: dict[str, Any],
    fresh: timedelta,
    before_start: Callable[[], None] | None = None,
) -> Job:
    """A file that is the same for everyone who asks with the same `key` (a public export, a
    strategy document): the job that makes it, or made it less than `fresh` ago, is shared;
    a new one is started when there is none. `before_start` runs only when a new job would
    start (a rate limit on new files, for example)."""
    recent = (
        Job.objects.filter(
            kind=kind, params__shared_key=key, created_at__gte=timezone.now() - fresh
        )
        .exclude(state__in=(Job.State.FAILED, Job.State.CANCELLED))
        .order_by("-created_at")
        .first()
    )
    if recent is not None and (recent.is_active or recent.result.get("file")):
        return recent
    if before_start is not None:
        before_start()
    lock_key = f"{kind}:shared:{key}"
    try:
        return job_start(
            kind=kind, title=title, params={**params, "shared_key": key}, lock_key=lock_key
        )
    except Conflict:  # another visitor started it a moment ago
        return Job.objects.filter(lock_key=lock_key, state__in=Job.ACTIVE_STATES).get()


def job_run(*, job_id: int) -> Job | None:
    """Run a job; safe to call twice: a job that is finished or claimed elsewhere is skipped."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started_at=now, heartbeat_at=now
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    Job.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    reporter = JobReporter(job)
    try:
        if job.cancel_requested:
            raise JobCancelled
        result = job_handler(job.kind)(job, reporter) or {}
    except JobCancelled:
        _finish(job, Job.State.CANCELLED, error=_("Работа отменена пользователем."))
    except Exception as exc:  # the job records any failure for the person who started it
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.State.FAILED, error=f"{type(exc).__name__}: {exc}")
    else:
        _finish(job, Job.State.SUCCEEDED, result=result)
    job.refresh_from_db()
    return job


def _finish(job: Job, state: str, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    fields: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "error": error}
    if result is not None:
        fields["result"] = result
        fields["progress_done"] = job.progress_total or job.progress_done
    Job.objects.filter(pk=job.pk).update(**fields)
    cache.delete(live_progress_key(job.pk))


def job_cancel(*, job: Job) -> Job:
    """Ask a running job to stop; a queued one is cancelled at once."""
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    Job.objects.filter(pk=job.pk, state=Job.State.QUEUED).update(
        state=Job.State.CANCELLED,
        finished_at=timezone.now(),
        error=_("Работа отменена до начала."),
    )
    job.refresh_from_db()
    return job


def job_mark_failed(*, job: Job, reason: str) -> Job:
    """Used when a worker died: the job is failed with a reason and can be restarted."""
    Job.objects.filter(pk=job.pk, state__in=Job.ACTIVE_STATES).update(
        state=Job.State.FAILED, finished_at=timezone.now(), error=reason
    )
    job.refresh_from_db()
    return job


def jobs_reap_stale(*, older_than: timedelta | None = None) -> int:
    """Fail running jobs whose worker stopped sending heartbeats (it was killed or lost).

    A handler reports progress at least every few seconds; a job silent for `older_than`
    (settings.JOBS_STALE_AFTER_MINUTES, 15 by default) is failed with a reason, and its
    owner can restart it. Returns how many jobs were failed.
    """
    if older_than is None:
        older_than = timedelta(minutes=int(getattr(settings, "JOBS_STALE_AFTER_MINUTES", 15)))
    cutoff = timezone.now() - older_than
    stale = Job.objects.filter(state=Job.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    reason = _(
        "Обработчик перестал отвечать (вероятно, был остановлен). Результат не сохранён, "
        "работу можно перезапустить."
    )
    count = 0
    for job in stale:
        job_mark_failed(job=job, reason=reason)
        count += 1
        logger.warning("Job %s (%s) had no heartbeat since %s: failed", job.pk, job.kind, cutoff)
    return count


def job_restart(*, job: Job, created_by: Any = None) -> Job:
    """Start a fresh copy of a failed or cancelled job."""
    return job_start(
        kind=job.kind,
        title=job.title,
        params=job.params,
        lock_key=job.lock_key,
        created_by=created_by,
        region_id=job.scope_region_id,
        municipality_id=job.scope_municipality_id,
    )


# --- files a job hands back (exports, reports) ------------------------------------------------

JOB_FILES_FOLDER = "job-results"


def job_result_file(*, content: bytes, filename: str) -> dict[str, Any]:
    """Keep a job's file privately (never under MEDIA) and return the part of its result that
    names it; `core:job_download` serves it to whoever `access_job` lets see the job."""
    from django.core.files.base import ContentFile

    from civicplan.core.private_files import private_name, private_storage

    stored = private_storage().save(private_name(JOB_FILES_FOLDER, filename), ContentFile(content))
    return {"file": stored, "filename": filename, "bytes": len(content)}


def job_files_prune(*, older_than: timedelta | None = None) -> int:
    """Delete the files of jobs finished more than a day ago (settings.JOB_FILES_KEEP_HOURS):
    an export may hold personal data and is not kept longer than it is needed."""
    from civicplan.core.private_files import private_storage

    if older_than is None:
        older_than = timedelta(hours=int(getattr(settings, "JOB_FILES_KEEP_HOURS", 24)))
    cutoff = timezone.now() - older_than
    storage = private_storage()
    count = 0
    for job in Job.objects.filter(finished_at__lt=cutoff, result__has_key="file"):
        storage.delete(job.result["file"])
        result = {k: v for k, v in job.result.items() if k != "file"}
        result["file_removed"] = True
        Job.objects.filter(pk=job.pk).update(result=result)
        count += 1
    return count
