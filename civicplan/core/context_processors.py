"""Template context shared by every page: the site name and the main menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from civicplan.core.registry import nav_items


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
    return {"main_menu": menu}
