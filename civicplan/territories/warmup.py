"""Start-up warming: the territories index and a municipality's page (indicator charts)."""

from __future__ import annotations

from django.urls import reverse

from civicplan.territories.models import Municipality


def warm() -> list[str]:
    town = Municipality.objects.order_by("pk").only("oktmo").first()
    if town is None:
        return [reverse("territories:index")]
    return [reverse("territories:index"), reverse("territories:municipality", args=[town.oktmo])]
