"""Pages of the potential index, under `/territories/` next to the municipality pages."""

from django.urls import path

from civicplan.potential import views as potential_views

app_name = "potential"

urlpatterns = [
    path(
        "municipalities/<str:oktmo>/potential/",
        potential_views.municipality_potential,
        name="potential",
    ),
    path(
        "regions/<int:code>/potential/", potential_views.region_potential, name="region_potential"
    ),
    path(
        "regions/<int:code>/potential.xlsx",
        potential_views.region_potential_xlsx,
        name="region_potential_xlsx",
    ),
    path("potential/methodology/", potential_views.methodology_page, name="potential_methodology"),
]
