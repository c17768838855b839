"""Pages of the potential index; included from `territories/urls.py` (same namespace)."""

from django.urls import path

from civicplan.territories import potential_views

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
