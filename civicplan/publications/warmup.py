"""Start-up warming: the news list and the newest article."""

from __future__ import annotations

from django.urls import reverse

from civicplan.publications import selectors


def warm() -> list[str]:
    newest = selectors.articles_published().order_by("-publish_at").first()
    paths = [reverse("publications:list")]
    if newest is not None:
        paths.append(newest.get_absolute_url())
    return paths
