"""The site map: public pages of the site and every published article."""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse

from civicplan.publications.models import Article
from civicplan.publications.selectors import articles_published


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.7
    limit = 5000

    def items(self) -> list[Article]:
        return list(
            articles_published()
            .select_related(None)
            .prefetch_related(None)
            .order_by("-publish_at")
            .only("slug", "updated_at")
        )

    def lastmod(self, item: Article) -> datetime.datetime:
        return item.updated_at


class StaticSitemap(Sitemap):
    """Entry pages of the apps that exist; a page whose URL name is missing is skipped."""

    changefreq = "daily"
    priority = 0.5
    names = (
        "campaigns:home",
        "publications:list",
        "publications:polls",
        "proposals:list",
        "meetings:calendar",
        "strategy:index",
        "territories:index",
        "practices:list",
    )

    def items(self) -> list[str]:
        found = []
        for name in self.names:
            try:
                reverse(name)
            except NoReverseMatch:
                continue
            found.append(name)
        return found

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"pages": StaticSitemap, "news": ArticleSitemap}
