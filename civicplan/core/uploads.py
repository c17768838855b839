"""Uploaded files are checked by their content, never by their name.

`upload_check(file, allowed=IMAGES_AND_PDF, max_bytes=10 * MB)` returns the detected kind
and a safe extension, or raises `InvalidInput` with a Russian message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from civicplan.core.errors import InvalidInput

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extension: str


JPEG = FileKind("JPEG", "image/jpeg", "jpg")
PNG = FileKind("PNG", "image/png", "png")
GIF = FileKind("GIF", "image/gif", "gif")
WEBP = FileKind("WebP", "image/webp", "webp")
PDF = FileKind("PDF", "application/pdf", "pdf")
DOCX = FileKind(
    "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = FileKind("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

IMAGES = (JPEG, PNG, GIF, WEBP)
IMAGES_AND_PDF = (*IMAGES, PDF)
DOCUMENTS = (*IMAGES_AND_PDF, DOCX, XLSX)


def sniff(head: bytes) -> FileKind | None:
    """Recognise a file by its first bytes."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return DOCX
        if b"xl/" in head:
            return XLSX
    return None


def upload_check(
    upload: IO[bytes],
    *,
    allowed: tuple[FileKind, ...] = IMAGES_AND_PDF,
    max_bytes: int = 10 * MB,
    name: str = "",
) -> FileKind:
    display = name or getattr(upload, "name", "") or _("файл")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    upload.seek(0)
    if size > max_bytes:
        raise InvalidInput(
            _("Файл «%(name)s» слишком большой: %(size).1f МБ, допустимо не больше %(max)d МБ.")
            % {"name": display, "size": size / MB, "max": max_bytes // MB},
            code="file_too_large",
        )
    if size == 0:
        raise InvalidInput(_("Файл «%(name)s» пуст.") % {"name": display}, code="file_empty")
    head = upload.read(4096)
    upload.seek(0)
    kind = sniff(head)
    if kind is None or kind not in allowed:
        names = ", ".join(k.name for k in allowed)
        raise InvalidInput(
            _(
                "Файл «%(name)s» не похож на допустимый формат (%(names)s). Проверяется содержимое файла, а не его название."
            )
            % {"name": display, "names": names},
            code="file_type",
        )
    return kind


def office_upload_check(
    upload: IO[bytes], *, name: str, max_bytes: int, wrong_kind: str, code: str | None = None
) -> None:
    """A DOCX or XLSX to import (a zip): refused with a Russian message when it is over
    `max_bytes`, empty or not a zip at all; `wrong_kind` says what the file should have been
    (the importer itself reads the content and reports what it cannot use)."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise InvalidInput(
            _("Файл слишком большой: допустимо не больше %(n)d МБ.") % {"n": max_bytes // MB},
            field="file",
        )
    head = upload.read(4)
    upload.seek(0)
    if not head:
        raise InvalidInput(_("Файл «%(name)s» пуст.") % {"name": name}, field="file")
    if head != b"PK\x03\x04":
        raise InvalidInput(wrong_kind, field="file", code=code)
