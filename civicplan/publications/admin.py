"""Editors write news and polls here; moderators check comments and complaints."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from civicplan.core.errors import DomainError
from civicplan.publications import services
from civicplan.publications.forms import ArticleAdminForm
from civicplan.publications.models import (
    Article,
    Comment,
    CommentComplaint,
    CommentStatus,
    Poll,
    PollOption,
    PollVote,
    Tag,
)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "title",
        "state",
        "publish_at",
        "municipality",
        "views_count",
        "rating_count",
        "comments_count",
    )
    list_filter = ("state", "publish_at", "campaign", "direction", "tags")
    search_fields = ("title", "lead", "body", "slug")
    date_hierarchy = "publish_at"
    autocomplete_fields = ("municipality",)
    readonly_fields = ("reading_minutes", "views_count", "rating_sum", "rating_count")
    fieldsets = (
        (None, {"fields": ("title", "slug", "lead", "body", "tag_names")}),
        (_("Обложка"), {"fields": ("cover", "cover_alt")}),
        (
            _("Связи"),
            {"fields": ("campaign", "municipality", "direction", "event_type", "event_id", "poll")},
        ),
        (_("Публикация"), {"fields": ("state", "publish_at", "author", "byline")}),
        (
            _("Статистика"),
            {"fields": ("reading_minutes", "views_count", "rating_sum", "rating_count")},
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: Article, form: ArticleAdminForm, change: bool
    ) -> None:
        if obj.author_id is None:
            obj.author = request.user  # type: ignore[assignment]
        try:
            services.article_update(article=obj, tags=form.tag_list())
        except DomainError as err:
            messages.error(request, err.message)
            raise

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Tags are written by the service in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ComplaintInline(admin.TabularInline):
    model = CommentComplaint
    extra = 0
    readonly_fields = ("reason", "created_at")
    fields = ("reason", "created_at")
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "short_text",
        "author_name",
        "article",
        "status",
        "complaints_count",
        "created_at",
    )
    list_filter = ("status", "created_at")
    search_fields = ("text", "author_name", "article__title")
    readonly_fields = (
        "article",
        "author",
        "author_name",
        "text",
        "ip_hash",
        "consent",
        "created_at",
        "moderated_at",
        "moderated_by",
        "complaints_count",
    )
    fields = readonly_fields + ("status",)
    inlines = [ComplaintInline]
    actions = ["publish", "reject"]
    list_select_related = ("article",)

    @admin.display(description=_("текст"))
    def short_text(self, obj: Comment) -> str:
        return obj.text[:80]

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        if "status" in form.changed_data and obj.status != CommentStatus.PENDING:
            services.comment_moderate(
                comment=obj, moderator=request.user, publish=obj.status == CommentStatus.PUBLISHED
            )

    @admin.action(description=_("Опубликовать выбранные комментарии"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            services.comment_moderate(comment=comment, moderator=request.user, publish=True)
        self.message_user(request, _("Комментарии опубликованы."), messages.SUCCESS)

    @admin.action(description=_("Отклонить выбранные комментарии"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            services.comment_moderate(comment=comment, moderator=request.user, publish=False)
        self.message_user(request, _("Комментарии отклонены."), messages.SUCCESS)


class PollAdminForm(forms.ModelForm):
    class Meta:
        model = Poll
        fields = (
            "question",
            "description",
            "kind",
            "allow_other",
            "opens_at",
            "closes_at",
            "campaign",
            "municipality",
            "is_published",
        )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or self.cleaned_data
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            raise ValidationError(_("Опрос должен закрываться позже, чем открывается."))
        return data


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 3
    fields = ("text", "order", "votes_count")
    readonly_fields = ("votes_count",)


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = (
        "question",
        "kind",
        "opens_at",
        "closes_at",
        "municipality",
        "votes_count",
        "export",
    )
    list_filter = ("kind", "is_published", "opens_at", "campaign")
    search_fields = ("question", "description")
    autocomplete_fields = ("municipality",)
    readonly_fields = ("votes_count",)
    inlines = [PollOptionInline]
    form = PollAdminForm

    @admin.display(description=_("выгрузка"))
    def export(self, obj: Poll) -> str:
        return format_html(
            '<a href="{}">XLSX</a>', reverse("publications:poll_export", args=[obj.pk])
        )


@admin.register(PollVote)
class PollVoteAdmin(admin.ModelAdmin):
    list_display = ("poll", "method", "created_at", "other_text")
    list_filter = ("method", "poll", "created_at")
    search_fields = ("other_text", "poll__question")
    readonly_fields = ("poll", "options", "other_text", "user", "voter_key", "method", "ip_hash")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
