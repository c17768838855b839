"""Minutes and report of a session, as HTML (with SVG charts) and as DOCX (python-docx).

Both are built from one `SessionReport`: participants by group, agenda, sections with their
ideas, vote results and resolutions. The minutes («протокол») are the short form: attendance,
agenda, resolutions; the report («отчёт») adds every idea and the vote results with charts.
In DOCX the charts are drawn as tables with bars of block characters, since Word documents
made by python-docx cannot embed SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from civicplan.core.svg import Bar, bar_chart, format_number
from civicplan.meetings.models import (
    Idea,
    IdeaKind,
    Participant,
    Section,
    Session,
    VotingMode,
)
from civicplan.meetings.selectors import COUNTED_STATUSES, participant_counts
from civicplan.meetings.services.board import IdeaResult, section_results, section_vote_counts
from civicplan.reports.documents import docx_bytes, docx_centered, docx_document, docx_table

KIND_COLORS = {"challenge": "#b45309", "proposal": "#1d4ed8", "risk": "#b91c1c"}


@dataclass
class SectionReport:
    section: Section
    ideas_total: int
    ideas_by_kind: dict[str, int]
    merged: int
    results: list[IdeaResult]
    merged_texts: dict[int, list[str]]  # survivor's pk → the wordings merged into it
    counts: dict[str, int]
    chart: SafeString
    resolutions: list[Any]

    @property
    def unit(self) -> str:
        return _("баллов") if self.section.voting_mode == VotingMode.PAIRWISE else _("голосов")


@dataclass
class GroupRow:
    group: str
    label: str
    registered: int
    attended: int
    participants: list[Participant] = field(default_factory=list)


@dataclass
class SessionReport:
    session: Session
    kind: str  # "minutes" or "report"
    generated_at: Any
    groups: list[GroupRow]
    sections: list[SectionReport]
    attendance_chart: SafeString

    @property
    def title(self) -> str:
        return _("Протокол") if self.kind == "minutes" else _("Отчёт")

    @property
    def registered_total(self) -> int:
        return sum(g.registered for g in self.groups)

    @property
    def attended_total(self) -> int:
        return sum(g.attended for g in self.groups)


def session_report_build(session: Session, *, kind: str = "report") -> SessionReport:
    counts = participant_counts([session])[session.pk]
    participants: list[Participant] = []
    if kind == "minutes":  # only the minutes name the participants
        participants = list(
            Participant.objects.filter(session=session, status__in=COUNTED_STATUSES).order_by(
                "last_name", "first_name"
            )
        )
    groups = [
        GroupRow(
            group=g.group,
            label=g.label,
            registered=g.registered,
            attended=g.attended,
            participants=[p for p in participants if p.group == g.group],
        )
        for g in counts.groups
    ]
    # The chart shows the same count as the table's total and the calendar (`total`).
    attendance_chart = bar_chart(
        [Bar(label=g.label, value=counts.of(g)) for g in counts.groups if g.registered],
        title=_("Присутствовали, по группам")
        if counts.attendance_taken
        else _("Зарегистрированы, по группам"),
        unit=(_("человек"), _("человека"), _("человек")),
    )
    sections = []
    for section in session.sections.select_related("direction").order_by("order", "pk"):
        all_ideas = list(Idea.objects.filter(section=section))
        results = section_results(section)
        top = results[:10]
        chart = bar_chart(
            [
                Bar(
                    label=r.idea.public_text,
                    value=r.value,
                    color=KIND_COLORS.get(r.idea.kind),
                )
                for r in top
            ],
            title=_("Приоритеты секции «%(s)s»") % {"s": section.title},
            unit=(_("балл"), _("балла"), _("баллов"))
            if section.voting_mode == VotingMode.PAIRWISE
            else (_("голос"), _("голоса"), _("голосов")),
        )
        sections.append(
            SectionReport(
                section=section,
                ideas_total=len(all_ideas),
                ideas_by_kind={
                    str(label): sum(1 for i in all_ideas if i.kind == value)
                    for value, label in IdeaKind.choices
                },
                merged=sum(1 for i in all_ideas if i.merged_into_id is not None),
                results=results,
                merged_texts=_merged_texts(all_ideas),
                counts=section_vote_counts(section),
                chart=chart,
                resolutions=list(
                    section.resolutions.select_related("direction", "proposal").order_by(
                        "order", "pk"
                    )
                ),
            )
        )
    return SessionReport(
        session=session,
        kind=kind,
        generated_at=timezone.now(),
        groups=groups,
        sections=sections,
        attendance_chart=attendance_chart,
    )


def _merged_texts(ideas: list[Idea]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for idea in sorted(ideas, key=lambda i: i.pk):
        if idea.merged_into_id is not None:
            out.setdefault(idea.merged_into_id, []).append(idea.public_text)
    return out


def _merged_note(texts: list[str] | None) -> str:
    if not texts:
        return ""
    return "; " + _("объединено с ней: %(t)s") % {"t": "; ".join(f"«{t}»" for t in texts)}


def _local(value: Any, session: Session, fmt: str) -> str:
    import zoneinfo

    from django.utils import dateformat

    try:
        tz = zoneinfo.ZoneInfo(session.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = timezone.get_current_timezone()
    return dateformat.format(value.astimezone(tz), fmt)


def session_report_docx(report: SessionReport) -> bytes:
    """The minutes or report as a Word document."""
    session = report.session
    doc = docx_document(size=12)

    docx_centered(doc.add_heading(f"{report.title}", level=0))
    docx_centered(
        doc.add_paragraph(_("стратегической сессии «%(title)s»") % {"title": session.title})
    )

    facts = [
        (
            _("Дата и время"),
            _local(session.starts_at, session, "j E Y, H:i")
            + " — "
            + _local(session.ends_at, session, "H:i")
            + f" ({session.timezone})",
        ),
        (_("Уровень"), session.get_level_display()),
        (_("Формат"), session.get_format_display()),
        (_("Место"), session.place or session.online_url or "—"),
        (_("Тема"), session.theme or "—"),
        (_("Организаторы"), session.organiser_names or "—"),
        (
            _("Участники"),
            _("зарегистрировано %(r)d, присутствовало %(a)d")
            % {"r": report.registered_total, "a": report.attended_total},
        ),
    ]
    docx_table(doc, None, facts, columns=2)

    doc.add_heading(_("Участники по группам"), level=1)
    docx_table(
        doc,
        [_("Группа"), _("Зарегистрировано"), _("Присутствовало")],
        [(g.label, g.registered, g.attended) for g in report.groups],
    )
    if report.kind == "minutes":
        for g in report.groups:
            if not g.participants:
                continue
            doc.add_paragraph(g.label, style="Heading 3")
            for p in g.participants:
                line = p.full_name
                if p.organisation:
                    line += f", {p.organisation}"
                if p.position:
                    line += f", {p.position}"
                doc.add_paragraph(line, style="List Bullet")

    agenda = list(session.agenda.all())
    if agenda:
        doc.add_heading(_("Программа"), level=1)
        for item in agenda:
            text = f"{_local(item.starts_at, session, 'H:i')} — {item.title}"
            if item.speaker:
                text += f" ({item.speaker})"
            doc.add_paragraph(text, style="List Bullet")

    for number, sr in enumerate(report.sections, 1):
        section = sr.section
        doc.add_heading(
            _("Секция %(n)d. %(title)s") % {"n": number, "title": section.title}, level=1
        )
        doc.add_paragraph(_("Вопрос: %(q)s") % {"q": section.question})
        if section.moderator_name:
            doc.add_paragraph(_("Модератор: %(m)s") % {"m": section.moderator_name})
        doc.add_paragraph(
            _("Идей: %(n)d (%(kinds)s), объединено дубликатов: %(m)d. %(mode)s.")
            % {
                "n": sr.ideas_total,
                "kinds": ", ".join(f"{k} — {v}" for k, v in sr.ideas_by_kind.items()),
                "m": sr.merged,
                "mode": section.get_voting_mode_display().capitalize(),
            }
        )
        if report.kind == "report" and sr.results:
            doc.add_heading(_("Результаты голосования"), level=2)
            top = max((r.value for r in sr.results), default=0) or 1
            docx_table(
                doc,
                ["№", _("Идея"), sr.unit.capitalize(), ""],
                [
                    (
                        rank,
                        f"{r.idea.public_text} ({r.idea.get_kind_display()})"
                        + _merged_note(sr.merged_texts.get(r.idea.pk)),
                        format_number(r.value),
                        "█" * max(0, round(r.value / top * 15)),
                    )
                    for rank, r in enumerate(sr.results, 1)
                ],
            )
        if sr.resolutions:
            doc.add_heading(_("Решили"), level=2)
            for res in sr.resolutions:
                para = doc.add_paragraph(style="List Number")
                para.add_run(f"{res.title}. ").bold = True
                para.add_run(res.text)
                para.add_run(
                    " " + _("Направление: %(d)s.") % {"d": res.direction.title}
                ).italic = True
                if res.proposal_id:
                    para.add_run(
                        " " + _("Предложение № %(c)s.") % {"c": res.proposal.public_number}
                    )
    doc.add_paragraph()
    doc.add_paragraph(
        _("Документ сформирован %(when)s.")
        % {"when": _local(report.generated_at, session, "j E Y, H:i")}
    )
    return docx_bytes(doc)
