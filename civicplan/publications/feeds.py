"""RSS 2.0 feed of the latest news."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from civicplan.publications.models import Article
from civicplan.publications.selectors import articles_published


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed
    title = _("Новости стратегии региона")
    description = _("Стратегические сессии, приём предложений, итоги обсуждений.")
    language = "ru"

    def link(self) -> str:
        return reverse("publications:list")

    def items(self) -> list[Article]:
        return list(articles_published().order_by("-publish_at")[:30])

    def item_title(self, item: Article) -> str:
        return item.title

    def item_description(self, item: Article) -> str:
        return item.lead

    def item_pubdate(self, item: Article) -> datetime.datetime:
        return item.publish_at

    def item_updateddate(self, item: Article) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: Article) -> list[str]:
        return [t.name for t in item.tags.all()]

    def item_author_name(self, item: Article) -> str:
        return item.byline or ""
