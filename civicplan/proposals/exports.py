"""Exporting the proposal list to CSV and XLSX, with the filters of the list.

Personal data columns are added only for a moderator, only for proposals in his territory,
and each export with them is written to the audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import audit_log_write, ip_hash
from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.core.jobs import (
    JobReporter,
    job_result_file,
    job_shared_get_or_start,
    job_start,
)
from civicplan.core.models import Job
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.core.text import plain_text
from civicplan.proposals.models import Proposal, ProposalPersonalData
from civicplan.proposals.selectors import (
    ProposalFilters,
    proposal_filter,
    proposal_for_staff,
    proposal_public_list,
)
from civicplan.proposals.services import MODERATOR_ROLES
from civicplan.reports.documents import CSV, XLSX
from civicplan.reports.tabular import Sheet, csv_bytes, xlsx_bytes

FORMATS = {"csv": CSV, "xlsx": XLSX}


class _Counted:
    """Rows passed through while counting them (the audit log records how many left)."""

    def __init__(
        self, rows: Iterator[list[Any]], progress: Callable[[int], None] | None = None
    ) -> None:
        self.rows = rows
        self.count = 0
        self.progress = progress

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            if self.progress is not None and self.count % 500 == 0:
                self.progress(self.count)
            yield row


def _headers(personal: bool) -> list[str]:
    headers = [
        _("Номер"),
        _("Поступило"),
        _("Статус"),
        _("Муниципальное образование"),
        _("ОКТМО"),
        _("Направление"),
        _("Заголовок"),
        _("Текст"),
        _("Поддержали"),
        _("Комментариев"),
        _("Канал"),
        _("Ответить до"),
        _("Ответ дан"),
        _("Внешний идентификатор"),
    ]
    if personal:
        headers += [
            _("Имя"),
            _("Электронная почта"),
            _("Телефон"),
            _("Возраст"),
            _("Разрешил показывать имя"),
        ]
    return headers


def _rows(qs: QuerySet[Proposal], personal: bool) -> Iterator[list[Any]]:
    qs = qs.select_related("municipality", "direction")
    if personal:
        qs = qs.prefetch_related(
            Prefetch("personal_data", queryset=ProposalPersonalData.objects.all())
        )
    for p in qs.iterator(chunk_size=2000):
        row = [
            p.pk,
            timezone.localtime(p.created_at).strftime("%d.%m.%Y %H:%M"),
            p.get_status_display(),
            p.municipality.name if p.municipality else "",
            p.municipality.oktmo if p.municipality else "",
            p.direction.title if p.direction else "",
            # Without personal data columns the text is masked too (phones, e-mails, signatures).
            p.title if personal else p.public_title,
            plain_text(p.text if personal else p.public_text),
            p.supports_count,
            p.comments_count,
            p.get_channel_display(),
            p.answer_due_on.strftime("%d.%m.%Y") if p.answer_due_on else "",
            timezone.localtime(p.answered_at).strftime("%d.%m.%Y") if p.answered_at else "",
            p.external_id,
        ]
        if personal:
            try:
                data = p.personal_data
            except ProposalPersonalData.DoesNotExist:
                data = None
            if data is None or data.is_erased:
                row += ["", "", "", "", ""]
            else:
                row += [
                    data.name,
                    data.email,
                    data.phone,
                    data.get_age_group_display(),
                    _("да") if data.show_name else _("нет"),
                ]
        yield row


def _check(*, fmt: str, actor: Any, include_personal: bool) -> None:
    if fmt not in FORMATS:
        raise InvalidInput(
            _("Выгрузка возможна в CSV или XLSX."), field="format", code="bad_format"
        )
    if include_personal and user_scope(actor, MODERATOR_ROLES).is_empty:
        raise Forbidden(
            _("Персональные данные выгружают только модераторы."),
            code="personal_data_forbidden",
        )


def proposal_export_queryset(
    *, user: Any, query: Mapping[str, Any], include_personal: bool
) -> QuerySet[Proposal]:
    """The proposals the list shows with the filters of `query`: the published ones for
    everybody; for a moderator who asks for all of them or for personal data, every proposal
    of his territory."""
    filters = ProposalFilters.from_query(query)
    staff = (
        getattr(user, "is_authenticated", False) and not user_scope(user, MODERATOR_ROLES).is_empty
    )
    if include_personal or (staff and query.get("all") == "1"):
        return proposal_filter(proposal_for_staff(Proposal.objects.all(), user), filters)
    return proposal_public_list(filters)


def proposal_export(
    *,
    qs: QuerySet[Proposal],
    fmt: str,
    actor: Any = None,
    include_personal: bool = False,
    ip: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[bytes, str, str]:
    """Render `qs` to a file; returns (content, content type, file name)."""
    _check(fmt=fmt, actor=actor, include_personal=include_personal)
    if include_personal:
        qs = proposal_for_staff(qs, actor)
    headers = _headers(include_personal)
    rows = _rows(qs, include_personal)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    name = f"proposals-{stamp}.{fmt}"
    counted = _Counted(rows, progress)
    if fmt == "csv":
        content = csv_bytes(headers, counted)
    else:
        content = xlsx_bytes([Sheet(title=_("Предложения"), header=headers, rows=counted)])
    count = counted.count
    if include_personal:
        audit_log_write(
            actor=actor,
            action="proposal.personal_data.export",
            object_type="proposals.proposal",
            reason=_("выгрузка списка предложений с персональными данными"),
            details={"rows": count, "format": fmt},
            ip=ip,
        )
    return content, FORMATS[fmt], name


# --- large exports as jobs ------------------------------------------------------------------

EXPORT_JOB = "proposals.export"
# Up to this many rows the file is answered at once (about a second for XLSX on the shared
# 2-core machine, benchmarks/README.md «Proposals: export»); above it a moderator's export is
# a job with a progress bar and a link to the file.
EXPORT_SYNC_ROWS = 1000


def proposal_export_start(
    *,
    query: Mapping[str, str],
    fmt: str,
    actor: Any,
    include_personal: bool = False,
    ip: str | None = None,
) -> Job:
    """Start exporting in the background. The job has no territory scope: its file (perhaps
    with personal data) is seen by its author alone (`access_job`), and lives a day."""
    _check(fmt=fmt, actor=actor, include_personal=include_personal)
    title = (
        _("Выгрузка предложений с персональными данными (%(f)s)")
        if include_personal
        else _("Выгрузка предложений (%(f)s)")
    ) % {"f": fmt.upper()}
    return job_start(
        kind=EXPORT_JOB,
        title=title,
        params={
            "query": {k: str(v) for k, v in query.items() if k in EXPORT_QUERY_KEYS},
            "format": fmt,
            "personal": include_personal,
            "ip": ip or "",
        },
        created_by=actor,
    )


EXPORT_QUERY_KEYS = ("campaign", "municipality", "direction", "status", "phase", "q", "sort", "all")


def proposal_export_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job handler: the same file the download gives, kept privately for its author."""
    params = job.params
    actor = job.created_by
    qs = proposal_export_queryset(
        user=actor, query=params["query"], include_personal=params["personal"]
    )
    total = qs.count()
    reporter.progress(0, total, stage=_("Строки таблицы"))
    content, _type, name = proposal_export(
        qs=qs,
        fmt=params["format"],
        actor=actor,
        include_personal=params["personal"],
        ip=params["ip"] or None,
        progress=lambda done: reporter.progress(done, total),
    )
    reporter.progress(total, total, stage=_("Готово"))
    return {"rows": total, **job_result_file(content=content, filename=name)}


# --- public exports over the threshold: one file built by a job, shared for a while ---------

# A public export (no personal data, the same for every visitor with the same filters) of
# 10,000 proposals took 40–60 s (benchmarks/README.md): never inside a request. The first
# visitor starts a job; everyone asking for the same filters meanwhile waits on the same job
# and then gets its file, which is reused for PUBLIC_EXPORT_FRESH.
PUBLIC_EXPORT_FRESH = timedelta(minutes=30)


def _public_key(query: Mapping[str, Any], fmt: str) -> str:
    kept = sorted((k, str(query.get(k) or "")) for k in EXPORT_QUERY_KEYS if k != "all")
    return hashlib.sha256(repr((fmt, kept)).encode()).hexdigest()[:24]


PUBLIC_EXPORT_STARTS_PER_HOUR = 10  # new files one address may ask for (other filters)


def proposal_public_export_get_or_start(
    *, query: Mapping[str, Any], fmt: str, ip: str | None = None
) -> Job:
    """The job that makes (or made, less than PUBLIC_EXPORT_FRESH ago) the public file for
    these filters; a new one is started when there is none — at most
    PUBLIC_EXPORT_STARTS_PER_HOUR an hour from one address, so that varying the filters
    cannot queue endless work."""
    _check(fmt=fmt, actor=None, include_personal=False)

    def limit_new_files() -> None:
        rate_limit_hit(
            key=f"proposals-public-export:{ip_hash(ip)}",
            limit=PUBLIC_EXPORT_STARTS_PER_HOUR,
            window=3600,
            message=_(
                "Слишком много разных выгрузок с одного адреса. Попробуйте через час или "
                "скачайте уже подготовленный файл с теми же фильтрами."
            ),
        )

    return job_shared_get_or_start(
        kind=EXPORT_JOB,
        key=_public_key(query, fmt),
        title=_("Выгрузка опубликованных предложений (%(f)s)") % {"f": fmt.upper()},
        params={
            "query": {k: str(v) for k, v in query.items() if k in EXPORT_QUERY_KEYS},
            "format": fmt,
            "personal": False,
            "ip": "",
        },
        fresh=PUBLIC_EXPORT_FRESH,
        before_start=limit_new_files,
    )
