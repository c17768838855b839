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
    """Whether the admin would show this staff member anything: a permission given to him or
    to one of his groups. Asked on every staff page, so it reads the two link tables by their
    indexed user columns in one small statement: the ORM's form of it (permissions joined to
    both link tables, an OR across the joins) cost about 1 ms of the database and 0.5 ms of the
    process per page on PostgreSQL, against 0.2 / 0.07 ms (benchmarks/README.md, «Staff pages:
    the admin-link check»)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection

    users = get_user_model()

    quote = connection.ops.quote_name
    own = quote(users.user_permissions.through._meta.db_table)
    member_of = quote(users.groups.through._meta.db_table)
    granted = quote(Group.permissions.through._meta.db_table)
    sql = (
        f"SELECT 1 FROM {own} WHERE {quote('user_id')} = %s "
        f"UNION ALL SELECT 1 FROM {granted} JOIN {member_of} "
        f"ON {member_of}.{quote('group_id')} = {granted}.{quote('group_id')} "
        f"WHERE {member_of}.{quote('user_id')} = %s LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        return cursor.fetchone() is not None
