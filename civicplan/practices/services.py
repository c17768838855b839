"""Every write to the practice library: create, propose, publish, reject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.core.pagecache import changes_public_pages
from civicplan.practices.models import (
    Domain,
    Practice,
    PracticeDocument,
    PracticeResult,
    PracticeStatus,
)
from civicplan.territories.models import Municipality, Region


@dataclass(frozen=True)
class Figure:
    """A result in numbers as entered: name, before (optional), after, unit."""

    name: str
    after: float
    before: float | None = None
    unit: str = ""


def domains_ensure(*, domains: Sequence[tuple[str, str, str]]) -> list[Domain]:
    """Create or update the domains (code, name, sub-index code), in the given order."""
    result = []
    for order, (code, name, subindex) in enumerate(domains):
        domain, _created = Domain.objects.update_or_create(
            code=code, defaults={"name": name, "subindex": subindex, "order": order}
        )
        result.append(domain)
    return result


def _validate(
    *,
    title: str,
    problem: str,
    actions: str,
    year_start: int,
    year_end: int | None,
    domains: Sequence[Domain],
    figures: Sequence[Figure],
) -> None:
    errors: list[dict[str, Any]] = []
    for field, value, label in (
        ("title", title, _("название")),
        ("problem", problem, _("проблему")),
        ("actions", actions, _("что сделано")),
    ):
        if not value.strip():
            errors.append({"field": field, "message": _("Заполните %(label)s.") % {"label": label}})
    this_year = timezone.now().year
    if not 1990 <= year_start <= this_year:
        errors.append(
            {
                "field": "year_start",
                "message": _("Год начала должен быть от 1990 до %(y)s.") % {"y": this_year},
            }
        )
    if year_end is not None and year_end < year_start:
        errors.append(
            {"field": "year_end", "message": _("Год окончания не может быть раньше года начала.")}
        )
    if not domains:
        errors.append({"field": "domains", "message": _("Выберите хотя бы одну сферу.")})
    for figure in figures:
        if not figure.name.strip():
            errors.append({"field": "figures", "message": _("У результата в цифрах нет названия.")})
    if errors:
        raise InvalidInput(errors[0]["message"], field=errors[0]["field"], errors=errors)


def _fill(
    practice: Practice,
    *,
    domains: Sequence[Domain],
    figures: Sequence[Figure],
    documents: Sequence[tuple[str, str]],
) -> None:
    practice.domains.set(domains)
    PracticeResult.objects.bulk_create(
        [
            PracticeResult(
                practice=practice,
                name=f.name.strip(),
                before=f.before,
                after=f.after,
                unit=f.unit.strip(),
                order=i,
            )
            for i, f in enumerate(figures)
        ]
    )
    PracticeDocument.objects.bulk_create(
        [PracticeDocument(practice=practice, title=t, url=u) for t, u in documents]
    )


@changes_public_pages
@transaction.atomic
def practice_create(
    *,
    title: str,
    problem: str,
    actions: str,
    results: str,
    region: Region,
    municipality: Municipality | None,
    year_start: int,
    year_end: int | None,
    domains: Sequence[Domain],
    figures: Sequence[Figure] = (),
    documents: Sequence[tuple[str, str]] = (),
    contacts: str = "",
    is_example: bool = False,
    status: str = PracticeStatus.PUBLISHED,
    proposed_by: Any = None,
) -> Practice:
    """Add a practice (staff: published at once; municipalities go through `practice_propose`)."""
    _validate(
        title=title,
        problem=problem,
        actions=actions,
        year_start=year_start,
        year_end=year_end,
        domains=domains,
        figures=figures,
    )
    if municipality is not None and municipality.region_id != region.pk:
        raise InvalidInput(
            _("Муниципальное образование «%(m)s» не относится к региону «%(r)s».")
            % {"m": municipality.name, "r": region.name},
            field="municipality",
        )
    practice = Practice.objects.create(
        title=title.strip(),
        problem=problem.strip(),
        actions=actions.strip(),
        results=results.strip(),
        region=region,
        municipality=municipality,
        year_start=year_start,
        year_end=year_end,
        contacts=contacts.strip(),
        is_example=is_example,
        status=status,
        proposed_by=proposed_by,
        published_at=timezone.now() if status == PracticeStatus.PUBLISHED else None,
    )
    _fill(practice, domains=domains, figures=figures, documents=documents)
    return practice


@transaction.atomic
def practice_propose(
    *,
    user: Any,
    municipality: Municipality,
    allowed_municipality_ids: set[int] | None,
    title: str,
    problem: str,
    actions: str,
    results: str,
    year_start: int,
    year_end: int | None,
    domains: Sequence[Domain],
    figures: Sequence[Figure] = (),
    documents: Sequence[tuple[str, str]] = (),
    contacts: str = "",
    document_file: tuple[str, Any] | None = None,
) -> Practice:
    """A municipality proposes its practice; it waits for moderation.

    `allowed_municipality_ids` is the set the user may speak for (None — any);
    `document_file` is an uploaded document (title, checked file) stored with it.
    """
    if allowed_municipality_ids is not None and municipality.pk not in allowed_municipality_ids:
        raise Forbidden(
            _("Вы не можете предлагать практики от имени «%(m)s».") % {"m": municipality.name}
        )
    practice = practice_create(
        title=title,
        problem=problem,
        actions=actions,
        results=results,
        region=municipality.region,
        municipality=municipality,
        year_start=year_start,
        year_end=year_end,
        domains=domains,
        figures=figures,
        documents=documents,
        contacts=contacts,
        status=PracticeStatus.PROPOSED,
        proposed_by=user,
    )
    if document_file is not None:
        document_title, upload = document_file
        PracticeDocument.objects.create(practice=practice, title=document_title, file=upload)
    return practice


@changes_public_pages
@transaction.atomic
def practice_publish(*, practice: Practice, moderator: Any, note: str = "") -> Practice:
    if practice.status == PracticeStatus.PUBLISHED:
        raise InvalidInput(_("Практика уже опубликована."))
    practice.status = PracticeStatus.PUBLISHED
    practice.moderated_by = moderator
    practice.moderation_note = note.strip()
    practice.published_at = timezone.now()
    practice.save(
        update_fields=["status", "moderated_by", "moderation_note", "published_at", "updated_at"]
    )
    return practice


@changes_public_pages
@transaction.atomic
def practice_reject(*, practice: Practice, moderator: Any, note: str) -> Practice:
    if not note.strip():
        raise InvalidInput(
            _("Напишите, почему практика отклонена: автор увидит это объяснение."),
            field="note",
        )
    if practice.status == PracticeStatus.REJECTED:
        raise InvalidInput(_("Практика уже отклонена."))
    practice.status = PracticeStatus.REJECTED
    practice.moderated_by = moderator
    practice.moderation_note = note.strip()
    practice.published_at = None
    practice.save(
        update_fields=["status", "moderated_by", "moderation_note", "published_at", "updated_at"]
    )
    return practice
