"""Documents as downloads: content types, the attachment response, DOCX → PDF.

Every file the platform hands out (XLSX, CSV, DOCX, PDF) leaves through `attachment`, so
the name is encoded the same way (Cyrillic names survive) and the type is always right.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

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
