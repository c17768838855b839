"""Administrators see the draft, its versions and the comments; personal data is shown to
those with the model permission only (the staff pages are where moderators work)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from civicplan.drafts.models import (
    Draft,
    DraftComment,
    DraftCommentGroup,
    DraftCommentPersonalData,
    DraftCommentSupport,
    DraftParagraph,
    DraftSection,
    DraftVersion,
)


class DraftVersionInline(admin.TabularInline):
    model = DraftVersion
    fields = ("number", "status", "discussion_opens", "discussion_closes", "published_at")
    readonly_fields = ("published_at",)
    extra = 0
    show_change_link = True


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ("title", "strategy", "campaign", "created_at")
    list_filter = ("strategy",)
    search_fields = ("title",)
    inlines = [DraftVersionInline]


class DraftSectionInline(admin.TabularInline):
    model = DraftSection
    fields = ("order", "number", "title", "level")
    extra = 0


@admin.register(DraftVersion)
class DraftVersionAdmin(admin.ModelAdmin):
    list_display = ("draft", "number", "status", "discussion_opens", "discussion_closes")
    list_filter = ("status",)
    readonly_fields = ("import_report", "based_on", "created_by", "created_at", "published_at")
    inlines = [DraftSectionInline]


@admin.register(DraftParagraph)
class DraftParagraphAdmin(admin.ModelAdmin):
    list_display = ("number", "version", "section", "kind", "short_text")
    list_filter = ("kind", "version__draft")
    search_fields = ("number", "text")
    raw_id_fields = ("version", "section", "answers")
    filter_horizontal = ("directions", "goals", "kpis", "measures")
    # The markup is sanitised by the services (import, editing); the admin does not bypass them.
    readonly_fields = ("lineage", "html")

    @admin.display(description=_("текст"))
    def short_text(self, obj: DraftParagraph) -> str:
        return obj.text[:80]


class CommentVersionFilter(admin.SimpleListFilter):
    """Comments of one version of one draft."""

    title = _("редакция")
    parameter_name = "version"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        versions = DraftVersion.objects.select_related("draft").order_by("draft", "number")
        return [(str(v.pk), str(v)) for v in versions]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(paragraph__version_id=int(value))
        return queryset


class CommentSectionFilter(admin.SimpleListFilter):
    """Comments of one section; the sections are listed once a version is chosen (a draft
    of 300 pages has hundreds of them)."""

    title = _("раздел")
    parameter_name = "section"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        version = request.GET.get(CommentVersionFilter.parameter_name, "")
        if not version.isdigit():
            return []
        sections = DraftSection.objects.filter(version_id=int(version)).order_by("order")
        return [(str(s.pk), str(s)[:80]) for s in sections]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(paragraph__section_id=int(value))
        return queryset


@admin.register(DraftComment)
class DraftCommentAdmin(admin.ModelAdmin):
    list_display = (
        "pk",
        "paragraph",
        "kind",
        "author_kind",
        "organisation",
        "status",
        "decision",
        "support_count",
        "created_at",
    )
    list_filter = (
        "status",
        "decision",
        "kind",
        "author_kind",
        CommentVersionFilter,
        CommentSectionFilter,
    )
    search_fields = ("body", "proposed_text", "organisation", "author_display_name")
    raw_id_fields = ("paragraph", "user", "group", "duplicate_of", "moderated_by", "decided_by")
    readonly_fields = ("tracking_token", "support_count", "created_at")
    list_select_related = ("paragraph",)
    date_hierarchy = "created_at"


@admin.register(DraftCommentGroup)
class DraftCommentGroupAdmin(admin.ModelAdmin):
    list_display = ("pk", "paragraph", "title", "created_at")
    raw_id_fields = ("paragraph",)


@admin.register(DraftCommentPersonalData)
class DraftCommentPersonalDataAdmin(admin.ModelAdmin):
    list_display = ("comment", "erased_at")
    raw_id_fields = ("comment", "consent")
    readonly_fields = ("erased_at",)


@admin.register(DraftCommentSupport)
class DraftCommentSupportAdmin(admin.ModelAdmin):
    list_display = ("comment", "user", "created_at")
    raw_id_fields = ("comment", "user")
