"""Importing proposals from CSV/XLSX (paper forms, e-mail, other portals, session minutes).

A person uploads a table and says which column holds what (`mapping`: field → column);
the import runs as a background job with progress and leaves a report (line, column, reason).
A row's external id — or, when there is none, a fingerprint of its text and place — makes
re-importing the same file change nothing.
"""

from __future__ import annotations

import datetime
from typing import IO, Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role
from civicplan.accounts.selectors import user_scope
from civicplan.analytics.tabular import TableError, read_table
from civicplan.campaigns.models import Campaign
from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.core.i18n import gettext_lazy
from civicplan.core.imports import ImportReport
from civicplan.core.jobs import JobReporter, job_start
from civicplan.core.models import Job
from civicplan.core.uploads import MB
from civicplan.proposals.models import (
    Proposal,
    ProposalChannel,
    ProposalImport,
    ProposalStatus,
)
from civicplan.proposals.services import (
    AuthorData,
    ProposalInput,
    StatusStep,
    direction_resolve,
    municipality_resolve,
    proposals_record,
)
from civicplan.proposals.services.personal_data import import_files_erase
from civicplan.proposals.textcheck import text_clean, text_fingerprint, title_clean

JOB_KIND = "proposals.import"
IMPORT_MAX_BYTES = 50 * MB

# Column names recognised without a mapping: data that a file's headers are matched against.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("текст", "предложение", "текст предложения", "text"),
    "title": ("заголовок", "тема", "title"),
    "municipality": (
        "муниципальное образование",
        "муниципалитет",
        "мо",
        "октмо",
        "municipality",
        "oktmo",
    ),
    "direction": ("направление", "direction"),
    "external_id": ("id", "номер", "№", "внешний идентификатор", "external_id", "идентификатор"),
    "created_at": ("дата", "дата поступления", "created_at", "date"),
    "name": ("имя", "фио", "автор", "name"),
    "email": ("email", "e-mail", "почта", "электронная почта"),
    "phone": ("телефон", "phone"),
}

# Field → (label for people, column names recognised without a mapping); the labels are
# lazy, translated where they are shown, not once at import.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "text": (gettext_lazy("Текст предложения"), HEADER_ALIASES["text"]),
    "title": (gettext_lazy("Заголовок"), HEADER_ALIASES["title"]),
    "municipality": (
        gettext_lazy("Муниципальное образование (название или ОКТМО)"),
        HEADER_ALIASES["municipality"],
    ),
    "direction": (gettext_lazy("Направление стратегии"), HEADER_ALIASES["direction"]),
    "external_id": (gettext_lazy("Внешний идентификатор"), HEADER_ALIASES["external_id"]),
    "created_at": (gettext_lazy("Дата поступления"), HEADER_ALIASES["created_at"]),
    "name": (gettext_lazy("Имя автора"), HEADER_ALIASES["name"]),
    "email": (gettext_lazy("Электронная почта"), HEADER_ALIASES["email"]),
    "phone": (gettext_lazy("Телефон"), HEADER_ALIASES["phone"]),
}
REQUIRED = ("text", "municipality")


def mapping_guess(columns: list[str]) -> dict[str, str]:
    """Which column probably holds which field, by its header."""
    lowered = {c.strip().lower(): c for c in columns}
    guess: dict[str, str] = {}
    for name, (_label, aliases) in FIELDS.items():
        for alias in aliases:
            if alias in lowered:
                guess[name] = lowered[alias]
                break
    return guess


def _importer_check(actor: Any, campaign: Campaign) -> None:
    scope = user_scope(actor, [Role.REGIONAL_MODERATOR])
    if not scope.allows(region_id=campaign.region_id, municipality_id=None):
        raise Forbidden(
            _("Загружать предложения может модератор или администратор региона."),
            code="not_in_scope",
        )


def table_columns(upload: IO[bytes], name: str) -> list[str]:
    try:
        table = read_table(upload, name=name)
    except TableError as exc:
        raise InvalidInput(str(exc), field="file", code="bad_table") from exc
    finally:
        upload.seek(0)
    return table.columns


def proposal_import_upload(
    *,
    campaign: Campaign,
    upload: IO[bytes],
    name: str,
    actor: Any,
    channel: str = ProposalChannel.PAPER,
    publish: bool = False,
) -> ProposalImport:
    """Check that the file is a readable table and keep it until the columns are mapped."""
    _importer_check(actor, campaign)
    if channel not in ProposalChannel.values:
        raise InvalidInput(_("Выберите канал поступления."), field="channel")
    size = getattr(upload, "size", None)
    if size is not None and size > IMPORT_MAX_BYTES:
        raise InvalidInput(
            _("Файл слишком большой: допустимо не больше %(n)d МБ.")
            % {"n": IMPORT_MAX_BYTES // MB},
            field="file",
            code="file_too_large",
        )
    columns = table_columns(upload, name)
    record = ProposalImport(
        campaign=campaign,
        channel=channel,
        original_name=name[:255],
        mapping=mapping_guess(columns),
        publish=publish,
        report={"columns": columns},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    upload.seek(0)
    # A private file under a random name (`models.import_path`), never the name or the time.
    record.file.save(name, File(upload), save=False)
    record.save()
    return record


def proposal_import_begin(
    *, record: ProposalImport, mapping: dict[str, str] | None, actor: Any
) -> ProposalImport:
    """Check the mapping (field → column) and start the import job."""
    _importer_check(actor, record.campaign)
    if record.job_id is not None:
        raise Conflict(_("Этот файл уже загружается."), code="already_started")
    columns = list(record.report.get("columns", []))
    chosen = {k: v for k, v in (mapping if mapping is not None else record.mapping).items() if v}
    unknown = [k for k in chosen if k not in FIELDS]
    if unknown:
        raise InvalidInput(
            _("Неизвестные поля: %(f)s.") % {"f": ", ".join(unknown)}, field="mapping"
        )
    missing_columns = [v for v in chosen.values() if v not in columns]
    if missing_columns:
        raise InvalidInput(
            _("В файле нет столбцов: %(c)s. Есть столбцы: %(all)s.")
            % {
                "c": ", ".join(f"«{c}»" for c in missing_columns),
                "all": ", ".join(f"«{c}»" for c in columns),
            },
            field="mapping",
            code="unknown_column",
        )
    for required in REQUIRED:
        if required not in chosen:
            raise InvalidInput(
                _("Укажите, в каком столбце «%(f)s».") % {"f": FIELDS[required][0]},
                field="mapping",
                code="mapping_required",
            )
    with transaction.atomic():
        record.mapping = chosen
        record.save(update_fields=["mapping"])
        job = job_start(
            kind=JOB_KIND,
            title=_("Загрузка предложений из файла «%(n)s»") % {"n": record.original_name[:100]},
            params={"import_id": record.pk},
            lock_key=f"{JOB_KIND}:{record.campaign_id}",
            created_by=actor,
            region_id=record.campaign.region_id,
        )
        record.job = job
        record.save(update_fields=["job"])
    record.refresh_from_db()
    return record


def proposal_import_start(
    *,
    campaign: Campaign,
    upload: IO[bytes],
    name: str,
    mapping: dict[str, str] | None,
    actor: Any,
    channel: str = ProposalChannel.PAPER,
    publish: bool = False,
) -> ProposalImport:
    """Upload and start at once (the API and the command line use this)."""
    with transaction.atomic():
        record = proposal_import_upload(
            campaign=campaign,
            upload=upload,
            name=name,
            actor=actor,
            channel=channel,
            publish=publish,
        )
        return proposal_import_begin(record=record, mapping=mapping, actor=actor)


EARLIEST = datetime.date(1991, 1, 1)


def _parse_date(value: str) -> datetime.datetime | None:
    """A received date as offices write it; never in the future, never before 1991."""
    text = value.strip()
    if not text:
        return None
    parsed: datetime.datetime | None = None
    for fmt in ("%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = datetime.datetime.strptime(text[:19], fmt)
        except ValueError:
            continue
        break
    if parsed is None:
        try:
            parsed = datetime.datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidInput(
                _("Дата «%(v)s» не распознана, нужен вид 25.03.2026.") % {"v": text[:30]},
                field="created_at",
            ) from exc
    today = timezone.localdate()
    if not EARLIEST <= parsed.date() <= today:
        raise InvalidInput(
            _("Дата «%(v)s» невозможна: дата поступления — между %(a)s и сегодняшним днём.")
            % {"v": text[:30], "a": EARLIEST.strftime("%d.%m.%Y")},
            field="created_at",
        )
    if timezone.is_aware(parsed):
        return parsed
    try:
        return timezone.make_aware(parsed)
    except (OverflowError, ValueError) as exc:  # the edges of the calendar in some zones
        raise InvalidInput(
            _("Дата «%(v)s» невозможна.") % {"v": text[:30]}, field="created_at"
        ) from exc


def _row_input(
    *,
    cell: Any,
    campaign: Campaign,
    places: dict[str, Any],
    directions: dict[str, Any],
) -> tuple[ProposalInput, str]:
    """Check one row; returns what to record and its external id, or raises InvalidInput."""
    text = text_clean(cell("text"))
    key = cell("municipality")
    if key not in places:
        places[key] = municipality_resolve(campaign=campaign, value=key)
    place = places[key]
    dkey = cell("direction")
    if dkey not in directions:
        directions[dkey] = direction_resolve(campaign=campaign, value=dkey)
    external = cell("external_id")[:128] or "auto:" + text_fingerprint(text, place.oktmo)[:40]
    author = AuthorData(
        name=cell("name")[:150], email=cell("email")[:254], phone=cell("phone")[:32]
    )
    item = ProposalInput(
        text=text,
        municipality=place,
        direction=directions[dkey],
        title=title_clean(cell("title")),
        external_id=external,
        created_at=_parse_date(cell("created_at")),
        author=author if (author.name or author.email or author.phone) else None,
        fingerprint=text_fingerprint(text, place.oktmo, external),
    )
    return item, external


def proposal_import_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job handler: check every row first, then record the good ones in one transaction.

    A file that cannot be read as a whole (unreadable, over the row cap) writes nothing;
    otherwise every valid row is recorded at once and every bad one is reported by line and
    column — never half a file cut off by a failure. Re-importing the corrected file adds
    only the rows that were missing. The proposals go through `proposals_record` like any
    other, with their history, and are announced once for the whole file.
    """
    record = ProposalImport.objects.select_related("campaign__region", "created_by").get(
        pk=job.params["import_id"]
    )
    campaign = record.campaign
    report = ImportReport(source=record.original_name)
    mapping = record.mapping
    existing = set(
        Proposal.objects.filter(campaign=campaign)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
    )
    seen: set[str] = set()
    places: dict[str, Any] = {}
    directions: dict[str, Any] = {}
    items: list[ProposalInput] = []
    reporter.progress(0, None, stage=_("Проверка строк"))
    with record.file.open("rb") as handle:
        try:
            table = read_table(handle, name=record.original_name)
            report.warnings.extend(table.warnings)
            for line, row in table.rows:
                report.total_rows += 1
                if report.total_rows % 500 == 0:
                    reporter.progress(report.total_rows, None, stage=_("Проверка строк"))
                refused = [
                    column
                    for field_name, column in mapping.items()
                    if field_name in FIELDS and "\x00" in (row.get(column) or "")
                ]
                if refused:
                    for column in refused:
                        report.error(
                            line,
                            _("В ячейке есть недопустимый нулевой символ (NUL)."),
                            column,
                        )
                    continue

                def cell(name: str, row: dict[str, str] = row) -> str:
                    column = mapping.get(name)
                    return (row.get(column) or "").strip() if column else ""

                try:
                    item, external = _row_input(
                        cell=cell, campaign=campaign, places=places, directions=directions
                    )
                except InvalidInput as exc:
                    field_name = exc.field if exc.field in FIELDS else "text"
                    report.error(line, exc.message, mapping.get(field_name, ""))
                    continue
                if external in seen:
                    report.error(
                        line,
                        _("Идентификатор «%(id)s» повторяется в файле.") % {"id": external},
                        mapping.get("external_id", ""),
                    )
                    continue
                seen.add(external)
                if external in existing:
                    report.unchanged += 1
                    continue
                if record.publish:
                    item.steps = (
                        StatusStep(ProposalStatus.PUBLISHED, _("Опубликовано при загрузке.")),
                    )
                items.append(item)
        except TableError as exc:  # the file as a whole: nothing is written
            report.error(0, str(exc))
            report.warnings.append(_("Файл не загружен: ни одно предложение не сохранено."))
            return _finish(record, report)
    if not report.ok:
        report.warnings.append(
            _(
                "Строки с ошибками не загружены, остальные загружены. Исправьте эти строки и "
                "загрузите файл снова: уже загруженные строки не повторятся."
            )
        )
    total = len(items)
    reporter.progress(0, total, stage=_("Запись предложений"))
    source = ProposalChannel(record.channel).label
    proposals_record(
        campaign=campaign,
        channel=record.channel,
        items=items,
        actor=record.created_by,
        reason=_("Загружено из файла «%(f)s» (%(s)s).") % {"f": record.original_name, "s": source},
    )
    report.created = total
    reporter.progress(total, total, stage=_("Готово"))
    return _finish(record, report)


def _finish(record: ProposalImport, report: ImportReport) -> dict[str, Any]:
    result = report.as_dict()
    result["summary"] = report.summary()
    result["columns"] = record.report.get("columns", [])
    record.report = result
    record.save(update_fields=["report"])
    # The table was read to the end: its personal data now live in the rows, under their
    # access checks and erasure; the uploaded copy is not kept.
    import_files_erase([record])
    return result
