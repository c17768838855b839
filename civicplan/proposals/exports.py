"""Exporting the proposal list to CSV and XLSX, with the filters of the list.

Personal data columns are added only for a moderator, only for proposals in his territory,
and each export with them is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.selectors import user_scope
from civicplan.accounts.services import audit_log_write
from civicplan.core.errors import Forbidden, InvalidInput
from civicplan.core.text import plain_text
from civicplan.proposals.models import Proposal, ProposalPersonalData
from civicplan.proposals.selectors import proposal_for_staff
from civicplan.proposals.services import MODERATOR_ROLES
from civicplan.reports.documents import CSV, XLSX
from civicplan.reports.tabular import Sheet, csv_bytes, xlsx_bytes

FORMATS = {"csv": CSV, "xlsx": XLSX}


class _Counted:
    """Rows passed through while counting them (the audit log records how many left)."""

    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
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


def proposal_export(
    *,
    qs: QuerySet[Proposal],
    fmt: str,
    actor: Any = None,
    include_personal: bool = False,
    ip: str | None = None,
) -> tuple[bytes, str, str]:
    """Render `qs` to a file; returns (content, content type, file name)."""
    if fmt not in FORMATS:
        raise InvalidInput(
            _("Выгрузка возможна в CSV или XLSX."), field="format", code="bad_format"
        )
    if include_personal:
        if user_scope(actor, MODERATOR_ROLES).is_empty:
            raise Forbidden(
                _("Персональные данные выгружают только модераторы."),
                code="personal_data_forbidden",
            )
        qs = proposal_for_staff(qs, actor)
    headers = _headers(include_personal)
    rows = _rows(qs, include_personal)
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    name = f"proposals-{stamp}.{fmt}"
    counted = _Counted(rows)
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
