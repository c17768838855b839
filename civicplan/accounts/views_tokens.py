"""The profile page where a user issues and revokes his personal API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civicplan.accounts.forms import ApiTokenForm
from civicplan.accounts.models import ApiToken
from civicplan.accounts.services import client_ip
from civicplan.accounts.services.tokens import (
    api_token_issue,
    api_token_revoke,
    api_token_scopes_allowed,
)
from civicplan.core.errors import DomainError

_SHOWN_ONCE = "accounts_new_token"


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user  # signed in (login_required)
    allowed = api_token_scopes_allowed(user)
    form = ApiTokenForm(request.POST or None, allowed_scopes=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = api_token_issue(
                user=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                lifetime_days=form.cleaned_data["lifetime_days"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            request.session[_SHOWN_ONCE] = raw
            return redirect("accounts:tokens")
    new_token = request.session.pop(_SHOWN_ONCE, None)
    items = ApiToken.objects.filter(user=user).order_by("-created_at")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": items, "new_token": new_token, "now": timezone.now()},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=request.user, token_id=pk, ip=client_ip(request))  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Токен «%(name)s» отозван.") % {"name": token.name})
    return redirect("accounts:tokens")
