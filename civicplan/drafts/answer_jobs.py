"""Long work of the answering side, as `core.jobs` jobs: grouping the similar comments of a
large version, and building its summary table (DOCX and XLSX)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from civicplan.core.errors import Conflict
from civicplan.core.jobs import JobReporter, job_start, register_job_handler
from civicplan.core.models import Job
from civicplan.drafts.exports import SUMMARY_JOB, summary_build
from civicplan.drafts.models import DraftVersion
from civicplan.drafts.services.decisions import version_comments_group

GROUP_JOB = "drafts.group"
# Up to this many unanswered comments a version is grouped inside the request.
GROUP_INLINE_LIMIT = 300


def _summary(job: Job, reporter: JobReporter) -> dict[str, Any]:
    version = DraftVersion.objects.select_related("draft").get(pk=job.params["version"])
    reporter.progress(0, 2, _("Сводка собирается"))
    paths = summary_build(version, progress=lambda done, total: reporter.progress(done, total))
    return {"version": version.pk, **paths}


def _group(job: Job, reporter: JobReporter) -> dict[str, Any]:
    version = DraftVersion.objects.select_related("draft__strategy").get(pk=job.params["version"])
    result = version_comments_group(
        version=version,
        actor=job.created_by,
        progress=lambda done, total: reporter.progress(done, total, _("Пункты проекта")),
    )
    return {
        "groups": result.groups,
        "grouped": result.grouped,
        "duplicates": result.duplicates,
    }


def register() -> None:
    register_job_handler(SUMMARY_JOB, _summary)
    register_job_handler(GROUP_JOB, _group)


def summary_job_start(version: DraftVersion) -> Job | None:
    """Start building the summary files; None if a build is already running."""
    try:
        return job_start(
            kind=SUMMARY_JOB,
            title=str(_("Сводка замечаний: %(v)s") % {"v": version}),
            params={"version": version.pk},
            lock_key=f"{SUMMARY_JOB}:{version.pk}",
            region_id=version.draft.strategy.region_id,
        )
    except Conflict:
        return None


def group_job_start(version: DraftVersion, *, actor: Any) -> Job:
    return job_start(
        kind=GROUP_JOB,
        title=str(_("Группировка похожих замечаний: %(v)s") % {"v": version}),
        params={"version": version.pk},
        lock_key=f"{GROUP_JOB}:{version.pk}",
        created_by=actor,
        region_id=version.draft.strategy.region_id,
    )
