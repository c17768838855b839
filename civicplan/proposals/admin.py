"""Admin: every model with search and filters. Personal data are scoped to the moderator's
territory and every opened record is written to the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from civicplan.accounts.services import audit_log_write, client_ip
from civicplan.core.errors import DomainError
from civicplan.proposals.models import (
    Attachment,
    Comment,
    CommentComplaint,
    OfficialAnswer,
    Proposal,
    ProposalEdit,
    ProposalImport,
    ProposalPersonalData,
    ProposalStatus,
    ProposalStatusChange,
    Support,
)
from civicplan.proposals.selectors import overdue_q, proposal_for_staff
from civicplan.proposals.services import proposal_status_set
from civicplan.strategy.admin import MeasureAdmin


class OverdueFilter(admin.SimpleListFilter):
    title = _("срок ответа")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("1", _("просрочен"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
        return queryset.filter(overdue_q()) if self.value() == "1" else queryset


class StatusChangeInline(admin.TabularInline):
    model = ProposalStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "reason", "changed_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AnswerInline(admin.StackedInline):
    model = OfficialAnswer
    extra = 0
    readonly_fields = ("author", "created_at")


class MeasureProposalInline(admin.TabularInline):
    """On a strategy measure's admin page: the proposals it answers (the link is ours)."""

    model = Proposal.strategy_measures.through
    extra = 0
    autocomplete_fields = ("proposal",)
    verbose_name = _("предложение жителей")
    verbose_name_plural = _("предложения жителей, на которые отвечает мероприятие")


# The measure admin belongs to strategy, which sits below proposals and cannot name them.
MeasureAdmin.inlines = [*MeasureAdmin.inlines, MeasureProposalInline]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "campaign",
        "municipality",
        "direction",
        "status",
        "channel",
        "supports_count",
        "created_at",
        "answer_due_on",
    )
    list_filter = ("status", OverdueFilter, "channel", "campaign", "direction", "rejection_reason")
    search_fields = ("title", "text", "tracking_code", "external_id", "=id")
    list_select_related = ("campaign", "municipality", "direction")
    autocomplete_fields = ("municipality",)
    raw_id_fields = ("author", "duplicate_of")
    # The status changes only through the moderation services (and the action below), which
    # write its history entry; the admin form cannot move it silently.
    readonly_fields = (
        "status",
        "tracking_code",
        "content_hash",
        "supports_count",
        "comments_count",
    )
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline, AnswerInline]
    actions = ["publish_selected"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else proposal_for_staff(qs, request.user)

    @admin.action(description=_("Опубликовать выбранные (из статуса «на модерации»)"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        done = 0
        for proposal in queryset.filter(status=ProposalStatus.NEW):
            try:
                proposal_status_set(
                    proposal=proposal, actor=request.user, status=ProposalStatus.PUBLISHED
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"№ {proposal.pk}: {exc.message}", messages.ERROR)
        self.message_user(request, _("Опубликовано: %(n)d.") % {"n": done})


@admin.register(ProposalPersonalData)
class ProposalPersonalDataAdmin(admin.ModelAdmin):
    list_display = ("proposal", "age_group", "show_name", "erased_at")
    list_filter = ("age_group", "show_name", ("erased_at", admin.EmptyFieldListFilter))
    search_fields = ("=proposal__id", "=proposal__tracking_code", "=email")
    raw_id_fields = ("proposal", "consent")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProposalPersonalData]:
        qs = super().get_queryset(request).select_related("proposal")
        if request.user.is_superuser:
            return qs
        allowed = proposal_for_staff(Proposal.objects.all(), request.user)
        return qs.filter(proposal__in=allowed)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        audit_log_write(
            actor=request.user,
            action="proposal.personal_data.read",
            object_type="proposals.proposalpersonaldata",
            object_id=str(object_id),
            reason=str(_("просмотр в администрировании")),
            ip=client_ip(request),
        )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ProposalStatusChange)
class ProposalStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("proposal", "from_status", "to_status", "actor", "changed_at")
    list_filter = ("to_status", "from_status")
    search_fields = ("=proposal__id", "reason")
    raw_id_fields = ("proposal", "actor")
    date_hierarchy = "changed_at"


@admin.register(ProposalEdit)
class ProposalEditAdmin(admin.ModelAdmin):
    list_display = ("proposal", "kind", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("=proposal__id", "reason")
    raw_id_fields = ("proposal", "actor")


@admin.register(OfficialAnswer)
class OfficialAnswerAdmin(admin.ModelAdmin):
    list_display = ("proposal", "organisation", "status", "created_at")
    list_filter = ("status", "organisation")
    search_fields = ("=proposal__id", "text", "organisation")
    raw_id_fields = ("proposal", "author")


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ("proposal", "user", "created_at")
    list_filter = ("proposal__campaign",)
    search_fields = ("=proposal__id", "user__email")
    raw_id_fields = ("proposal", "user")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "proposal",
        "author_display_name",
        "status",
        "complaints_count",
        "created_at",
    )
    list_filter = ("status", "proposal__campaign")
    search_fields = ("text", "=proposal__id", "author__email")
    raw_id_fields = ("proposal", "author", "moderated_by")


@admin.register(CommentComplaint)
class CommentComplaintAdmin(admin.ModelAdmin):
    list_display = ("comment", "user", "reason", "created_at", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("reason", "user__email")
    raw_id_fields = ("comment", "user")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "proposal", "content_type", "size", "created_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "=proposal__id")
    raw_id_fields = ("proposal",)
    # Private file: no public URL; staff open it from the moderation page after the check.
    exclude = ("file",)


@admin.register(ProposalImport)
class ProposalImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "campaign", "channel", "created_by", "created_at")
    list_filter = ("channel", "campaign")
    search_fields = ("original_name",)
    raw_id_fields = ("job", "created_by")
    exclude = ("file",)
