"""Guards of staff sign-in: the admin uses the site's login, and a session that became staff
with access to personal data without the second factor is ended."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from civicplan.accounts.services.twofactor import SESSION_PASSWORD_LOGIN, SESSION_VERIFIED


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == reverse("admin:login"):
            from civicplan.accounts.views import admin_login_redirect

            return admin_login_redirect(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.get(SESSION_PASSWORD_LOGIN)
            and not session.get(SESSION_VERIFIED)
        ):
            from civicplan.accounts.services.twofactor import two_factor_required

            if two_factor_required(user):
                logout(request)
                messages.info(
                    request,
                    _("Для вашей роли вход возможен только с кодом из приложения. Войдите снова."),
                )
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
        return self.get_response(request)
