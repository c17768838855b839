"""/api/v1/notifications/: my notifications, unread count, follows."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema, Status

from civicplan.accounts.auth import api_auth, require_scope
from civicplan.accounts.scopes import NOTIFICATIONS_MANAGE
from civicplan.core.i18n import gettext_lazy
from civicplan.notifications.selectors import follows_for, notifications_for, unread_count
from civicplan.notifications.services import (
    follow_add,
    follow_remove,
    notifications_mark_read,
    subscriber_for_user,
)

router = Router(tags=[gettext_lazy("Уведомления")])


class NotificationOut(Schema):
    id: int
    title: str
    text: str
    url: str
    category: str
    created_at: datetime
    read: bool


class CountOut(Schema):
    unread: int


class FollowIn(Schema):
    kind: str
    target_id: int


class FollowOut(Schema):
    kind: str
    target_id: int
    title: str
    url: str
    source: str


class ReadIn(Schema):
    ids: list[int] | None = None


@router.get("/", response=list[NotificationOut], auth=api_auth)
def notification_list(request: HttpRequest, unread: bool = False, limit: int = 50) -> list[dict]:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    rows = notifications_for(user, unread_only=unread)[: max(1, min(limit, 200))]
    return [
        {
            "id": n.pk,
            "title": n.event.title,
            "text": n.event.text,
            "url": n.event.url,
            "category": n.event.category,
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in rows
    ]


@router.get("/unread", response=CountOut, auth=api_auth)
def notification_unread(request: HttpRequest) -> dict:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    return {"unread": unread_count(user)}


@router.post("/read", response=CountOut, auth=api_auth)
def notification_read(request: HttpRequest, payload: ReadIn) -> dict:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    notifications_mark_read(subscriber=subscriber_for_user(user), ids=payload.ids)
    return {"unread": unread_count(user)}


@router.get("/follows", response=list[FollowOut], auth=api_auth)
def follow_list(request: HttpRequest) -> list[dict]:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    return [
        {
            "kind": row.follow.kind,
            "target_id": row.follow.target_id,
            "title": row.title,
            "url": row.url,
            "source": row.follow.source,
        }
        for row in follows_for(subscriber_for_user(user))
    ]


@router.post("/follows", response={201: FollowIn}, auth=api_auth)
def follow_create(request: HttpRequest, payload: FollowIn) -> Status:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    follow_add(subscriber=subscriber_for_user(user), kind=payload.kind, target_id=payload.target_id)
    return Status(201, {"kind": payload.kind, "target_id": payload.target_id})


@router.delete("/follows/{kind}/{target_id}", response={204: None}, auth=api_auth)
def follow_delete(request: HttpRequest, kind: str, target_id: int) -> Status:
    user = require_scope(request, NOTIFICATIONS_MANAGE)
    follow_remove(subscriber=subscriber_for_user(user), kind=kind, target_id=target_id)
    return Status(204, None)
