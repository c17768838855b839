"""The DOCX importer: sections from headings, numbered paragraphs, lists and tables kept,
and a Russian report of what was skipped; bad files refused with nothing saved."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from civicplan.core.errors import Conflict, Forbidden, InvalidInput
from civicplan.core.jobs import job_run
from civicplan.drafts.importing import docx_parse, version_import, version_import_start
from civicplan.drafts.models import DraftParagraph, DraftVersion
from civicplan.drafts.testing import DRAFT_TITLE, draft_make, sample_docx, version_imported

pytestmark = pytest.mark.django_db


def _docx(build: Any) -> bytes:
    doc = Document()
    build(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_headings_become_sections_and_paragraphs_are_numbered(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)

    version = version_imported(draft, world.editor, problems=False)

    sections = [(s.number, s.title, s.level) for s in version.sections.order_by("order")]
    assert sections[:3] == [
        ("1", "Общие положения", 1),
        ("2", "Приоритеты развития", 1),
        ("2.1", "Малые города", 2),
    ]
    numbers = list(version.paragraphs.order_by("order").values_list("number", "kind"))
    assert numbers[:4] == [("1.1", "text"), ("2.1.1", "text"), ("2.1.2", "text"), ("2.1.3", "list")]
    listed = version.paragraphs.get(kind="list")
    assert listed.html.startswith("<ul><li>строительство и ремонт школ")
    table = version.paragraphs.get(kind="table")
    assert "<th" in table.html and "Ожидаемая продолжительность жизни, лет" in table.text
    assert version.status == "draft" and version.number == 1
    assert version.import_report["title"] == DRAFT_TITLE


def test_report_says_what_was_skipped_in_russian(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)

    version = version_imported(draft, world.editor, problems=True)

    report = version.import_report
    skipped = " ".join(s["what"] for s in report["skipped"])
    assert "рисунок" in skipped and "примечания рецензентов Word (1)" in skipped
    notes = " ".join(report["notes"])
    assert "после «2.1» идёт «2.3»" in notes
    assert "непринятые исправления" in notes
    # The tracked insertion is taken as accepted.
    personnel = version.paragraphs.get(number="2.3.1")
    assert personnel.text.endswith("Работодатели участвуют в софинансировании.")


def test_a_file_that_is_not_docx_is_refused_and_nothing_saved(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    with pytest.raises(InvalidInput) as refused:
        version_import(
            draft=draft,
            source=io.BytesIO(b"PK\x03\x04broken"),
            actor=world.editor,
            name="проект.docx",
        )
    assert "не читается как документ Word" in refused.value.message
    assert not DraftVersion.objects.exists()


def test_a_document_without_text_is_refused(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    empty = _docx(lambda doc: doc.add_heading("1. Общие положения", 1))
    with pytest.raises(InvalidInput) as refused:
        version_import(draft=draft, source=io.BytesIO(empty), actor=world.editor, name="пусто.docx")
    assert "нет ни одного абзаца" in refused.value.message


def test_bold_numbered_lines_are_headings_and_duplicate_numbers_do_not_repeat(world: Any) -> None:
    def build(doc: Any) -> None:
        doc.add_paragraph().add_run("1. Цели").bold = True
        doc.add_paragraph("Рост доходов населения выше инфляции.")
        doc.add_paragraph().add_run("1. Задачи").bold = True
        doc.add_paragraph("Создать 20 тысяч рабочих мест.")

    document, report = docx_parse(io.BytesIO(_docx(build)))
    draft = draft_make(world.campaign, world.editor)
    from civicplan.drafts.services import version_create_from_document

    version = version_create_from_document(draft=draft, document=document, actor=world.editor)

    assert [s.title for s in document.sections] == ["Цели", "Задачи"]
    numbers = list(version.paragraphs.order_by("order").values_list("number", flat=True))
    assert numbers == ["1.1", "п. 2"]
    assert any("встречается дважды" in n for n in report.notes)


def test_import_runs_as_a_job_with_its_report(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    upload = io.BytesIO(sample_docx())

    job = version_import_start(draft=draft, upload=upload, name="проект.docx", actor=world.editor)
    job = job_run(job_id=job.pk) or job
    job.refresh_from_db()

    assert job.state == "succeeded", job.error
    assert job.result["ok"] and job.result["version_number"] == 1
    assert DraftParagraph.objects.filter(version_id=job.result["version_id"]).count() == 7


def test_only_editors_of_the_region_import(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    with pytest.raises(Forbidden):
        version_import_start(
            draft=draft, upload=io.BytesIO(sample_docx()), name="x.docx", actor=world.other_editor
        )
    with pytest.raises(InvalidInput):
        version_import_start(
            draft=draft, upload=io.BytesIO(b"%PDF-1.4"), name="x.pdf", actor=world.editor
        )


def test_a_second_import_waits_for_the_unpublished_version(world: Any) -> None:
    draft = draft_make(world.campaign, world.editor)
    version_imported(draft, world.editor)
    with pytest.raises(Conflict):
        version_imported(draft, world.editor)
