from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicplan.core.errors import DomainError
from civicplan.practices.models import (
    Domain,
    Practice,
    PracticeDocument,
    PracticeResult,
    PracticeStatus,
)
from civicplan.practices.services import practice_publish


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "subindex", "order")
    list_filter = ("subindex",)
    search_fields = ("name", "code")


class PracticeResultInline(admin.TabularInline):
    model = PracticeResult
    fields = ("order", "name", "before", "after", "unit")
    extra = 1


class PracticeDocumentInline(admin.TabularInline):
    model = PracticeDocument
    fields = ("title", "file", "url")
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ("title", "municipality", "region", "year_start", "status", "is_example")
    list_filter = ("status", "is_example", "domains", "region")
    search_fields = ("title", "problem", "actions", "municipality__name")
    list_select_related = ("municipality", "region")
    autocomplete_fields = ("municipality",)
    filter_horizontal = ("domains",)
    readonly_fields = ("proposed_by", "moderated_by", "created_at", "updated_at", "published_at")
    inlines = [PracticeResultInline, PracticeDocumentInline]
    actions = ["publish"]

    @admin.action(description=_("Опубликовать выбранные практики"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Practice]) -> None:
        done = 0
        for practice in queryset.exclude(status=PracticeStatus.PUBLISHED):
            try:
                practice_publish(practice=practice, moderator=request.user)
            except DomainError as exc:
                messages.error(request, f"{practice}: {exc.message}")
            else:
                done += 1
        messages.success(request, _("Опубликовано практик: %(n)s.") % {"n": done})


@admin.register(PracticeResult)
class PracticeResultAdmin(admin.ModelAdmin):
    list_display = ("name", "practice", "before", "after", "unit")
    search_fields = ("name", "practice__title")
    list_filter = ("practice__domains",)
    list_select_related = ("practice",)


@admin.register(PracticeDocument)
class PracticeDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "practice", "file", "url")
    search_fields = ("title", "practice__title")
    list_filter = ("practice__region",)
    list_select_related = ("practice",)
