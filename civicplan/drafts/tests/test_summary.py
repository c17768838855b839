"""The «сводка предложений и замечаний»: DOCX and XLSX in the usual form, no personal data."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from civicplan.drafts.exports import summary_build, summary_docx, summary_files, summary_xlsx
from civicplan.drafts.models import Decision
from civicplan.drafts.services.decisions import comment_decide
from civicplan.drafts.tests.answers_data import discussion_make

pytestmark = pytest.mark.django_db

HEADER = [
    "№",
    "Раздел, пункт",
    "Автор или организация",
    "Содержание предложения",
    "Решение",
    "Обоснование",
]


def test_the_summary_lists_every_published_comment_with_its_decision_and_no_contacts(
    world: Any,
) -> None:
    found = discussion_make(world.campaign)
    c = found.comments
    comment_decide(
        comment=c["amendment"],
        decision=Decision.PARTLY,
        reason="Число центров увеличено до 12; сёла обслуживают центры районов.",
        actor=found.editor,
    )

    document = Document(io.BytesIO(summary_docx(found.version)))

    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]  # the pending one is not there
    by_text = {r[3].splitlines()[-1]: r for r in rows[1:]}
    amendment = by_text["В малых городах нужно больше центров."]
    assert amendment[1] == "Раздел 2 «Инфраструктура и экономика», п. 2.2"
    assert amendment[2] == "ООО «Волга-Агро»"
    assert "Предлагаемая редакция: «Создать 15 центров" in amendment[3]
    assert amendment[4:] == [
        "Учтено частично",
        "Число центров увеличено до 12; сёла обслуживают центры районов.",
    ]
    anna = by_text["Срок 2030 год слишком далёкий, ремонт дорог нужен раньше."]
    assert anna[2] == "Анна из Сызрани"
    assert anna[4] == "На рассмотрении"
    unsigned = by_text["Ремонт дорог надо закончить раньше 2030 года."]
    assert unsigned[2] == "Житель"
    text = "\n".join(p.text for p in document.paragraphs) + str(rows)
    for secret in ("anna@example.ru", "Пётр Иванов", "+79277654321", "927 111-22-33"):
        assert secret not in text


def test_the_workbook_has_the_same_rows_and_the_stored_files_follow_the_decisions(
    world: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    found = discussion_make(world.campaign)

    sheet = load_workbook(io.BytesIO(summary_xlsx(found.version))).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_at = values.index(HEADER)
    assert len(values) - header_at - 1 == 5
    assert values[header_at + 1][2] == "Анна из Сызрани"

    paths = summary_build(found.version)
    assert summary_files(found.version) == paths
    comment_decide(
        comment=found.comments["health"],
        decision=Decision.DECLINED,
        reason="Показатель уже есть в разделе 4.",
        actor=found.editor,
    )
    assert summary_files(found.version) is None  # a decision makes the stored table stale


def test_a_signature_the_author_chose_to_show_is_not_masked_as_a_name(world: Any) -> None:
    from civicplan.drafts.exports import public_signature
    from civicplan.drafts.tests.answers_data import comment_add

    found = discussion_make(world.campaign)
    comment = comment_add(found.roads, "Ускорить ремонт дорог.", signature="Анна Петрова")

    assert public_signature(comment) == "Анна Петрова"


def test_a_withdrawn_signature_leaves_the_stored_summary_at_once(world: Any) -> None:
    """The summary files are kept between downloads; when Анна withdraws her consent, the
    stored files that print her name are deleted and the next download no longer names her.
    They live in the private storage, never under MEDIA_ROOT."""
    from django.conf import settings

    from civicplan.core.private_files import private_storage
    from civicplan.drafts.services.withdrawal import comment_consent_withdraw

    found = discussion_make(world.campaign)
    paths = summary_build(found.version)
    storage = private_storage()
    assert all(storage.exists(p) for p in paths.values())
    assert not storage.path(paths["docx"]).startswith(str(settings.MEDIA_ROOT))

    comment_consent_withdraw(comment=found.comments["earlier"])

    assert not any(storage.exists(p) for p in paths.values())
    assert summary_files(found.version) is None
    fresh = summary_build(found.version)
    text = "\n".join(
        c.text
        for t in Document(io.BytesIO(storage.open(fresh["docx"]).read())).tables
        for r in t.rows
        for c in r.cells
    )
    assert "Анна из Сызрани" not in text and "Срок 2030 год слишком далёкий" in text
