"""Where to go after a form: a `next` address is followed only on this site.

`//evil.example`, `https://evil.example`, `/\\evil.example` and `javascript:` are refused by
Django's `url_has_allowed_host_and_scheme`; a prefix check such as `startswith("/")` is not
enough (`//evil.example` starts with a slash).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: str | None, fallback: str) -> str:
    """`candidate` if it points to this site, else `fallback`."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
