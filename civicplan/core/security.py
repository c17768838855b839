"""Security headers on every response: a strict Content-Security-Policy (no inline scripts,
no third-party sources) and a Permissions-Policy that switches off browser features the site
does not use. HSTS, nosniff, Referrer-Policy and frame denial come from Django's
SecurityMiddleware and XFrameOptionsMiddleware (see config/settings.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
