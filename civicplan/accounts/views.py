"""Sign-in, sign-out, the profile page and the published policy texts."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from civicplan.accounts.models import PolicyDocument


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    roles = request.user.roles.select_related("region", "municipality")  # type: ignore[union-attr]
    return render(request, "accounts/profile.html", {"roles": roles})


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
