"""Template context shared by every page: the main menu and the staff's work menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from civicplan.core.registry import nav_items, work_links


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    is_staff = bool(user and user.is_authenticated and user.is_staff)
    menu = []
    path = request.path
    for item in nav_items():
        if item.staff_only and not is_staff:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = path == url if url == "/" else path.startswith(url)
        menu.append({"label": item.label, "url": url, "current": current})
    return {"main_menu": menu, "work_menu": _work_menu(request, user)}


def _work_menu(request: HttpRequest, user: Any) -> list[dict[str, Any]]:
    """Each staff role's entry points; «Администрирование» only for who may use the admin."""
    if user is None or not user.is_authenticated:
        return []
    items = []
    for link in work_links(user):
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": link.label, "url": url, "current": request.path.startswith(url)})
    if user.is_active and user.is_staff and (user.is_superuser or _holds_a_permission(user)):
        url = reverse("admin:index")
        items.append(
            {
                "label": _("Администрирование"),
                "url": url,
                "current": request.path.startswith(url),
            }
        )
    return items


def _holds_a_permission(user: Any) -> bool:
    """Whether the admin would show this staff member anything: one EXISTS query on every page
    instead of loading all his permissions and his groups' (two queries and a set of strings,
    a tenth of a moderator's page, benchmarks/README.md «Signed-in pages inside gunicorn»)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    return Permission.objects.filter(Q(user=user) | Q(group__user=user)).exists()
