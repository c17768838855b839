"""Reads shared by the pages, the feed, the sitemap and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.similarity import text_index
from civicplan.publications.models import (
    Article,
    ArticleState,
    ArticleView,
    Comment,
    CommentStatus,
    Poll,
    PollOption,
    PollVote,
    Tag,
)
from civicplan.publications.text import plain_text


def articles_published(*, now: datetime.datetime | None = None) -> QuerySet[Article]:
    now = now or timezone.now()
    return (
        Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=now)
        .select_related("municipality", "direction", "campaign")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )


@dataclass(frozen=True)
class ArticleFilters:
    tag: str = ""
    municipality: str = ""
    direction: int | None = None
    q: str = ""

    @classmethod
    def from_query(cls, data: Any) -> ArticleFilters:
        direction = data.get("direction") or ""
        return cls(
            tag=(data.get("tag") or "").strip()[:80],
            municipality=(data.get("municipality") or "").strip()[:11],
            direction=int(direction) if str(direction).isdigit() else None,
            q=(data.get("q") or "").strip()[:100],
        )


def article_list(filters: ArticleFilters | None = None) -> QuerySet[Article]:
    filters = filters or ArticleFilters()
    qs = articles_published()
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    if filters.municipality:
        qs = qs.filter(municipality__oktmo=filters.municipality)
    if filters.direction:
        qs = qs.filter(direction_id=filters.direction)
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(lead__icontains=filters.q))
    return qs.distinct()


def article_filter_choices() -> dict[str, list[Any]]:
    published = Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=timezone.now())
    from civicplan.strategy.models import Direction
    from civicplan.territories.models import Municipality

    return {
        "tags": list(
            Tag.objects.filter(articles__in=published)
            .annotate(n=Count("articles", distinct=True))
            .order_by("name")
        ),
        "municipalities": list(
            Municipality.objects.filter(articles__in=published)
            .distinct()
            .order_by("short_name")
            .only("oktmo", "short_name", "name")
        ),
        "directions": list(
            Direction.objects.filter(articles__in=published)
            .select_related("strategy")
            .distinct()
            .order_by("strategy__title", "order")
        ),
    }


def article_get(slug: str, *, preview: bool = False) -> Article | None:
    qs = (
        Article.objects.all().select_related("municipality", "direction", "campaign", "poll")
        if preview
        else articles_published().select_related("poll")
    )
    return qs.prefetch_related("tags").filter(slug=slug).first()


def article_for_shared_parts(pk: int) -> Article:
    """An article with everything its shared parts show (published or a staff preview)."""
    return (
        Article.objects.select_related("municipality", "direction", "campaign", "poll")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .get(pk=pk)
    )


# What an article's page reads for each reader around its shared parts (title and lead in the
# head, the rating, the poll, the comment form, counting the view); the rest of the article —
# text, cover, tags, campaign, related — is read only to render the shared parts
# (`article_get`), which most requests take from the page cache.
ARTICLE_PAGE_FIELDS = (
    "id",
    "slug",
    "title",
    "lead",
    "state",
    "publish_at",
    "created_at",
    "views_count",
    "rating_sum",
    "rating_count",
    "campaign_id",
    "poll",
)


def article_page_get(slug: str, *, preview: bool = False) -> Article | None:
    """The article of a page by its address, with only what each reader's part of the page
    needs and its poll (one query, instead of five joined tables and another for the tags)."""
    qs = Article.objects.all()
    if not preview:
        qs = qs.filter(state=ArticleState.PUBLISHED, publish_at__lte=timezone.now())
    return qs.only(*ARTICLE_PAGE_FIELDS).select_related("poll").filter(slug=slug).first()


def comments_published(article: Article) -> list[Comment]:
    return list(article.comments.filter(status=CommentStatus.PUBLISHED).order_by("created_at"))


def top_read(
    *,
    days: int = 7,
    limit: int = 5,
    today: datetime.date | None = None,
    region_id: int | None = None,
) -> list[Any]:
    """The most read published articles over the last `days` days (by counted views).

    With `region_id`, only the region's news and news not tied to any campaign.
    """
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=days - 1)
    views = ArticleView.objects.filter(
        day__gte=since,
        article__state=ArticleState.PUBLISHED,
        article__publish_at__lte=timezone.now(),
    )
    if region_id is not None:
        views = views.filter(
            Q(article__campaign__region_id=region_id) | Q(article__campaign__isnull=True)
        )
    rows = views.values("article_id").annotate(n=Count("id")).order_by("-n", "article_id")[:limit]
    counts = {r["article_id"]: r["n"] for r in rows}
    articles = {a.pk: a for a in Article.objects.filter(pk__in=counts).only("title", "slug")}
    result = []
    for pk, n in counts.items():
        if pk in articles:
            article = articles[pk]
            article.week_views = n  # type: ignore[attr-defined]
            result.append(article)
    return result


_META: dict[str, Any] = {}


def _similarity_text(article: Article) -> str:
    return f"{article.title}. {article.title}. {article.lead} {plain_text(article.body)[:2000]}"


def _corpus(pool: int) -> dict[str, Any] | None:
    """The latest published articles in the shared text index, with their tags and places;
    rebuilt when any of them changes."""
    published = Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=timezone.now())
    stamp = published.aggregate(latest=Max("updated_at"), n=Count("id"), last=Max("publish_at"))
    version = f"{pool}:{stamp['n']}:{stamp['latest']}:{stamp['last']}"
    meta = _META.get("articles")
    if meta is None or meta["version"] != version:
        articles = list(articles_published().order_by("-publish_at")[:pool])
        meta = {
            "version": version,
            "articles": articles,
            "tags": {a.pk: {t.pk for t in a.tags.all()} for a in articles},
            "places": {a.pk: a.municipality_id for a in articles},
        }
        _META["articles"] = meta
    if not meta["articles"]:
        return None
    index = text_index(
        "publications:articles",
        version=version,
        documents=lambda: [(a.pk, _similarity_text(a)) for a in meta["articles"]],
    )
    return {**meta, "index": index}


def related_articles(article: Article, *, limit: int = 3, pool: int = 300) -> list[Article]:
    """Related materials: shared tags plus text similarity (the shared service), same place.

    Score = 0.25 per shared tag + similarity + 0.1 for the same municipality, over the
    `pool` latest published articles.
    """
    ids = _related_ids(article, limit=limit, pool=pool)
    by_id = {a.pk: a for a in articles_published().filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def _related_ids(article: Article, *, limit: int, pool: int) -> list[int]:
    corpus = _corpus(pool)
    if corpus is None:
        return []
    # Kept with the corpus (a new version starts afresh): every reader of a signed-in page
    # would otherwise repeat the same text query.
    memo: dict[Any, list[int]] = _META["articles"].setdefault("related", {})
    key = (article.pk, article.updated_at, limit)
    if key not in memo:
        memo[key] = _related_ids_compute(article, corpus, limit)
    return memo[key]


def _related_ids_compute(article: Article, corpus: dict[str, Any], limit: int) -> list[int]:
    similar = dict(
        corpus["index"].query(
            _similarity_text(article), k=max(limit * 10, 30), exclude=[article.pk]
        )
    )
    own_tags = {t.pk for t in article.tags.all()}
    scored = []
    for pk, tags in corpus["tags"].items():
        if pk == article.pk:
            continue
        place = corpus["places"][pk]
        same_place = 1 if article.municipality_id and place == article.municipality_id else 0
        score = 0.25 * len(own_tags & tags) + similar.get(pk, 0.0) + 0.1 * same_place
        scored.append((score, pk))
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [pk for score, pk in scored[:limit] if score > 0]


# Polls ------------------------------------------------------------------------------------


def next_scheduled_change(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The next moment public pages change by themselves: an article's set publication time,
    a poll opening or closing (the page cache serves nothing past it)."""
    now = now or timezone.now()
    article = (
        Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__gt=now)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    polls = Poll.objects.filter(is_published=True)
    opens = polls.filter(opens_at__gt=now).aggregate(at=Min("opens_at"))["at"]
    closes = polls.filter(closes_at__gt=now).aggregate(at=Min("closes_at"))["at"]
    moments = [m for m in (article, opens, closes) if m is not None]
    return min(moments) if moments else None


def polls_published() -> QuerySet[Poll]:
    return (
        Poll.objects.filter(is_published=True)
        .select_related("municipality", "campaign")
        .prefetch_related(Prefetch("options", queryset=PollOption.objects.order_by("order", "pk")))
    )


def polls_current(*, now: datetime.datetime | None = None) -> QuerySet[Poll]:
    now = now or timezone.now()
    return polls_published().filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at")


def polls_past(*, now: datetime.datetime | None = None) -> QuerySet[Poll]:
    now = now or timezone.now()
    return polls_published().filter(closes_at__lte=now).order_by("-closes_at")


def poll_get(pk: int) -> Poll | None:
    return polls_published().filter(pk=pk).first()


@dataclass
class PollResultRow:
    label: str
    votes: int
    share: float


def poll_results(poll: Poll) -> list[PollResultRow]:
    total = poll.votes_count
    rows = [
        PollResultRow(
            label=o.text,
            votes=o.votes_count,
            share=(o.votes_count / total * 100) if total else 0.0,
        )
        for o in poll.options.all()
    ]
    if poll.allow_other:
        others = PollVote.objects.filter(poll=poll).exclude(other_text="").count()
        if others:
            rows.append(
                PollResultRow(
                    label=_("Свой вариант"),
                    votes=others,
                    share=others / total * 100 if total else 0.0,
                )
            )
    return rows


def poll_other_answers(poll: Poll, *, limit: int | None = None) -> list[str]:
    qs = (
        PollVote.objects.filter(poll=poll)
        .exclude(other_text="")
        .order_by("-created_at")
        .values_list("other_text", flat=True)
    )
    return list(qs[:limit] if limit else qs)


def poll_has_voted(poll: Poll | int, *, user: Any, voter_key: str | None) -> bool:
    if user is not None and getattr(user, "is_authenticated", False):
        if PollVote.objects.filter(poll=poll, user=user).exists():
            return True
    if voter_key:
        return PollVote.objects.filter(poll=poll, voter_key=voter_key).exists()
    return False


def access_poll_export(user: Any, pk: int) -> Poll:
    """A poll whose full results (with residents' own answers) the user may download: staff
    whose role scope covers the poll's municipality or region; a poll tied to no territory only
    the superuser. Anything else is «not found»."""
    from civicplan.accounts.selectors import STAFF_ROLES, user_scope
    from civicplan.core.errors import NotFound

    poll = (
        Poll.objects.filter(pk=pk)
        .select_related("municipality", "campaign")
        .prefetch_related("options")
        .first()
    )
    if poll is None:
        raise NotFound(_("Опрос не найден."))
    scope = user_scope(user, STAFF_ROLES)
    region_id = (
        poll.municipality.region_id
        if poll.municipality is not None
        else (poll.campaign.region_id if poll.campaign is not None else None)
    )
    if scope.everything or scope.allows(region_id=region_id, municipality_id=poll.municipality_id):
        return poll
    raise NotFound(_("Опрос не найден."))
