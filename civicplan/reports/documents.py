"""Documents as downloads: content types, the attachment response, DOCX building, DOCX → PDF.

Every DOCX of the platform (the strategy, the minutes and report of a session, the summary of
a draft's discussion) starts from `docx_document` (the house font, landscape for wide
tables), writes small tables with `docx_table` and large ones through `docx_table_slot` +
`DocxTable`, and ends with `docx_bytes`: python-docx is used nowhere else.

Every file the platform hands out (XLSX, CSV, DOCX, PDF) leaves through `attachment`, so
the name is encoded the same way (Cyrillic names survive) and the type is always right.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.http import HttpResponse
from django.utils.encoding import escape_uri_path

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CSV = "text/csv; charset=utf-8"


def attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A response that the browser saves as `filename` (RFC 6266, UTF-8 names allowed)."""
    response = HttpResponse(content, content_type=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    if ascii_name == filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    else:
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{escape_uri_path(filename)}"
        )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def docx_response(content: bytes, *, filename: str) -> HttpResponse:
    return attachment(content, filename=filename, content_type=DOCX)


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    return attachment(content, filename=filename, content_type=PDF)


def docx_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes | None:
    """Convert with `libreoffice --headless` when LibreOffice is installed; None otherwise."""
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        subprocess.run(
            [binary, "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        target = Path(folder) / "document.pdf"
        return target.read_bytes() if target.exists() else None


_XML_UNSAFE = str.maketrans({ch: " " for ch in map(chr, range(32)) if ch not in "\t\n\r"})


@dataclass
class DocxTable:
    """A bordered table for `docx_bytes`: a bold header row repeated on every page, rows of
    text (a line break inside a cell starts a new paragraph), widths in centimetres."""

    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    widths_cm: Sequence[float] | None = None


def _docx_cell_xml(text: str, *, bold: bool, width: int | None) -> str:
    width_xml = f'<w:tcW w:w="{width}" w:type="dxa"/>' if width else ""
    run_props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    body = "".join(
        f'<w:p><w:r>{run_props}<w:t xml:space="preserve">{xml_escape(line)}</w:t></w:r></w:p>'
        for line in text.translate(_XML_UNSAFE).replace("\r", "").split("\n")
    )
    return f"<w:tc><w:tcPr>{width_xml}</w:tcPr>{body}</w:tc>"


def _docx_table_xml(table: DocxTable) -> str:
    count = len(table.header)
    twips = [int(w * 567) for w in table.widths_cm] if table.widths_cm else [None] * count
    grid = "".join(f'<w:gridCol w:w="{w or 0}"/>' for w in twips)

    def row(values: Sequence[object], *, bold: bool) -> str:
        return "".join(
            _docx_cell_xml("" if v is None else str(v), bold=bold, width=w)
            for v, w in zip(values, twips, strict=True)
        )

    parts = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
        '<w:tblLook w:val="04A0"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{row(table.header, bold=True)}</w:tr>"
    ]
    parts.extend(f"<w:tr>{row(values, bold=False)}</w:tr>" for values in table.rows)
    parts.append("</w:tbl>")
    return "".join(parts)


def docx_table_slot(document: Any) -> str:
    """Reserve the place of a large table in a python-docx `document` (a marker paragraph);
    `docx_bytes` puts the table there. Returns the marker."""
    marker = f"civicplan-table-{uuid.uuid4().hex}"
    document.add_paragraph(marker)
    return marker


def docx_bytes(document: Any, *, tables: Mapping[str, DocxTable] | None = None) -> bytes:
    """The saved document, with each reserved slot replaced by its table.

    python-docx's `add_row()`/`cell.text` (and even moving a parsed table into the body) take
    many seconds on a table of thousands of rows; the table's XML is written as text into
    `word/document.xml` instead, which takes about a second for 5,000 rows."""
    buffer = io.BytesIO()
    document.save(buffer)
    if not tables:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    xml = source.read("word/document.xml").decode("utf-8")
    for marker, table in tables.items():
        slot = re.compile(r"<w:p>(?:(?!</w:p>).)*?" + re.escape(marker) + r".*?</w:p>", re.S)
        found = slot.search(xml)
        if found is None:
            raise ValueError(f"No table slot {marker} in the document")
        xml = xml[: found.start()] + _docx_table_xml(table) + xml[found.end() :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else None
            target.writestr(item, data if data is not None else source.read(item.filename))
    return out.getvalue()


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
