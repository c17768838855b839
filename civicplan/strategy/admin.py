from django.contrib import admin

from civicplan.strategy.models import Direction, Strategy


class DirectionInline(admin.StackedInline):
    model = Direction
    extra = 0
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "horizon_start", "horizon_end", "version", "state")
    list_filter = ("state", "region")
    search_fields = ("title", "approval_act")
    inlines = [DirectionInline]


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ("title", "strategy", "order")
    list_filter = ("strategy",)
    search_fields = ("title", "description")
