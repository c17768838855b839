"""The «сводка предложений и замечаний» of a version, as DOCX and XLSX, in the usual form:
№, раздел/пункт, автор или организация, содержание предложения, решение, обоснование.

Public by design (it is published on the site): the author column holds only the public
signature — the organisation or the name the author chose to show, else the kind of author
(«Житель», «Эксперт»…); never an e-mail, a phone or the name kept with the personal data.
Personal data written inside a comment (a phone, an e-mail) are masked as everywhere else;
the drafting group's reasons are official text written for publication and are not.

A version with many comments is built by a job (`drafts.summary`); the files are kept in
the default storage under a name that changes with every decision (`summary_stamp`), so the
public page serves the current table without rebuilding it on every download.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from civicplan.core.private_files import private_storage
from civicplan.drafts.models import (
    AuthorKind,
    CommentKind,
    Decision,
    DraftComment,
    DraftVersion,
    ModerationStatus,
)
from civicplan.proposals.textcheck import public_text
from civicplan.reports.documents import DocxTable, docx_bytes, docx_document, docx_table_slot
from civicplan.reports.tabular import Sheet, xlsx_bytes

SUMMARY_JOB = "drafts.summary"
# Up to this many published comments the files are built inside the request (about a
# second); more are built by a job with a progress bar.
SUMMARY_INLINE_LIMIT = 1500


def summary_header() -> list[str]:
    return [
        _("№"),
        _("Раздел, пункт"),
        _("Автор или организация"),
        _("Содержание предложения"),
        _("Решение"),
        _("Обоснование"),
    ]


@dataclass(frozen=True)
class SummaryRow:
    number: int
    comment_id: int
    section: str
    paragraph: str
    author: str
    content: str
    decision: str
    decision_label: str
    reason: str

    @property
    def place(self) -> str:
        return f"{self.section}, {self.paragraph}" if self.section else self.paragraph

    def cells(self) -> list[Any]:
        return [
            self.number,
            self.place,
            self.author,
            self.content,
            self.decision_label,
            self.reason,
        ]


class _Labels:
    """The words every row repeats, translated once per table (5,000 rows would otherwise
    spend seconds in gettext and in the choices' display lookups)."""

    def __init__(self) -> None:
        self.kinds = {value: capfirst(str(label)) for value, label in AuthorKind.choices}
        self.decisions = {value: capfirst(str(label)) for value, label in Decision.choices}
        self.decisions[Decision.NONE] = _("На рассмотрении")
        self.repeat = " " + _("(повторяет замечание, см. выше)")
        self.passage = _("К фрагменту: «%(p)s»")
        self.proposed = _("Предлагаемая редакция: «%(t)s»")
        self.section = _("Раздел %(s)s")
        self.paragraph = _("п. %(n)s")
        self.sections: dict[int, str] = {}

    def section_label(self, section: Any) -> str:
        if section is None:
            return ""
        found = self.sections.get(section.pk)
        if found is None:
            number = f"{section.number} " if section.number else ""
            found = self.sections[section.pk] = self.section % {"s": f"{number}«{section.title}»"}
        return found


def public_signature(comment: DraftComment, labels: _Labels | None = None) -> str:
    """The author as the summary names him: the organisation and/or the signature he chose,
    else the kind of author («Житель»)."""
    parts = [p for p in (comment.organisation, comment.author_display_name) if p]
    if parts:
        # Not masked: the author chose this signature for publication (cleaned on arrival).
        return ", ".join(parts)
    if labels is not None:
        return labels.kinds.get(comment.author_kind, comment.author_kind)
    return capfirst(str(comment.get_author_kind_display()))


def comment_content(comment: DraftComment, labels: _Labels | None = None) -> str:
    """What the comment proposes, as the summary quotes it (personal data masked)."""
    labels = labels or _Labels()
    lines: list[str] = []
    if comment.passage:
        lines.append(labels.passage % {"p": public_text(comment.passage)})
    if comment.kind == CommentKind.AMENDMENT and comment.proposed_text:
        lines.append(labels.proposed % {"t": public_text(comment.proposed_text)})
    if comment.body:
        lines.append(public_text(comment.body))
    return "\n".join(lines)


def _decision_label(comment: DraftComment, labels: _Labels) -> str:
    label = labels.decisions.get(comment.decision, comment.decision)
    if comment.duplicate_of_id and comment.decision != Decision.NONE:
        label += labels.repeat
    return label


def summary_comments(version: DraftVersion) -> Any:
    """Published comments of a version in the order of the document."""
    return (
        DraftComment.objects.filter(paragraph__version=version, status=ModerationStatus.PUBLISHED)
        .select_related("paragraph__section")
        .only(
            "pk",
            "kind",
            "passage",
            "body",
            "proposed_text",
            "author_kind",
            "organisation",
            "author_display_name",
            "decision",
            "decision_reason",
            "duplicate_of_id",
            "paragraph__number",
            "paragraph__order",
            "paragraph__section__number",
            "paragraph__section__title",
        )
        .order_by("paragraph__order", "created_at", "pk")
    )


def summary_row(comment: DraftComment, number: int, labels: _Labels | None = None) -> SummaryRow:
    labels = labels or _Labels()
    paragraph = comment.paragraph
    return SummaryRow(
        number=number,
        comment_id=comment.pk,
        section=labels.section_label(paragraph.section),
        paragraph=labels.paragraph % {"n": paragraph.number},
        author=public_signature(comment, labels),
        content=comment_content(comment, labels),
        decision=comment.decision,
        decision_label=_decision_label(comment, labels),
        # The drafting group writes the reason for publication: it is not masked.
        reason=comment.decision_reason,
    )


def summary_rows(
    version: DraftVersion, *, offset: int = 0, limit: int | None = None
) -> Iterator[SummaryRow]:
    """Rows of the table in the document's order; `offset`/`limit` read one page of them
    (masking personal data in the texts is what costs: only the rows shown are built)."""
    comments = summary_comments(version)
    if offset or limit is not None:
        comments = comments[offset : offset + limit if limit is not None else None]
    labels = _Labels()
    for number, comment in enumerate(comments.iterator(chunk_size=2000), offset + 1):
        yield summary_row(comment, number, labels)


def summary_title(version: DraftVersion) -> str:
    return _("Сводка предложений и замечаний по проекту «%(t)s» (редакция %(n)s)") % {
        "t": version.draft.title,
        "n": version.number,
    }


def _period(version: DraftVersion) -> str:
    if version.discussion_opens and version.discussion_closes:
        return _("Общественное обсуждение проводилось с %(a)s по %(b)s.") % {
            "a": version.discussion_opens.strftime("%d.%m.%Y"),
            "b": version.discussion_closes.strftime("%d.%m.%Y"),
        }
    return ""


def summary_docx(version: DraftVersion, rows: list[SummaryRow] | None = None) -> bytes:
    document = docx_document(size=11, landscape=True, margins_cm=1.5)
    document.add_heading(summary_title(version), level=1)
    if period := _period(version):
        document.add_paragraph(period)
    document.add_paragraph(
        _("Сформировано %(d)s.") % {"d": timezone.localtime().strftime("%d.%m.%Y %H:%M")}
    )
    slot = docx_table_slot(document)
    cells = [row.cells() for row in (summary_rows(version) if rows is None else rows)]
    if not cells:
        document.add_paragraph(_("Предложений и замечаний не поступило."))
    return docx_bytes(
        document,
        tables={
            slot: DocxTable(
                header=summary_header(), rows=cells, widths_cm=[1.2, 4.0, 4.0, 8.5, 3.0, 6.0]
            )
        },
    )


def summary_xlsx(version: DraftVersion, rows: list[SummaryRow] | None = None) -> bytes:
    preamble = [[summary_title(version)]]
    if period := _period(version):
        preamble.append([period])
    return xlsx_bytes(
        [
            Sheet(
                title=_("Сводка"),
                header=summary_header(),
                rows=(row.cells() for row in (summary_rows(version) if rows is None else rows)),
                preamble=preamble,
                widths=[6, 30, 30, 70, 18, 60],
            )
        ]
    )


# --- the stored files ----------------------------------------------------------------------


def summary_stamp(version: DraftVersion) -> str:
    """Changes whenever the table would: a comment published or hidden, a decision taken."""
    facts = DraftComment.objects.filter(
        paragraph__version=version, status=ModerationStatus.PUBLISHED
    ).aggregate(
        n=Count("pk"),
        decided=Max("decided_at"),
        moderated=Max("moderated_at"),
        last=Max("pk"),
        decided_n=Count("pk", filter=~Q(decision=Decision.NONE)),
        # An erased signature (consent withdrawn, retention) must leave the table at once.
        signed=Count("pk", filter=~Q(author_display_name="")),
    )
    raw = "|".join(
        str(facts[k]) for k in ("n", "decided", "moderated", "last", "decided_n", "signed")
    )
    raw += f"|{version.draft.title}|{version.number}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def summary_count(version: DraftVersion) -> int:
    return DraftComment.objects.filter(
        paragraph__version=version, status=ModerationStatus.PUBLISHED
    ).count()


def summary_path(version: DraftVersion, stamp: str, extension: str) -> str:
    return f"drafts/summaries/version-{version.pk}-{stamp}.{extension}"


def summary_files(version: DraftVersion, *, stamp: str | None = None) -> dict[str, str] | None:
    """Paths of the current DOCX and XLSX if they were built, else None."""
    stamp = stamp or summary_stamp(version)
    paths = {ext: summary_path(version, stamp, ext) for ext in ("docx", "xlsx")}
    if all(private_storage().exists(path) for path in paths.values()):
        return paths
    return None


def summary_documents(version: DraftVersion, *, progress: Any = None) -> dict[str, bytes]:
    """Both files from one reading of the rows."""
    rows = list(summary_rows(version))
    if progress is not None:
        progress(1, 3)
    docx = summary_docx(version, rows)
    if progress is not None:
        progress(2, 3)
    xlsx = summary_xlsx(version, rows)
    if progress is not None:
        progress(3, 3)
    return {"docx": docx, "xlsx": xlsx}


def summary_build(version: DraftVersion, *, progress: Any = None) -> dict[str, str]:
    """Build both files for the current state and store them (private storage, served only
    through the summary view); returns their paths. Earlier states' files are removed."""
    storage = private_storage()
    stamp = summary_stamp(version)
    paths = {ext: summary_path(version, stamp, ext) for ext in ("docx", "xlsx")}
    if not all(storage.exists(path) for path in paths.values()):
        for extension, content in summary_documents(version, progress=progress).items():
            if not storage.exists(paths[extension]):
                storage.save(paths[extension], ContentFile(content))
    summary_files_drop([version.pk], keep=set(paths.values()))
    return paths


def summary_files_drop(version_ids: Iterable[int], *, keep: set[str] | None = None) -> None:
    """Delete the stored summary files of these versions (after an erasure, or stale ones)."""
    storage = private_storage()
    folder = "drafts/summaries"
    if not storage.exists(folder):
        return
    prefixes = tuple(f"version-{pk}-" for pk in version_ids)
    for name in storage.listdir(folder)[1]:
        path = f"{folder}/{name}"
        if name.startswith(prefixes) and path not in (keep or set()):
            storage.delete(path)


def summary_filename(version: DraftVersion, extension: str) -> str:
    return _("Сводка замечаний, редакция %(number)s.%(extension)s") % {
        "number": version.number,
        "extension": extension,
    }


def summary_labels() -> _Labels:
    """The row labels for one page or table (see `summary_row`)."""
    return _Labels()
