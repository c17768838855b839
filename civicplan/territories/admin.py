from django.contrib import admin

from civicplan.territories.models import City, Indicator, IndicatorValue, Municipality, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "timezone")
    search_fields = ("name", "=code")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "oktmo", "kind", "region", "population", "population_year")
    list_filter = ("kind", "status", "region")
    search_fields = ("name", "short_name", "oktmo", "center")
    list_select_related = ("region",)


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "region",
        "municipality",
        "population",
        "size_class",
        "is_regional_capital",
    )
    list_filter = ("size_class", "is_regional_capital", "region")
    search_fields = ("name", "oktmo")
    list_select_related = ("region", "municipality")
    autocomplete_fields = ("municipality",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "better")
    list_filter = ("better",)
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("municipality", "indicator", "year", "value", "source")
    list_filter = ("year", "indicator", "municipality__region")
    search_fields = ("municipality__name", "municipality__oktmo", "indicator__code")
    list_select_related = ("municipality", "indicator")
    autocomplete_fields = ("municipality",)
