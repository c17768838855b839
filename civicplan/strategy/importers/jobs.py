"""Strategy imports run as `core.jobs` jobs: the page starts one and shows its progress bar.

A large roadmap takes seconds to check and write; the request only stores the file (a private
file under a random name) and starts the job. The job imports it with the same importers,
keeps a small report in its result and deletes the file.
"""

from __future__ import annotations

from typing import IO, Any

from django.core.files.base import File
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.jobs import JobReporter, job_start
from civicplan.core.models import Job
from civicplan.core.private_files import private_name, private_storage
from civicplan.core.uploads import MB, office_upload_check
from civicplan.strategy.models import Strategy

JOB_KIND = "strategy.import"
IMPORT_MAX_BYTES = 20 * MB
KINDS = ("structure", "values")


def strategy_import_start(
    *, strategy: Strategy, kind: str, upload: IO[bytes], name: str, actor: Any
) -> Job:
    """Check that the upload is an XLSX within limits, keep it privately, start the job."""
    if kind not in KINDS:
        raise InvalidInput(_("Выберите, что загружаем."), field="kind")
    office_upload_check(
        upload,
        name=name,
        max_bytes=IMPORT_MAX_BYTES,
        wrong_kind=_(
            "Файл %(name)s — не таблица XLSX. Скачайте шаблон и заполните его в Excel или LibreOffice."
        )
        % {"name": name},
    )
    stored = private_storage().save(private_name("strategy-imports", ".xlsx"), File(upload))
    title = (
        _("Загрузка структуры стратегии из файла «%(n)s»")
        if kind == "structure"
        else _("Загрузка фактических значений показателей из файла «%(n)s»")
    ) % {"n": name[:100]}
    try:
        return job_start(
            kind=JOB_KIND,
            title=title,
            params={"strategy_id": strategy.pk, "kind": kind, "file": stored, "name": name[:255]},
            lock_key=f"{JOB_KIND}:{strategy.pk}",
            created_by=actor,
            region_id=strategy.region_id,
        )
    except Exception:
        private_storage().delete(stored)
        raise


def strategy_import_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job handler: import the stored file; the result is the report, kept small."""
    from civicplan.strategy.importers.structure import structure_import
    from civicplan.strategy.importers.values import kpi_values_import

    params = job.params
    strategy = Strategy.objects.get(pk=params["strategy_id"])
    storage = private_storage()

    def progress(done: int, total: int, stage: str) -> None:
        reporter.progress(done, total, stage=stage)

    try:
        reporter.progress(0, 1, stage=_("Чтение файла"))
        with storage.open(params["file"], "rb") as handle:
            try:
                if params["kind"] == "structure":
                    report = structure_import(
                        strategy=strategy,
                        source=handle,  # type: ignore[arg-type]  # a binary file from storage
                        actor=job.created_by,
                        name=params["name"],
                        progress=progress,
                    )
                else:
                    report = kpi_values_import(
                        strategy=strategy,
                        source=handle,  # type: ignore[arg-type]  # a binary file from storage
                        actor=job.created_by,
                        name=params["name"],
                    )
            except InvalidInput as exc:
                return {"ok": False, "summary": "", "errors": [], "file_error": exc.message}
    finally:
        storage.delete(params["file"])
    reporter.progress(report.total_rows, report.total_rows, stage=_("Готово"))
    result = report.as_dict()
    result["ok"] = report.ok
    result["summary"] = report.summary()
    return result
