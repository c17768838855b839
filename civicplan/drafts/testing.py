"""Helpers for the drafts tests and journeys (reused by the answers, summary and version
tests): a realistic draft strategy as a DOCX, a draft over the demo campaign, people.

    docx = sample_docx()                         # bytes of a Word document
    draft = draft_make(campaign, editor)         # a Draft of the campaign's strategy
    version = version_published(draft, editor)   # imported from sample_docx, open today
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import timedelta
from typing import Any

from django.utils import timezone

EDITOR_EMAIL = "strategy@civicplan.local"
MODERATOR_EMAIL = "moderator.samara@civicplan.local"
DRAFT_TITLE = "Проект Стратегии социально-экономического развития Самарской области до 2036 года"

INTRO = (
    "Стратегия определяет цели, задачи и приоритеты социально-экономического развития "
    "Самарской области на период до 2036 года и согласована с национальными целями развития."
)
SMALL_TOWNS = (
    "Малые города области получат поддержку проектов благоустройства, если жители сами "
    "выберут общественные пространства на открытом голосовании."
)
PERSONNEL = (
    "Колледжи и предприятия вместе готовят рабочих по программам профессионалитета; "
    "выпускник получает место на предприятии-партнёре."
)
TRANSPORT = (
    "Пригородные электрички Самара — Тольятти ходят не реже одного раза в час "
    "в часы пик начиная с 2028 года."
)
MEASURES = [
    "строительство и ремонт школ в муниципальных районах;",
    "открытие центров «Мой бизнес» в каждом городском округе;",
    "газификация сёл с населением более 300 человек.",
]
TABLE = [
    ["Показатель", "2024", "2030", "2036"],
    ["Ожидаемая продолжительность жизни, лет", "72,5", "76,0", "78,0"],
    ["Доля обрабатывающих производств в ВРП, %", "24,1", "26,0", "28,5"],
]


def _tiny_png() -> bytes:
    """A 1×1 picture, enough for Word to hold an image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _tracked_insertion(paragraph: Any, text: str) -> None:
    """Append a run inside <w:ins>, as Word does with «Исправления» on."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="901" w:author="Редактор" w:date="2026-03-01T10:00:00Z">'
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>'
        )
    )


def sample_docx(*, problems: bool = True) -> bytes:
    """The draft as a ministry sends it: numbered headings, paragraphs, a bulleted list and a
    table; with `problems`, also a picture, a reviewer's comment, a tracked insertion and a
    broken section number («2.3» after «2.1»)."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.add_paragraph(DRAFT_TITLE, style="Title")
    doc.add_heading("1. Общие положения", level=1)
    intro = doc.add_paragraph(INTRO)
    doc.add_heading("2. Приоритеты развития", level=1)
    doc.add_heading("2.1. Малые города", level=2)
    doc.add_paragraph(SMALL_TOWNS)
    doc.add_paragraph("Основные мероприятия направления:")
    for item in MEASURES:
        doc.add_paragraph(item, style="List Bullet")
    doc.add_heading("2.3. Кадры для экономики" if problems else "2.2. Кадры для экономики", 2)
    personnel = doc.add_paragraph(PERSONNEL)
    doc.add_heading("3. Транспорт и связность территории", level=1)
    transport = doc.add_paragraph(TRANSPORT)
    doc.add_heading("4. Целевые показатели", level=1)
    table = doc.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for r, row in enumerate(TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    if problems:
        doc.add_picture(io.BytesIO(_tiny_png()), width=Inches(1))
        doc.add_comment(intro.runs, text="Уточнить срок", author="Юрист", initials="Ю")
        _tracked_insertion(personnel, " Работодатели участвуют в софинансировании.")
        _ = transport
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def user(email: str) -> Any:
    from civicplan.accounts.models import User

    return User.objects.get(email=email)


def draft_make(campaign: Any, editor: Any, *, title: str = DRAFT_TITLE) -> Any:
    from civicplan.drafts.services import draft_create

    return draft_create(strategy=campaign.strategy, campaign=campaign, title=title, actor=editor)


def version_imported(draft: Any, editor: Any, *, problems: bool = True) -> Any:
    from civicplan.drafts.importing import version_import

    return version_import(
        draft=draft,
        source=io.BytesIO(sample_docx(problems=problems)),
        actor=editor,
        name="проект.docx",
    )


def version_published(draft: Any, editor: Any, *, problems: bool = True, days: int = 30) -> Any:
    """The sample imported and open for comments from today for `days` days."""
    from civicplan.drafts.services import version_publish

    version = version_imported(draft, editor, problems=problems)
    today = timezone.localdate()
    return version_publish(
        version=version, actor=editor, opens=today, closes=today + timedelta(days=days)
    )


def paragraph_with(version: Any, words: str) -> Any:
    return version.paragraphs.get(text__contains=words)


def author(n: int = 1, **overrides: Any) -> Any:
    from civicplan.proposals.services import AuthorData

    values: dict[str, Any] = {
        "name": "Анна Петрова",
        "email": f"anna{n}@example.ru",
        "show_name": True,
    }
    values.update(overrides)
    return AuthorData(**values)


def comment_make(paragraph: Any, n: int = 1, **fields: Any) -> Any:
    """A comment through the service, from a distinct sender each `n`."""
    from civicplan.drafts.services import CommentInput, comment_submit

    data: dict[str, Any] = {
        "kind": "remark",
        "body": "Прошу уточнить сроки и источники финансирования.",
    }
    data.update(fields)
    return comment_submit(
        paragraph=paragraph,
        data=CommentInput(**data),
        author=author(n),
        consent_given=True,
        ip=f"10.9.{n // 250}.{n % 250}",
        user_agent="pytest",
    )


# --- browser helpers (Playwright pages; used by tests/journeys/test_drafts.py and drafts2) ---

JOURNEY_PASSAGE = "на открытом голосовании"
AMENDMENT_PASSAGE = "проектов благоустройства"


def browser_create_draft(page: Any, base: str, *, title: str) -> int:
    """The editor creates a draft on «Проект стратегии: текст и редакции»; returns its id."""
    import re

    page.goto(base + "/drafts/work/")
    page.get_by_label("Название проекта").fill(title)
    page.get_by_role("button", name="Создать").click()
    page.wait_for_url(re.compile(r"/drafts/work/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def browser_import_and_publish(page: Any, *, docx_path: str, days: int = 30) -> None:
    """On the draft's page: upload the DOCX, wait for the job's report, publish from today."""
    page.get_by_label("Документ Word (DOCX)").set_input_files(docx_path)
    page.get_by_role("button", name="Загрузить").click()
    page.wait_for_load_state()
    page.get_by_text("Создана редакция").wait_for()
    today = timezone.localdate()
    page.get_by_label("Обсуждение с").fill(today.isoformat())
    page.get_by_label("Обсуждение по (включительно)").fill(
        (today + timedelta(days=days)).isoformat()
    )
    page.get_by_role("button", name="Опубликовать для обсуждения").click()
    page.wait_for_load_state()
    page.get_by_text("опубликована и открыта для обсуждения").wait_for()


def browser_select_passage_with_keyboard(page: Any, passage: str) -> None:
    """Choose a passage in the paragraph's text field with the keyboard only: Tab into the
    field, arrows to its start, Shift + arrows over it."""
    source = page.locator("#passage-source")
    text = source.input_value()
    start = text.index(passage)
    page.get_by_role("group", name="К какому фрагменту (необязательно)").locator(
        "legend"
    ).click()  # a neutral click before the field, as a reader does; then only keys
    source.focus()
    page.keyboard.press("Control+Home")
    for _ in range(start):
        page.keyboard.press("ArrowRight")
    for _ in range(len(passage)):
        page.keyboard.press("Shift+ArrowRight")
