"""Word documents: the one place that knows python-docx.

    document = docx_document(landscape=True)
    document.add_heading(_("Стратегия"), level=0)
    docx_table(document, [_("Показатель"), _("2030")], rows)
    return docx_bytes(document)

Every DOCX of the platform (the strategy document, the minutes and report of a session) is
built with these: the same font, a grid table with a bold header, the same way to bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any


def docx_document(
    *,
    font: str = "Times New Roman",
    size: float = 12,
    landscape: bool = False,
    margins_cm: float | None = None,
) -> Any:
    """A new document with the house font; landscape for wide tables."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    if margins_cm is not None:
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(margins_cm))
    style = document.styles["Normal"]
    style.font.name = font
    style.font.size = Pt(size)
    return document


def docx_table(
    document: Any,
    header: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    *,
    columns: int | None = None,
) -> Any:
    """A grid table: a bold header (or none), then the rows, every value written as text."""
    width = len(header) if header is not None else columns
    if width is None:
        raise ValueError("A table without a header needs `columns`.")
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if header is not None:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = "" if value is None else str(value)
    return table


def docx_centered(paragraph: Any) -> Any:
    """Centre a heading or paragraph (the title of minutes)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
