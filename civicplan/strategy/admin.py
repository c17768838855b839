"""Admin of the strategy: every model searchable and filterable; edits are recorded in the
strategy's change history and parent measures roll up after a save."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from civicplan.strategy.models import (
    KPI,
    Direction,
    Goal,
    KPITarget,
    KPIValue,
    Measure,
    Milestone,
    Stage,
    Strategy,
    StrategyChange,
    StrategyVersion,
)
from civicplan.strategy.services import change_record, measure_rollup


class HistoryMixin:
    """Record who changed what when an object is saved in the admin.

    Each admin says how to reach the strategy from its object by overriding `strategy_of`;
    by default the object has a `strategy` attribute.
    """

    def strategy_of(self, obj: Any) -> Strategy:
        return obj.strategy

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        changes = {
            name: (form.initial.get(name), form.cleaned_data.get(name))
            for name in form.changed_data
            if name in form.cleaned_data
        }
        change_record(
            strategy=self.strategy_of(obj),
            actor=request.user,
            action="update" if change else "create",
            obj=obj,
            changes={
                k: (str(a) if a is not None else None, str(b)) for k, (a, b) in changes.items()
            },
        )


class DirectionInline(admin.StackedInline):
    model = Direction
    extra = 0
    prepopulated_fields = {"slug": ("title",)}


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("title", "region", "horizon_start", "horizon_end", "version", "state")
    list_filter = ("state", "region")
    search_fields = ("title", "approval_act")
    inlines = [StageInline, DirectionInline]

    def strategy_of(self, obj: Strategy) -> Strategy:
        return obj


@admin.register(Direction)
class DirectionAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("title", "strategy", "order")
    list_filter = ("strategy",)
    search_fields = ("title", "description")

    def strategy_of(self, obj: Direction) -> Strategy:
        return obj.strategy


@admin.register(Goal)
class GoalAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("code", "title", "direction")
    list_filter = ("direction__strategy", "direction")
    search_fields = ("code", "title", "description")
    list_select_related = ("direction",)

    def strategy_of(self, obj: Goal) -> Strategy:
        return obj.direction.strategy


class KPITargetInline(admin.TabularInline):
    model = KPITarget
    extra = 0


@admin.register(KPI)
class KPIAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "unit",
        "better",
        "baseline_year",
        "baseline_value",
        "indicator",
    )
    list_filter = ("better", "goal__direction__strategy", "goal__direction")
    search_fields = ("code", "name", "source")
    list_select_related = ("goal", "indicator")
    autocomplete_fields = ("goal",)
    inlines = [KPITargetInline]

    def strategy_of(self, obj: KPI) -> Strategy:
        return obj.goal.direction.strategy


@admin.register(KPIValue)
class KPIValueAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = ("kpi", "year", "municipality", "value", "source", "entered_at")
    list_filter = ("year", "kpi__goal__direction__strategy", "kpi")
    search_fields = ("kpi__code", "kpi__name", "municipality__name", "source")
    list_select_related = ("kpi", "municipality")
    raw_id_fields = ("kpi", "municipality", "entered_by")

    def strategy_of(self, obj: KPIValue) -> Strategy:
        return obj.kpi.goal.direction.strategy


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Measure)
class MeasureAdmin(HistoryMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "direction",
        "organisation",
        "sector",
        "state",
        "progress",
        "ends_on",
    )
    list_filter = ("strategy", "direction", "sector", "state")
    search_fields = ("code", "title", "organisation", "partners")
    list_select_related = ("direction",)
    raw_id_fields = ("parent",)
    filter_horizontal = ("goals", "kpis", "municipalities")
    inlines = [MilestoneInline]

    def strategy_of(self, obj: Measure) -> Strategy:
        return obj.strategy

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        measure_rollup(strategy=form.instance.strategy, actor=request.user)


@admin.register(StrategyChange)
class StrategyChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "strategy", "actor", "action", "object_type", "object_label")
    list_filter = ("action", "object_type", "strategy")
    search_fields = ("object_label", "actor__email")
    list_select_related = ("actor", "strategy")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StrategyVersion)
class StrategyVersionAdmin(admin.ModelAdmin):
    list_display = ("label", "strategy", "created_at", "created_by")
    list_filter = ("strategy",)
    search_fields = ("label", "note")
    readonly_fields = ("data",)
