"""The DOCX importer: a Word document becomes an unpublished version of the draft.

Headings (the «Заголовок N» / «Heading N» styles, or a short bold line that starts with a
section number such as «2.1.») become sections; every other paragraph becomes a numbered
paragraph; consecutive list items become one paragraph of kind «список», a table one of kind
«таблица» (kept as sanitised HTML). What cannot be kept — pictures, Word comments, footnotes
— is skipped, tracked changes are taken as accepted, broken section numbering is noted: the
report says all of it in Russian, and the editor sees it before publishing.

The import runs as a `core.jobs` job; the version is written in one transaction, so a file
that fails half way leaves nothing behind.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.files.base import File
from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput
from civicplan.core.jobs import JobReporter, job_start
from civicplan.core.models import Job
from civicplan.core.private_files import private_name, private_storage
from civicplan.core.uploads import MB, office_upload_check
from civicplan.drafts.models import Draft, ParagraphKind
from civicplan.drafts.services import (
    DocumentInput,
    ParagraphInput,
    SectionInput,
    version_create_from_document,
)
from civicplan.strategy.services import strategy_require_editor

JOB_KIND = "drafts.import"
IMPORT_MAX_BYTES = 30 * MB
REPORT_MAX = 200

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|заголовок)\s*(\d)", re.IGNORECASE)
_TITLE_STYLES = {"title", "название", "заголовок"}
# Style names (English or Russian Word) of a table of contents and of numbered lists.
_TOC_STYLE_PREFIXES = ("toc", "оглавление")
_NUMBERED_STYLE_WORDS = ("number", "нумер")
_LIST_STYLE = re.compile(r"^(?:list|список|маркированный|нумерованный)", re.IGNORECASE)
_NUMBERED = re.compile(
    r"^(?:(?:раздел|глава)\s+)?(\d{1,3}(?:\.\d{1,3}){0,5})\.?(?:\s+|\s*[.)]\s*)(\S.*)$",
    re.IGNORECASE,
)


@dataclass
class ImportReport:
    """What the importer did and what it skipped, in Russian, kept small."""

    skipped: list[dict[str, str]] = field(default_factory=list)
    skipped_total: int = 0
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    title: str = ""

    def skip(self, what: str, where: str) -> None:
        self.skipped_total += 1
        if len(self.skipped) < REPORT_MAX:
            self.skipped.append({"what": what, "where": where})

    def note(self, text: str) -> None:
        if text not in self.notes and len(self.notes) < REPORT_MAX:
            self.notes.append(text)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def summary(self) -> str:
        return _(
            "Загружено разделов: %(s)d, пунктов: %(p)d (из них списков: %(l)d, таблиц: %(t)d)."
        ) % {
            "s": self.counts.get("sections", 0),
            "p": self.counts.get("paragraphs", 0),
            "l": self.counts.get("lists", 0),
            "t": self.counts.get("tables", 0),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "counts": self.counts,
            "skipped": self.skipped,
            "skipped_total": self.skipped_total,
            "notes": self.notes,
            "title": self.title,
        }


def _text(element: Any) -> str:
    """Visible text of a paragraph with tracked changes accepted: insertions kept, deletions
    (w:delText, moved-away runs) dropped; tabs and breaks as spaces."""
    parts: list[str] = []
    for node in element.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        if any(a.tag == f"{W}moveFrom" for a in node.iterancestors()):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        else:
            parts.append(" ")
    return " ".join("".join(parts).split())


def _style_names(document: Any) -> dict[str, str]:
    """Style id → name, read once (python-docx looks a paragraph's style up every time)."""
    names: dict[str, str] = {}
    for style in document.styles:
        try:
            names[str(style.style_id)] = str(style.name or "")
        except (KeyError, ValueError):  # a broken style definition
            continue
    return names


def _style_name(element: Any, names: dict[str, str]) -> str:
    found = element.find(f"{W}pPr/{W}pStyle")
    if found is None:
        return names.get("Normal", "Normal")
    return names.get(str(found.get(f"{W}val")), "")


def _outline_level(element: Any) -> int | None:
    found = element.find(f"{W}pPr/{W}outlineLvl")
    if found is None:
        return None
    try:
        return int(found.get(f"{W}val")) + 1
    except (TypeError, ValueError):
        return None


def _is_list_item(element: Any, style: str) -> bool:
    return element.find(f"{W}pPr/{W}numPr") is not None or bool(_LIST_STYLE.match(style))


def _all_bold(paragraph: Any) -> bool:
    runs = [r for r in paragraph.runs if (r.text or "").strip()]
    return bool(runs) and all(bool(r.bold) for r in runs)


class _Builder:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.document = DocumentInput()
        self.section: int | None = None
        self.counters: list[int] = []
        self.last_number = ""
        self.list_items: list[str] = []
        self.list_ordered = False
        self.seen_numbers: set[str] = set()

    def where(self) -> str:
        if self.section is None:
            return _("в начале документа")
        s = self.document.sections[self.section]
        return _("в разделе «%(s)s»") % {"s": f"{s.number} {s.title}".strip()[:120]}

    def flush_list(self) -> None:
        if not self.list_items:
            return
        tag = "ol" if self.list_ordered else "ul"
        items = "".join(f"<li>{html.escape(t)}</li>" for t in self.list_items)
        self.document.paragraphs.append(
            ParagraphInput(
                text="\n".join(self.list_items),
                kind=ParagraphKind.LIST,
                html=f"<{tag}>{items}</{tag}>",
                section=self.section,
            )
        )
        self.report.count("paragraphs")
        self.report.count("lists")
        self.list_items = []

    def heading(self, text: str, level: int, *, auto_numbered: bool) -> None:
        self.flush_list()
        number = ""
        title = text
        match = _NUMBERED.match(text)
        if match:
            number, title = match.group(1), match.group(2).strip()
            level = number.count(".") + 1
            expected = self._expected(level)
            if expected and number != expected and self.counters:
                self.report.note(
                    _(
                        "Нумерация разделов нарушена: после «%(a)s» идёт «%(b)s». Номера оставлены как в документе — проверьте их."
                    )
                    % {"a": self.last_number or "—", "b": number}
                )
            self.counters = [int(p) for p in number.split(".")]
        elif auto_numbered:
            # Word numbers the heading itself: count it the same way.
            counters = self.counters[:level] + [0] * max(0, level - len(self.counters))
            counters[level - 1] += 1
            self.counters = counters
            number = ".".join(str(n) for n in counters)
        if number and number in self.seen_numbers:
            self.report.note(
                _(
                    "Номер раздела «%(n)s» встречается дважды: пункты второго раздела пронумерованы по порядку («п. N»)."
                )
                % {"n": number}
            )
        if number:
            self.seen_numbers.add(number)
            self.last_number = number
        self.document.sections.append(SectionInput(title=title[:500], number=number, level=level))
        self.section = len(self.document.sections) - 1
        self.report.count("sections")

    def _expected(self, level: int) -> str:
        counters = self.counters[:level] + [0] * max(0, level - len(self.counters))
        counters[level - 1] += 1
        return ".".join(str(n) for n in counters)

    def paragraph(self, text: str) -> None:
        self.flush_list()
        self.document.paragraphs.append(ParagraphInput(text=text, section=self.section))
        self.report.count("paragraphs")

    def list_item(self, text: str, ordered: bool) -> None:
        if not self.list_items:
            self.list_ordered = ordered
        self.list_items.append(text)

    def table(self, table: Any) -> None:
        self.flush_list()
        rows_html: list[str] = []
        rows_text: list[str] = []
        for r, row in enumerate(table.rows):
            cells: list[str] = []
            seen: set[int] = set()
            try:
                row_cells = list(row.cells)
            except (IndexError, ValueError):  # a malformed merged cell
                row_cells = []
                self.report.skip(_("повреждённая строка таблицы"), self.where())
            for cell in row_cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(_text(cell._tc))
            if not any(cells):
                continue
            tag = "th" if r == 0 else "td"
            scope = ' scope="col"' if r == 0 else ""
            rows_html.append(
                "<tr>" + "".join(f"<{tag}{scope}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>"
            )
            rows_text.append(" | ".join(cells))
        if not rows_text:
            self.report.skip(_("пустая таблица"), self.where())
            return
        head, body = rows_html[0], rows_html[1:]
        markup = f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
        self.document.paragraphs.append(
            ParagraphInput(
                text="\n".join(rows_text),
                kind=ParagraphKind.TABLE,
                html=markup,
                section=self.section,
            )
        )
        self.report.count("paragraphs")
        self.report.count("tables")


def _inspect(element: Any, builder: _Builder) -> None:
    """Note what a block holds that the site does not keep."""
    report = builder.report
    images = len(element.findall(f".//{W}drawing")) + len(element.findall(f".//{W}pict"))
    if images:
        report.skip(
            _("рисунок или схема (%(n)d) — на сайте не показываются, опишите их текстом")
            % {"n": images},
            builder.where(),
        )
    comments = len(element.findall(f".//{W}commentReference"))
    if comments:
        report.count("word_comments", comments)
    changes = (
        len(element.findall(f".//{W}ins"))
        + len(element.findall(f".//{W}del"))
        + len(element.findall(f".//{W}moveTo"))
        + len(element.findall(f".//{W}moveFrom"))
    )
    if changes:
        report.count("tracked_changes", changes)
    notes = len(element.findall(f".//{W}footnoteReference")) + len(
        element.findall(f".//{W}endnoteReference")
    )
    if notes:
        report.skip(_("сноска (%(n)d) — текст сносок не загружен") % {"n": notes}, builder.where())


def docx_parse(
    source: IO[bytes],
    *,
    name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[DocumentInput, ImportReport]:
    """Read a DOCX into sections and paragraphs; raise InvalidInput for a file that is not
    a readable Word document or has no text at all."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    label = name or _("документ")
    try:
        document = Document(source)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput(
            _(
                "Файл «%(n)s» не читается как документ Word (DOCX). Сохраните его в Word или LibreOffice как «Документ Word (.docx)» и загрузите снова."
            )
            % {"n": label},
            field="file",
            code="not_docx",
        ) from exc
    except Exception as exc:  # python-docx raises its own errors for broken packages
        raise InvalidInput(
            _("Файл «%(n)s» повреждён: %(e)s") % {"n": label, "e": type(exc).__name__},
            field="file",
            code="broken_docx",
        ) from exc
    report = ImportReport()
    builder = _Builder(report)
    styles = _style_names(document)
    blocks = list(document.element.body.iterchildren())
    total = len(blocks)
    for index, element in enumerate(blocks, start=1):
        if progress is not None and index % 50 == 0:
            progress(index, total)
        if element.tag == f"{W}tbl":
            _inspect(element, builder)
            builder.table(Table(element, document))
            continue
        if element.tag == f"{W}sdt":
            # A content control (often the table of contents): its paragraphs are skipped.
            report.note(
                _("Оглавление и поля содержимого пропущены: разделы берутся из заголовков.")
            )
            continue
        if element.tag != f"{W}p":
            continue
        _inspect(element, builder)
        paragraph = Paragraph(element, document)
        text = _text(element)
        if not text:
            continue
        style = _style_name(element, styles)
        lowered = style.lower()
        heading = _HEADING_STYLE.match(style)
        if lowered.startswith(_TOC_STYLE_PREFIXES):
            report.note(
                _("Оглавление и поля содержимого пропущены: разделы берутся из заголовков.")
            )
            continue
        if lowered in _TITLE_STYLES and not report.title:
            builder.flush_list()
            report.title = text[:300]
            continue
        level = int(heading.group(1)) if heading else _outline_level(element)
        numbered = element.find(f"{W}pPr/{W}numPr") is not None
        if level is not None:
            builder.heading(text, level, auto_numbered=numbered)
        elif len(text) <= 150 and _NUMBERED.match(text) and _all_bold(paragraph):
            builder.heading(text, 1, auto_numbered=False)
        elif _is_list_item(element, style):
            builder.list_item(text, ordered=any(word in lowered for word in _NUMBERED_STYLE_WORDS))
        else:
            builder.paragraph(text)
    builder.flush_list()
    if report.counts.get("word_comments"):
        report.skip(
            _("примечания рецензентов Word (%(n)d) — не загружены, текст документа сохранён")
            % {"n": report.counts["word_comments"]},
            _("по всему документу"),
        )
    if report.counts.get("tracked_changes"):
        report.note(
            _(
                "В документе были непринятые исправления (%(n)d): загружен текст так, как если бы все они были приняты."
            )
            % {"n": report.counts["tracked_changes"]}
        )
    if not builder.document.paragraphs:
        raise InvalidInput(
            _("В файле «%(n)s» нет ни одного абзаца текста.") % {"n": label},
            field="file",
            code="empty_document",
        )
    if not builder.document.sections:
        report.note(
            _(
                "В документе не найдено заголовков: все пункты в одном разделе. Оформите заголовки стилями «Заголовок 1», «Заголовок 2»."
            )
        )
    if progress is not None:
        progress(total, total)
    return builder.document, report


def version_import(*, draft: Draft, source: IO[bytes], actor: Any, name: str = "") -> Any:
    """Parse and store: the new unpublished version with its import report."""
    document, report = docx_parse(source, name=name)
    return version_create_from_document(
        draft=draft, document=document, actor=actor, import_report=report.as_dict()
    )


def version_import_start(*, draft: Draft, upload: IO[bytes], name: str, actor: Any) -> Job:
    """Check the upload, keep it privately under a random name and start the import job."""
    strategy_require_editor(user=actor, strategy=draft.strategy)
    office_upload_check(
        upload,
        name=name,
        max_bytes=IMPORT_MAX_BYTES,
        wrong_kind=_(
            "Файл «%(name)s» — не документ DOCX. Старые файлы .doc и PDF сохраните в Word или LibreOffice как «Документ Word (.docx)»."
        )
        % {"name": name},
        code="not_docx",
    )
    stored = private_storage().save(private_name("draft-imports", ".docx"), File(upload))
    try:
        return job_start(
            kind=JOB_KIND,
            title=_("Загрузка проекта из файла «%(n)s»") % {"n": name[:100]},
            params={"draft_id": draft.pk, "file": stored, "name": name[:255]},
            lock_key=f"{JOB_KIND}:{draft.pk}",
            created_by=actor,
            region_id=draft.strategy.region_id,
        )
    except Exception:
        private_storage().delete(stored)
        raise


def version_import_run(job: Job, reporter: JobReporter) -> dict[str, Any]:
    """The job handler: import the stored file; the result names the version and the report."""
    from civicplan.core.errors import DomainError

    params = job.params
    draft = Draft.objects.select_related("strategy").get(pk=params["draft_id"])
    storage = private_storage()

    def progress(done: int, total: int) -> None:
        reporter.progress(done, total, stage=_("Разбор документа"))

    try:
        reporter.progress(0, 1, stage=_("Чтение файла"))
        with storage.open(params["file"], "rb") as handle:
            try:
                document, report = docx_parse(
                    handle,
                    name=params["name"],
                    progress=progress,
                )
                reporter.progress(1, 1, stage=_("Сохранение"))
                version = version_create_from_document(
                    draft=draft,
                    document=document,
                    actor=job.created_by,
                    import_report=report.as_dict(),
                )
            except DomainError as exc:
                return {"ok": False, "file_error": exc.message}
    finally:
        storage.delete(params["file"])
    return {
        "ok": True,
        "version_id": version.pk,
        "version_number": version.number,
        **report.as_dict(),
    }
