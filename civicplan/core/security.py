"""Security headers on every response: a strict Content-Security-Policy (no inline scripts,
no third-party sources) and a Permissions-Policy that switches off browser features the site
does not use. HSTS, nosniff, Referrer-Policy and frame denial come from Django's
SecurityMiddleware and XFrameOptionsMiddleware (see config/settings.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy

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
        if "Cache-Control" not in response.headers and _personal(request):
            # A signed-in person's pages (moderation, staff, «мой кабинет», API answers to a
            # token) hold personal data: no browser, proxy or shared computer keeps a copy.
            response["Cache-Control"] = "private, no-store"
        return response


def _personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    auth = getattr(request, "auth", None)
    return auth is not None and getattr(auth, "is_authenticated", False)


UNAVAILABLE_MESSAGE = gettext_lazy(
    "Сервис временно недоступен: идут технические работы с базой данных. "
    "Ваши данные не сохранены — повторите попытку через минуту."
)
BUSY_MESSAGE = gettext_lazy(
    "Сервер сейчас принимает очень много записей одновременно, и ваша запись не сохранена. "
    "Повторите отправку через несколько секунд."
)
BUSY_RETRY_AFTER = 5
UNAVAILABLE_RETRY_AFTER = 30
# Form fields never echoed back on the «not saved» page.
_SECRET_FIELDS = ("password", "csrfmiddlewaretoken", "token", "secret", "code")


def database_is_busy(exception: BaseException) -> bool:
    """True when the database is up but a write waited too long for its lock (SQLite's
    «database is locked», PostgreSQL's lock or statement timeout)."""
    text = str(exception).lower()
    return any(
        marker in text
        for marker in ("database is locked", "database table is locked", "lock timeout", "busy")
    )


def _resubmit_fields(request: HttpRequest) -> list[tuple[str, str]]:
    if request.method != "POST" or request.path.startswith("/api/"):
        return []
    try:
        items = list(request.POST.lists())
    except Exception:  # an unreadable body has nothing to give back
        return []
    return [
        (name, value)
        for name, values in items
        if not any(secret in name.lower() for secret in _SECRET_FIELDS)
        for value in values
    ]


class DatabaseUnavailableMiddleware:
    """When the database is unreachable (restart, failover) or too busy to take a write in
    time, answer 503 with Retry-After and a clear message instead of a bare 500, so that a
    sender knows his submission was not accepted. A form's text comes back on the page with
    a button that sends it again, so nothing typed is lost."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import InterfaceError, OperationalError

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        busy = database_is_busy(exception)
        logger.warning(
            "Database %s on %s %s: %s",
            "busy" if busy else "unavailable",
            request.method,
            request.path,
            exception,
        )
        message = str(BUSY_MESSAGE if busy else UNAVAILABLE_MESSAGE)
        retry_after = BUSY_RETRY_AFTER if busy else UNAVAILABLE_RETRY_AFTER
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {
                    "detail": message,
                    "code": "database_busy" if busy else "service_unavailable",
                    "field": None,
                    "errors": [],
                },
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = HttpResponse(
                _unavailable_page(request, message=message, busy=busy),
                status=503,
                content_type="text/html; charset=utf-8",
            )
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "no-store"
        return response


def _unavailable_page(request: HttpRequest, *, message: str, busy: bool) -> str:
    """A self-contained page (no database, no context processors) with the sender's form
    fields in a form that posts them again."""
    from django.middleware.csrf import get_token
    from django.template.loader import render_to_string
    from django.templatetags.static import static

    fields = _resubmit_fields(request)
    return render_to_string(
        "core/unavailable.html",
        {
            "title": str(
                gettext_lazy("Запись не сохранена")
                if busy
                else gettext_lazy("Сервис временно недоступен")
            ),
            "message": message,
            "fields": fields,
            "texts": [value for _name, value in fields if len(value) > 30],
            "action": request.get_full_path(),
            "csrf_token": get_token(request) if fields else "",
            "stylesheet": static("core/site.css"),
        },
    )
