"""Demo news about the strategic sessions of «Стратегия лидерства», and three polls with votes.

Written as a regional ministry of economic development would publish them. Views, ratings
and comments are laid over the last days so that «Топ 5 читаемых» has something to show.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db.models import Count
from django.utils import timezone

from civicplan.publications import services
from civicplan.publications.demo_news import (
    COMMENTS,
    NEWS,
    POLLS,
    PRESS_ORENBURG,
    PRESS_SAMARA,
    SAMARA,
)
from civicplan.publications.models import (
    Article,
    ArticleRating,
    ArticleState,
    ArticleView,
    Comment,
    CommentStatus,
    Poll,
    PollKind,
    PollOption,
    PollVote,
    VoteMethod,
)
from civicplan.publications.visitor import hash_token


def _campaign(region_code: int) -> Any:
    from civicplan.campaigns.models import Campaign

    return (
        Campaign.objects.filter(region__code=region_code, slug__startswith="strategy-leadership")
        .order_by("-starts_on")
        .first()
    )


def _municipality(region_code: int, short_name: str) -> Any:
    if not short_name:
        return None
    from civicplan.territories.models import Municipality

    return Municipality.objects.filter(region__code=region_code, short_name=short_name).first()


def _direction(campaign: Any, slug: str) -> Any:
    if not slug or campaign is None or campaign.strategy_id is None:
        return None
    return campaign.strategy.directions.filter(slug=slug).first()


def _session(campaign: Any, title_part: str) -> Any:
    """The strategic session of meetings when that app has one with a matching title."""
    if not title_part or campaign is None:
        return None
    from django.apps import apps

    try:
        session_model = apps.get_model("meetings", "Session")
    except LookupError:
        return None
    if not any(f.name == "campaign" for f in session_model._meta.get_fields()):
        return None
    try:
        sessions = session_model.objects.filter(campaign=campaign, title__icontains=title_part)
        if any(f.name == "level" for f in session_model._meta.get_fields()):
            # the demo news report regional sessions; a municipal one would mislead
            return sessions.filter(level="regional").first()
        return sessions.first()
    except Exception:  # the meetings tables may not be migrated yet
        return None


def _views_and_ratings(articles: list[Article], rng: random.Random) -> None:
    today = timezone.localdate()
    views: list[ArticleView] = []
    ratings: list[ArticleRating] = []
    for rank, article in enumerate(articles):
        age = (today - timezone.localtime(article.publish_at).date()).days
        if age < 0:
            continue
        popularity = max(3, 90 - rank * 4 + rng.randint(-10, 10))
        for day_offset in range(min(age, 13) + 1):
            day = today - datetime.timedelta(days=day_offset)
            for n in range(max(1, popularity // (day_offset + 1))):
                views.append(
                    ArticleView(article=article, visitor_key=hash_token(f"demo:{n}:{day}"), day=day)
                )
        for n in range(rng.randint(3, 25)):
            value = rng.choices([5, 4, 3, 2, 1], weights=[45, 30, 13, 7, 5])[0]
            ratings.append(
                ArticleRating(article=article, visitor_key=hash_token(f"demo-r:{n}"), value=value)
            )
    # Demo volume in bulk (thousands of views, ratings, comments, votes of the demo region):
    # the services count one reader at a time behind rate limits; counters are set below.
    ArticleView.objects.bulk_create(views, batch_size=2000, ignore_conflicts=True)
    ArticleRating.objects.bulk_create(ratings, batch_size=2000, ignore_conflicts=True)
    counts = dict(
        ArticleView.objects.filter(article__in=articles)
        .values_list("article_id")
        .annotate(n=Count("id"))
    )
    for article in articles:
        article.views_count = counts.get(article.pk, 0)
        mine = [r.value for r in ratings if r.article_id == article.pk]
        article.rating_sum, article.rating_count = sum(mine), len(mine)
    Article.objects.bulk_update(articles, ["views_count", "rating_sum", "rating_count"])


def _comments(articles: list[Article], rng: random.Random) -> None:
    rows = []
    for article in articles[:8]:
        for name, text in rng.sample(COMMENTS, k=rng.randint(1, 3)):
            rows.append(
                Comment(
                    article=article,
                    author_name=name,
                    text=text,
                    status=CommentStatus.PUBLISHED,
                    moderated_at=timezone.now(),
                )
            )
    rows.append(
        Comment(
            article=articles[0],
            author_name="Виктор",
            text="Когда начнут ремонт дороги на улице Советской?",
            status=CommentStatus.PENDING,
        )
    )
    Comment.objects.bulk_create(rows)
    for article in articles:
        article.comments_count = sum(
            1 for c in rows if c.article_id == article.pk and c.status == CommentStatus.PUBLISHED
        )
    Article.objects.bulk_update(articles, ["comments_count"])


def _poll_votes(poll: Poll, spec: dict[str, Any], rng: random.Random) -> None:
    options = list(poll.options.order_by("order"))
    votes = [
        PollVote(
            poll=poll,
            voter_key=hash_token(f"demo-poll:{poll.pk}:{n}"),
            method=VoteMethod.COOKIE,
            other_text=rng.choice(spec["others"]) if spec["others"] and n % 25 == 0 else "",
        )
        for n in range(spec["votes"])
    ]
    PollVote.objects.bulk_create(votes)
    votes = list(PollVote.objects.filter(poll=poll).order_by("pk"))
    through = PollVote.options.through
    links = []
    counts = {o.pk: 0 for o in options}
    for vote in votes:
        if vote.other_text:
            continue
        k = rng.randint(1, 2) if poll.kind == PollKind.MULTIPLE else 1
        chosen = set(rng.choices(options, weights=spec["weights"], k=k))
        for option in chosen:
            links.append(through(pollvote_id=vote.pk, polloption_id=option.pk))
            counts[option.pk] += 1
    through.objects.bulk_create(links)
    for option in options:
        option.votes_count = counts[option.pk]
    PollOption.objects.bulk_update(options, ["votes_count"])
    poll.votes_count = len(votes)
    poll.save(update_fields=["votes_count"])


def load(*, stdout: Any) -> None:
    if Article.objects.exists():
        stdout.write("  Новости уже загружены — пропускаю.")
        return
    rng = random.Random(2036)
    now = timezone.now()
    polls: dict[str, Poll] = {}
    for spec in POLLS:
        campaign = _campaign(spec["region"])
        created_poll = services.poll_create(
            question=spec["question"],
            options=spec["options"],
            kind=spec["kind"],
            allow_other=spec["allow_other"],
            opens_at=now + datetime.timedelta(days=spec["opens"]),
            closes_at=now + datetime.timedelta(days=spec["closes"]),
            campaign=campaign,
            municipality=_municipality(spec["region"], spec["municipality"]),
        )
        _poll_votes(created_poll, spec, rng)
        polls[spec["question"]] = created_poll
    first_poll = next(iter(polls.values()))
    local_poll = list(polls.values())[2]
    articles: list[Article] = []
    for index, (region, days, title, lead, body, tags, mun, direction, session) in enumerate(NEWS):
        campaign = _campaign(region)
        municipality = _municipality(region, mun)
        poll = None
        if index == 0:
            poll = first_poll
        elif mun == "Отрадный":
            poll = local_poll
        article = services.article_create(
            title=title,
            lead=lead,
            body=body,
            tags=tags,
            state=ArticleState.PUBLISHED,
            publish_at=now - datetime.timedelta(days=days, hours=index % 5 + 1),
            byline=PRESS_SAMARA if region == SAMARA else PRESS_ORENBURG,
            campaign=campaign,
            municipality=municipality,
            direction=_direction(campaign, direction),
            event=_session(campaign, session),
            poll=poll,
        )
        articles.append(article)
    published = [a for a in articles if a.publish_at <= now]
    _views_and_ratings(published, rng)
    _comments(published, rng)
    stdout.write(
        f"  Новости: {len(articles)} (из них запланировано {len(articles) - len(published)}), "
        f"опросов: {len(polls)}"
    )
