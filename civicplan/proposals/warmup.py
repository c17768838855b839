"""Start-up warming: the proposals list and the newest published proposal's page."""

from __future__ import annotations

from django.urls import reverse

from civicplan.proposals.models import PUBLIC_STATUSES, Proposal


def warm() -> list[str]:
    newest = Proposal.objects.filter(status__in=PUBLIC_STATUSES).order_by("-pk").first()
    paths = [reverse("proposals:list")]
    if newest is not None:
        paths.append(reverse("proposals:detail", args=[newest.pk]))
    return paths
