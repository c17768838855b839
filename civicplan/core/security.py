"""Security headers on every response: a strict Content-Security-Policy (no inline scripts,
no third-party sources) and a Permissions-Policy that switches off browser features the site
does not use. HSTS, nosniff, Referrer-Policy and frame denial come from Django's
SecurityMiddleware and XFrameOptionsMiddleware (see config/settings.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'self'"
)
DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    """Adds CSP and Permissions-Policy unless a view has already set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        csp = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_CSP)
        if csp:
            response.headers.setdefault("Content-Security-Policy", csp)
        permissions = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
        if permissions:
            response.headers.setdefault("Permissions-Policy", permissions)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


UNAVAILABLE_MESSAGE = (
    "Сервис временно недоступен: идут технические работы с базой данных. "
    "Ваши данные не сохранены — повторите попытку через минуту."
)


class DatabaseUnavailableMiddleware:
    """When the database is unreachable (restart, failover), answer 503 with a clear message
    instead of a bare 500, so that a sender knows his submission was not accepted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("Database unavailable on %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "detail": UNAVAILABLE_MESSAGE,
                    "code": "service_unavailable",
                    "field": None,
                    "errors": [],
                },
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = HttpResponse(
                f'<!doctype html><html lang="ru"><meta charset="utf-8">'
                f"<title>Сервис временно недоступен</title><h1>Сервис временно недоступен</h1>"
                f"<p>{UNAVAILABLE_MESSAGE}</p></html>",
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response
