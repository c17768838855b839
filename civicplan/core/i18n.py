"""Lazy translations for APIs typed `str` (django-ninja's `summary`, pydantic's `description`).

Django's `gettext_lazy` returns a promise that these annotations do not accept, although ninja
renders the OpenAPI schema through Django's JSON encoder, which turns the promise into text in
the language of the request. The name stays `gettext_lazy`, so `makemessages` extracts it.
"""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _gettext_lazy


def gettext_lazy(message: str) -> str:
    """`message`, translated when it is rendered; typed as `str` for ninja and pydantic."""
    return cast(str, _gettext_lazy(message))
