from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civicplan.insights.models import (
    AnalysisChunk,
    AnalysisRun,
    ProposalAnalysis,
    SuggestionFeedback,
    Topic,
)
from civicplan.insights.services import campaign_analysis_start


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = (
        "campaign",
        "started_at",
        "state",
        "is_current",
        "proposals_total",
        "topics_total",
        "duplicates_total",
    )
    list_filter = ("state", "is_current", "campaign")
    readonly_fields = [f.name for f in AnalysisRun._meta.fields]
    actions = ["reanalyze"]

    def has_add_permission(self, request: object) -> bool:
        return False

    @admin.action(description=_("Запустить повторный анализ кампании"))
    def reanalyze(self, request: object, queryset: object) -> None:
        for campaign in {run.campaign for run in queryset}:  # type: ignore[attr-defined]
            campaign_analysis_start(campaign=campaign, user=getattr(request, "user", None))


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("label", "direction", "size", "supports", "is_other", "run")
    list_filter = ("is_other", "direction", "run__campaign")
    search_fields = ("label", "key_text", "summary")
    list_select_related = ("direction", "run")
    raw_id_fields = ("key_proposal", "run")


@admin.register(ProposalAnalysis)
class ProposalAnalysisAdmin(admin.ModelAdmin):
    list_display = (
        "proposal",
        "predicted_direction",
        "guessed_direction",
        "confidence",
        "duplicate_of",
        "topic",
        "run",
    )
    list_filter = ("run__is_current", "predicted_direction", "guessed_direction")
    search_fields = ("proposal__text", "proposal__tracking_code")
    raw_id_fields = ("proposal", "duplicate_of", "topic", "run")
    list_select_related = ("proposal", "predicted_direction", "guessed_direction", "topic")


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    list_display = ("proposal", "kind", "suggested", "final", "accepted", "user", "created_at")
    list_filter = ("kind", "accepted")
    search_fields = ("suggested", "final", "proposal__text")
    raw_id_fields = ("proposal",)


@admin.register(AnalysisChunk)
class AnalysisChunkAdmin(admin.ModelAdmin):
    list_display = ("run", "number", "state", "worker", "claimed_at", "finished_at")
    list_filter = ("state",)
    exclude = ("result",)
    readonly_fields = (
        "run",
        "number",
        "proposal_ids",
        "state",
        "worker",
        "claimed_at",
        "finished_at",
    )
