"""Admin of the potential index: a region edits weights; saving recomputes the ranking."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from civicplan.core.errors import DomainError
from civicplan.potential.models import (
    PotentialIndicator,
    PotentialMethodology,
    PotentialScore,
    PotentialSubIndex,
)
from civicplan.potential.services import (
    potential_methodology_create_default,
    potential_methodology_deactivate_others,
    potential_recompute_start,
)


def _recompute(
    request: HttpRequest, methodology: PotentialMethodology, *, activate: bool = False
) -> None:
    """Start recomputing a methodology in the background (2–7 s on a region) and link to it."""
    if not (methodology.is_active or activate):
        messages.info(
            request,
            _("Методика не действующая: индекс пересчитается, когда её сделают действующей."),
        )
        return
    try:
        job = potential_recompute_start(
            methodology=methodology, actor=request.user, activate=activate
        )
    except DomainError as exc:
        messages.warning(request, exc.message)
        return
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _(
                "Индекс пересчитывается в фоне, страницы покажут новые места через несколько секунд."
            ),
            reverse("core:job_detail", args=[job.pk]),
            _("Ход и итог пересчёта"),
        ),
    )


class _WeightsFormSet(BaseInlineFormSet):
    """Refuse a set of weights that sums to zero: there would be nothing to add up."""

    what = _("субиндексов")

    def clean(self) -> None:
        super().clean()
        weights = [
            form.cleaned_data.get("weight") or 0.0
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if not weights:
            raise ValidationError(_("Нужен хотя бы один элемент с весом."))
        if sum(weights) <= 0:
            raise ValidationError(
                _("Сумма весов %(what)s равна нулю — индекс нечем считать.") % {"what": self.what}
            )


class _IndicatorWeightsFormSet(_WeightsFormSet):
    what = _("показателей субиндекса")


class PotentialSubIndexInline(admin.TabularInline):
    model = PotentialSubIndex
    formset = _WeightsFormSet
    fields = ("order", "code", "name", "weight", "high_label", "low_label")
    extra = 0
    show_change_link = True


class PotentialMethodologyForm(forms.ModelForm):
    class Meta:
        model = PotentialMethodology
        fields = (
            "name",
            "version",
            "is_active",
            "method",
            "scope",
            "winsor_lower",
            "winsor_upper",
            "min_group_size",
            "min_coverage",
            "clusters",
            "peers",
        )

    def _get_validation_exclusions(self) -> set[str]:
        # «Only one active methodology» is kept by the save (the others step aside), so
        # ticking «действующая» on a second one is not a constraint error here.
        exclude = super()._get_validation_exclusions()  # type: ignore[misc]  # Django's private hook
        exclude.add("is_active")
        return exclude


@admin.register(PotentialMethodology)
class PotentialMethodologyAdmin(admin.ModelAdmin):
    form = PotentialMethodologyForm
    list_display = ("name", "is_active", "method", "scope", "computed_at")
    list_filter = ("is_active", "method", "scope")
    search_fields = ("name",)
    readonly_fields = ("computed_at", "updated_at")
    inlines = [PotentialSubIndexInline]
    actions = ["make_active", "recompute", "create_default"]
    fieldsets = (
        (None, {"fields": ("name", "version", "is_active")}),
        (
            _("Нормирование"),
            {"fields": ("method", "scope", "winsor_lower", "winsor_upper", "min_group_size")},
        ),
        (
            _("Расчёт"),
            {"fields": ("min_coverage", "clusters", "peers", "computed_at", "updated_at")},
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: PotentialMethodology, form: Any, change: bool
    ) -> None:
        if obj.is_active:
            potential_methodology_deactivate_others(keep=obj)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _recompute(request, form.instance)

    @admin.action(description=_("Сделать действующей и пересчитать"))
    def make_active(self, request: HttpRequest, queryset: QuerySet[PotentialMethodology]) -> None:
        if queryset.count() != 1:
            messages.error(request, _("Выберите одну методику."))
            return
        _recompute(request, queryset.get(), activate=True)

    @admin.action(description=_("Пересчитать индекс"))
    def recompute(self, request: HttpRequest, queryset: QuerySet[PotentialMethodology]) -> None:
        for methodology in queryset:
            _recompute(request, methodology)

    @admin.action(description=_("Создать копию базовой методики (не действующую)"))
    def create_default(
        self, request: HttpRequest, queryset: QuerySet[PotentialMethodology]
    ) -> None:
        created = potential_methodology_create_default(
            name=str(_("Базовая методика (копия)")), activate=False
        )
        messages.success(request, _("Создана методика «%(n)s».") % {"n": created.name})


class PotentialIndicatorInline(admin.TabularInline):
    model = PotentialIndicator
    formset = _IndicatorWeightsFormSet
    fields = (
        "order",
        "code",
        "name",
        "unit",
        "weight",
        "better",
        "op",
        "source",
        "base",
        "prefix",
        "year",
        "from_year",
        "base_year",
        "min_count",
    )
    extra = 0


@admin.register(PotentialSubIndex)
class PotentialSubIndexAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "weight", "methodology")
    list_filter = ("methodology",)
    search_fields = ("name", "code")
    list_select_related = ("methodology",)
    inlines = [PotentialIndicatorInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _recompute(request, form.instance.methodology)


@admin.register(PotentialIndicator)
class PotentialIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "subindex", "weight", "better", "op")
    list_filter = ("subindex__methodology", "subindex", "better", "op")
    search_fields = ("name", "code", "source")
    list_select_related = ("subindex__methodology",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _recompute(request, form.instance.subindex.methodology)


@admin.register(PotentialScore)
class PotentialScoreAdmin(admin.ModelAdmin):
    list_display = (
        "municipality",
        "index",
        "rank_region",
        "rank_size_class",
        "size_class",
        "cluster_name",
        "coverage",
    )
    list_filter = ("methodology", "size_class", "cluster_name", "municipality__region")
    search_fields = ("municipality__name", "municipality__oktmo")
    list_select_related = ("municipality__region",)
    readonly_fields = [f.name for f in PotentialScore._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
