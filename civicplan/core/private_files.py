"""Private files: uploads that hold personal data (imported tables, attachments of proposals).

They live in `settings.PRIVATE_MEDIA_ROOT`, outside `MEDIA_ROOT`, so no web server and no
`/media/` view can reach them by path; their names are random (`secrets.token_urlsafe`),
never derived from a tracking code, a file name or the time. A file is served only by a view
that first authorises the reader through the entity's `access_*` selector and then calls
`private_file_response`: in production nginx sends the bytes through an `internal` location
(`X-Accel-Redirect`, see docs/production.md), without a web server Django streams them.
Files are deleted together with the rows and personal data they belong to.
"""

from __future__ import annotations

import os
import secrets
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase

# Types a browser may show in place; everything else is downloaded.
INLINE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
DOWNLOAD_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class PrivateStorage(FileSystemStorage):
    """File system storage under `PRIVATE_MEDIA_ROOT` without public URLs.

    The location is read from the settings on every use, so tests can point it elsewhere."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("A private file has no public URL; link to its permission-checked view.")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage of every private file (a callable, so migrations refer to it by name)."""
    return _storage


def private_name(folder: str, original: str = "") -> str:
    """An unguessable stored name in `folder`, keeping only a known extension of `original`."""
    suffix = PurePosixPath(original or "").suffix.lower()
    if suffix not in INLINE_TYPES and suffix not in DOWNLOAD_TYPES:
        suffix = ""
    return f"{folder}/{secrets.token_urlsafe(24)}{suffix}"


def private_file_delete(field_file: Any) -> None:
    """Remove a stored private file; a missing file is not an error."""
    if field_file and getattr(field_file, "name", ""):
        field_file.storage.delete(field_file.name)


def private_file_response(
    field_file: Any, *, filename: str, content_type: str = "", inline: bool = True
) -> HttpResponseBase:
    """The bytes of an authorised private file, never cached, never sniffed, never scripted."""
    name = getattr(field_file, "name", "") or ""
    storage = private_storage()
    if not name or not storage.exists(name):
        raise Http404
    suffix = PurePosixPath(name).suffix.lower()
    shown = INLINE_TYPES.get(suffix)
    as_attachment = not (inline and shown)
    kind = shown or DOWNLOAD_TYPES.get(suffix) or content_type or "application/octet-stream"
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if prefix:
        response: HttpResponseBase = HttpResponse(content_type=kind)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    else:
        response = FileResponse(
            storage.open(name, "rb"),
            content_type=kind,
            as_attachment=as_attachment,
            filename=filename,
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def check_private_root(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """`manage.py check`: private files must not be reachable through MEDIA_ROOT."""
    from pathlib import Path

    from django.core.checks import Error

    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if private == media or media in private.parents:
        return [
            Error(
                "PRIVATE_MEDIA_ROOT lies inside MEDIA_ROOT: files with personal data would be "
                "served publicly under /media/.",
                hint="Point PRIVATE_MEDIA_ROOT to a directory outside MEDIA_ROOT.",
                id="civicplan.E001",
            )
        ]
    return []
