"""Start-up warming: the strategy tree and a KPI page (charts)."""

from __future__ import annotations

from django.urls import reverse

from civicplan.strategy.models import KPI, Strategy


def warm() -> list[str]:
    strategy = Strategy.objects.order_by("pk").first()
    if strategy is None:
        return [reverse("strategy:index")]
    paths = [reverse("strategy:index"), reverse("strategy:detail", args=[strategy.slug])]
    kpi = KPI.objects.filter(goal__direction__strategy=strategy).order_by("pk").first()
    if kpi is not None:
        paths.append(reverse("strategy:kpi", args=[strategy.slug, kpi.pk]))
    return paths
