from django.contrib import admin

from civicplan.proposals.models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "campaign",
        "municipality",
        "direction",
        "status",
        "channel",
        "created_at",
    )
    list_filter = ("status", "channel", "campaign", "direction")
    search_fields = ("title", "text", "tracking_code", "external_id")
    list_select_related = ("campaign", "municipality", "direction")
    autocomplete_fields = ("municipality",)
    date_hierarchy = "created_at"
