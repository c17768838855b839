"""Sign-in (with the second factor for staff), sign-out, registration, the profile page with
the copy of one's data and erasure, and the published policy texts."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.forms import EraseForm, RegistrationForm, TwoFactorForm
from civicplan.accounts.models import PolicyDocument, TotpDevice, User
from civicplan.accounts.services import client_ip, ip_hash
from civicplan.accounts.services.personal_data import personal_data_erase, personal_data_export
from civicplan.accounts.services.registration import (
    email_confirm,
    email_confirmation_send,
    resident_register,
)
from civicplan.accounts.services.twofactor import (
    SESSION_PASSWORD_LOGIN,
    SESSION_VERIFIED,
    totp_device_get_or_start,
    totp_enrolment_open,
    totp_enrolment_send,
    totp_qr_svg,
    totp_verify,
    two_factor_required,
)
from civicplan.core.errors import DomainError, RateLimited
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.core.redirects import safe_next

PENDING = "accounts_2fa_pending"
PENDING_TTL = 300
LOGIN_LIMIT_ACCOUNT = (10, 900)
LOGIN_LIMIT_IP = (30, 900)


def login_rate_limit(request: HttpRequest, *, account: str = "", scope: str = "login") -> None:
    """Count an attempt per client address and per (address, account) pair; raises RateLimited.

    The lock falls on the source of the attempts, never on the account alone: somebody who
    types wrong passwords for another person's address from his own network locks himself,
    while the owner still signs in from his.
    """
    source = ip_hash(client_ip(request))
    rate_limit_hit(
        key=f"{scope}-ip:{source}",
        limit=LOGIN_LIMIT_IP[0],
        window=LOGIN_LIMIT_IP[1],
    )
    if account:
        rate_limit_hit(
            key=f"{scope}-pair:{source}:{ip_hash(account.strip().lower())}",
            limit=LOGIN_LIMIT_ACCOUNT[0],
            window=LOGIN_LIMIT_ACCOUNT[1],
            message=_(
                "Слишком много попыток входа в эту учётную запись с вашего адреса. Вход с него "
                "временно приостановлен: попробуйте через 15 минут или восстановите пароль."
            ),
        )


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    return safe_next(request, candidate, str(settings.LOGIN_REDIRECT_URL))


def _complete_login(request: HttpRequest, user: User, *, backend: str, verified: bool) -> None:
    login(request, user, backend=backend)
    request.session[SESSION_PASSWORD_LOGIN] = True
    if verified:
        request.session[SESSION_VERIFIED] = True


class LoginView(auth_views.LoginView):
    """Password first; staff who read personal data then go to the code page."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            login_rate_limit(request, account=request.POST.get("username", ""))
        except RateLimited as exc:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        backend = str(getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"))
        next_url = _safe_next(
            self.request, self.request.POST.get("next") or self.request.GET.get("next")
        )
        if two_factor_required(user):
            self.request.session.cycle_key()
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": backend,
                "at": time.time(),
                "next": next_url,
            }
            return redirect("accounts:two_factor")
        if not user.is_staff and not user.email_confirmed:
            email_confirmation_send(user=user)
            form.add_error(
                None,
                _(
                    "Адрес электронной почты ещё не подтверждён. Мы снова отправили ссылку "
                    "на %(email)s — откройте письмо и перейдите по ней."
                )
                % {"email": user.email},
            )
            return self.form_invalid(form)
        _complete_login(self.request, user, backend=backend, verified=False)
        return redirect(next_url)


def _pending_user(request: HttpRequest) -> tuple[User | None, dict[str, Any]]:
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - float(pending.get("at", 0)) > PENDING_TTL:
        return None, {}
    user = User.objects.filter(pk=pending.get("user") or 0, is_active=True).first()
    return user, pending


def two_factor(request: HttpRequest) -> HttpResponse:
    """Enter a code (on the first sign-in the enrolment link goes to the user's e-mail)."""
    user, pending = _pending_user(request)
    if user is None:
        request.session.pop(PENDING, None)
        messages.error(request, _("Время на ввод кода истекло. Войдите снова."))
        return redirect("accounts:login")
    device = totp_device_get_or_start(user=user)
    enrolling = device.confirmed_at is None
    form = TwoFactorForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            totp_verify(user=user, code=form.cleaned_data["code"], ip=client_ip(request))
        except DomainError as exc:
            form.add_error("code", exc.message)
            status = exc.status
        else:
            request.session.pop(PENDING, None)
            _complete_login(request, user, backend=pending["backend"], verified=True)
            return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
    elif request.method == "POST":
        status = 400
    mail_recent = False
    if request.method == "GET" and enrolling:
        # Never trust-on-first-use: the QR code goes only to the user's mailbox.
        mail_recent = not totp_enrolment_send(user=user, ip=client_ip(request))
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "mail_recent": mail_recent,
        "masked_email": _masked_email(user.email),
    }
    return render(request, "accounts/two_factor.html", context, status=status)


def _masked_email(email: str) -> str:
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


ENROL_SESSION = "accounts_2fa_enrol"


def two_factor_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind the e-mailed link: shows the QR code once, then takes the first code."""
    context: dict[str, Any] = {"form": TwoFactorForm()}
    status = 200
    if request.method == "POST" and request.POST.get("action") == "show":
        try:
            device = totp_enrolment_open(token=token, ip=client_ip(request))
        except DomainError as exc:
            context["error"], status = exc.message, exc.status
        else:
            request.session[ENROL_SESSION] = {"user": device.user_id, "at": time.time()}
            context.update(qr_svg=totp_qr_svg(device), secret=device.secret)
    elif request.method == "POST" and request.POST.get("action") == "confirm":
        enrol = request.session.get(ENROL_SESSION) or {}
        user = None
        if enrol and time.time() - float(enrol.get("at", 0)) < 30 * 60:
            user = User.objects.filter(pk=enrol.get("user") or 0, is_active=True).first()
        form = TwoFactorForm(request.POST)
        context["form"] = form
        if user is None:
            context["error"] = _("Время на подключение истекло. Войдите снова.")
            status = 403
        elif form.is_valid():
            try:
                totp_verify(
                    user=user,
                    code=form.cleaned_data["code"],
                    ip=client_ip(request),
                    enrolling=True,
                )
            except DomainError as exc:
                form.add_error("code", exc.message)
                status = exc.status
                started = TotpDevice.objects.filter(user=user).first()
                if started is not None and started.confirmed_at is None:
                    context.update(qr_svg=totp_qr_svg(started), secret=started.secret)
            else:
                request.session.pop(ENROL_SESSION, None)
                pending_user, pending = _pending_user(request)
                if pending_user is not None and pending_user.pk == user.pk:
                    request.session.pop(PENDING, None)
                    _complete_login(request, user, backend=pending["backend"], verified=True)
                    return redirect(pending.get("next") or settings.LOGIN_REDIRECT_URL)
                context["done"] = True
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


class LogoutView(auth_views.LogoutView):
    pass


def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            login_rate_limit(request, scope="register")
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, exc.message)
            return render(request, "accounts/register.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                resident_register(
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    consent=data["consent"],
                    ip=client_ip(request),
                    user_agent=request.META.get("HTTP_USER_AGENT", ""),
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                request.session["accounts_registered_email"] = data["email"]
                return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form}, status=status)


def register_done(request: HttpRequest) -> HttpResponse:
    email = request.session.get("accounts_registered_email", "")
    return render(request, "accounts/register_done.html", {"email": email})


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = email_confirm(token=token)
    except DomainError as exc:
        return render(request, "accounts/confirm.html", {"error": exc.message}, status=exc.status)
    return render(request, "accounts/confirm.html", {"confirmed_user": user})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # signed in (login_required)
    roles = user.roles.select_related("region", "municipality")
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": roles,
            "erase_form": EraseForm(),
            "two_factor": two_factor_required(user),
            "device": device,
        },
    )


@login_required
def data_export(request: HttpRequest) -> HttpResponse:
    data = personal_data_export(user=request.user, ip=client_ip(request))  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="civicplan-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def data_erase(request: HttpRequest) -> HttpResponse:
    form = EraseForm(request.POST)
    user = request.user
    if not form.is_valid():
        roles = user.roles.select_related("region", "municipality")  # type: ignore[union-attr]
        return render(
            request,
            "accounts/profile.html",
            {"roles": roles, "erase_form": form, "two_factor": two_factor_required(user)},
            status=400,
        )
    try:
        personal_data_erase(user=user, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    logout(request)
    return render(request, "accounts/erased.html")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            login_rate_limit(request, account=request.POST.get("email", ""), scope="reset")
        except RateLimited as exc:
            form = self.get_form()
            form.is_valid()
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


def policy(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in PolicyDocument.Kind.values:
        raise Http404
    versions = list(PolicyDocument.objects.filter(kind=kind).order_by("-effective_from"))
    if not versions:
        raise Http404
    return render(
        request,
        "accounts/policy.html",
        {"policy": versions[0], "older": versions[1:]},
    )


def admin_login_redirect(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the site's login (rate limits and the second factor)."""
    next_url = (
        _safe_next(request, request.GET.get("next")) if request.GET.get("next") else "/admin/"
    )
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
