from typing import Any

from django.contrib import admin

from civicplan.meetings import services
from civicplan.meetings.models import (
    AgendaItem,
    BoardMember,
    Cluster,
    DotVote,
    GroupQuota,
    Idea,
    Material,
    PairwiseVote,
    Participant,
    Resolution,
    Section,
    Session,
)
from civicplan.meetings.services.board_rev import board_touch


class BoardTouchingAdmin(admin.ModelAdmin):
    """An edit in the admin changes what the board shows: its cached lists are renewed."""

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        board_touch(obj.section_id, ideas=True, votes=True)

    def delete_model(self, request: Any, obj: Any) -> None:
        super().delete_model(request, obj)
        board_touch(obj.section_id, ideas=True, votes=True)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        sections = set(queryset.values_list("section_id", flat=True))
        super().delete_queryset(request, queryset)
        for section_id in sections:
            board_touch(section_id, ideas=True, votes=True)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("order", "title", "question", "moderator", "moderator_name", "direction", "code")
    readonly_fields = ("code",)
    autocomplete_fields = ("moderator",)


class AgendaInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class QuotaInline(admin.TabularInline):
    model = GroupQuota
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "level", "format", "state", "starts_at")
    list_filter = ("state", "level", "format", "campaign__region", "campaign")
    search_fields = ("title", "theme", "place", "slug")
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("directions", "organisers")
    inlines = [AgendaInline, QuotaInline, SectionInline]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        # The one ORM write outside services kept on purpose: Django's admin saves its own
        # inline forms (a superuser's repair tool); this hook only gives a new section the
        # code `services.section_create` would have given it.
        instances = formset.save(commit=False)
        for obj in instances:
            if isinstance(obj, Section) and not obj.code:
                obj.code = services.section_code_new()
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "session", "code", "board_state", "voting_mode", "moderator_name")
    list_filter = ("board_state", "voting_mode", "session__campaign")
    search_fields = ("title", "question", "code", "session__title")
    readonly_fields = ("code",)
    autocomplete_fields = ("moderator",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        if not obj.code:
            obj.code = services.section_code_new()
        super().save_model(request, obj, form, change)
        board_touch(obj, ideas=True)


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("full_name", "session", "group", "status", "organisation", "checked_in_at")
    list_filter = ("status", "group", "session")
    search_fields = ("last_name", "first_name", "email", "organisation", "checkin_code")
    readonly_fields = ("consent", "checkin_code", "created_at")


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ("title", "session", "kind", "size", "uploaded_at")
    list_filter = ("kind", "session")
    search_fields = ("title", "session__title")


@admin.register(BoardMember)
class BoardMemberAdmin(admin.ModelAdmin):
    list_display = ("nickname", "session", "joined_at")
    list_filter = ("session",)
    search_fields = ("nickname",)
    exclude = ("secret",)


@admin.register(Idea)
class IdeaAdmin(BoardTouchingAdmin):
    list_display = ("text", "section", "kind", "cluster", "merged_into", "is_hidden", "created_at")
    list_filter = ("kind", "is_hidden", "section__session", "section")
    search_fields = ("text", "original_text")
    raw_id_fields = ("merged_into", "member")


@admin.register(Cluster)
class ClusterAdmin(BoardTouchingAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section__session",)
    search_fields = ("title",)


@admin.register(DotVote)
class DotVoteAdmin(BoardTouchingAdmin):
    list_display = ("idea", "member", "section", "created_at")
    list_filter = ("section",)
    search_fields = ("idea__text", "member__nickname")
    raw_id_fields = ("idea", "member")


@admin.register(PairwiseVote)
class PairwiseVoteAdmin(BoardTouchingAdmin):
    list_display = ("first", "second", "winner", "member", "created_at")
    list_filter = ("section",)
    search_fields = ("member__nickname",)
    raw_id_fields = ("first", "second", "winner", "member")


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("title", "section", "direction", "proposal")
    list_filter = ("direction", "section__session")
    search_fields = ("title", "text")
    raw_id_fields = ("idea", "proposal")
