"""What middleware adds to a request, typed: `is_htmx(request)` (django-htmx) and
`api_user(request)` (django-ninja's authenticated user)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx sent (django-htmx's `request.htmx`)."""
    return bool(getattr(request, "htmx", False))


def htmx_details(request: HttpRequest) -> Any:
    """django-htmx's details of the request (target, trigger, ...)."""
    return getattr(request, "htmx", None)


def api_user(request: HttpRequest) -> Any:
    """The user django-ninja authenticated for this API request (`request.auth`)."""
    return getattr(request, "auth", None)
