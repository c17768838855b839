from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicplan.notifications.models import (
    Event,
    Follow,
    Notification,
    OutboxMessage,
    ProblemFeedback,
    Subscriber,
)
from civicplan.notifications.services.upkeep import outbox_requeue, subscribers_bounce_clear


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("__str__", "confirmed_at", "email_stopped_at", "bounced_at", "created_at")
    list_filter = (
        ("user", admin.EmptyFieldListFilter),
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("email_stopped_at", admin.EmptyFieldListFilter),
        ("bounced_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("email", "user__email")
    raw_id_fields = ("user", "consent")
    readonly_fields = ("created_at",)
    actions = ["clear_bounce"]

    @admin.action(description=_("Адрес снова принимает почту"))
    def clear_bounce(self, request: HttpRequest, queryset: QuerySet[Subscriber]) -> None:
        subscribers_bounce_clear(subscribers=queryset)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "kind", "target_id", "source", "created_at")
    list_filter = ("kind", "source")
    search_fields = ("subscriber__email", "subscriber__user__email")
    raw_id_fields = ("subscriber",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "name", "category", "created_at")
    list_filter = ("category", "name", "kind")
    search_fields = ("title",)
    date_hierarchy = "created_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subscriber", "event", "email_mode", "read_at", "created_at")
    list_filter = ("email_mode", ("read_at", admin.EmptyFieldListFilter), "event__category")
    raw_id_fields = ("subscriber", "event", "outbox")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "state", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("key", "subscriber__email", "subscriber__user__email")
    raw_id_fields = ("subscriber",)
    readonly_fields = ("created_at", "claimed_at", "claim_token", "sent_at")
    actions = ["requeue"]

    @admin.action(description=_("Отправить ещё раз (для «неизвестно» и «не доставлено»)"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = outbox_requeue(messages=queryset)
        self.message_user(
            request, _("Возвращено в очередь: %(n)d.") % {"n": count}, messages.SUCCESS
        )


@admin.register(ProblemFeedback)
class ProblemFeedbackAdmin(admin.ModelAdmin):
    list_display = ("measure", "proposal", "answer", "asked_at", "answered_at")
    list_filter = ("answer", ("answered_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("measure", "proposal", "subscriber")
