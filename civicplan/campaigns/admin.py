from django.contrib import admin

from civicplan.campaigns.models import Campaign, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "starts_on", "ends_on", "is_published")
    list_filter = ("is_published", "region")
    search_fields = ("title", "summary")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [PhaseInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ("title", "campaign", "kind", "starts_on", "ends_on", "accepts_proposals")
    list_filter = ("kind", "accepts_proposals", "campaign")
    search_fields = ("title",)
