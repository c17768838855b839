"""API of the publications app: news, the most read, polls and their results."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from civicplan.core.api import ErrorOut
from civicplan.core.errors import NotFound
from civicplan.core.i18n import gettext_lazy
from civicplan.publications import selectors
from civicplan.publications.models import Article, Poll

router = Router(tags=["publications"])


class ArticleOut(Schema):
    slug: str
    title: str
    lead: str
    url: str
    publish_at: datetime
    reading_minutes: int
    views_count: int
    rating_average: float | None
    rating_count: int
    comments_count: int
    tags: list[str]
    oktmo: str | None = Field(None, alias="municipality.oktmo")
    municipality: str | None = Field(None, alias="municipality.short_name")
    direction: str | None = Field(None, alias="direction.title")
    campaign: str | None = Field(None, alias="campaign.slug")

    @staticmethod
    def resolve_url(obj: Article) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_tags(obj: Article) -> list[str]:
        return [t.name for t in obj.tags.all()]


class ArticleDetailOut(ArticleOut):
    body: str = Field(..., description=gettext_lazy("Очищенный HTML"))
    cover_alt: str


class TopOut(Schema):
    slug: str
    title: str
    views_7_days: int


class ArticleQuery(Schema):
    tag: str | None = Field(None, max_length=80, description=gettext_lazy("Адрес тега"))
    municipality: str | None = Field(None, pattern=r"^\d{8,11}$", description=gettext_lazy("ОКТМО"))
    direction: int | None = Field(None, description=gettext_lazy("Номер направления стратегии"))
    q: str | None = Field(None, max_length=100)


class PollOptionOut(Schema):
    id: int
    text: str


class PollResultOut(Schema):
    label: str
    votes: int
    share: float


class PollOut(Schema):
    id: int
    question: str
    kind: str
    allow_other: bool
    opens_at: datetime
    closes_at: datetime
    is_open: bool
    oktmo: str | None = Field(None, alias="municipality.oktmo")
    options: list[PollOptionOut]
    votes_count: int | None = Field(
        None, description=gettext_lazy("Известно после закрытия опроса")
    )
    results: list[PollResultOut] | None = Field(
        None, description=gettext_lazy("После закрытия опроса")
    )

    @staticmethod
    def resolve_is_open(obj: Poll) -> bool:
        return obj.opens_at <= timezone.now() < obj.closes_at

    @staticmethod
    def resolve_options(obj: Poll) -> list[PollOptionOut]:
        return [PollOptionOut(id=o.pk, text=o.text) for o in obj.options.all()]

    @staticmethod
    def resolve_votes_count(obj: Poll) -> int | None:
        return obj.votes_count if obj.closes_at <= timezone.now() else None

    @staticmethod
    def resolve_results(obj: Poll) -> list[PollResultOut] | None:
        if obj.closes_at > timezone.now():
            return None
        return [
            PollResultOut(label=r.label, votes=r.votes, share=round(r.share, 1))
            for r in selectors.poll_results(obj)
        ]


@router.get("/articles", response=list[ArticleOut], summary=gettext_lazy("Опубликованные новости"))
@paginate(PageNumberPagination, page_size=20)
def articles(request: HttpRequest, filters: Query[ArticleQuery]) -> list[Article]:
    return selectors.article_list(  # type: ignore[return-value]
        selectors.ArticleFilters(
            tag=filters.tag or "",
            municipality=filters.municipality or "",
            direction=filters.direction,
            q=filters.q or "",
        )
    )


@router.get(
    "/articles/top", response=list[TopOut], summary=gettext_lazy("Топ 5 читаемых за 7 дней")
)
def top(request: HttpRequest) -> list[dict[str, object]]:
    return [
        {"slug": a.slug, "title": a.title, "views_7_days": a.week_views}
        for a in selectors.top_read()
    ]


@router.get(
    "/articles/{slug}",
    response={200: ArticleDetailOut, 404: ErrorOut},
    summary=gettext_lazy("Новость"),
)
def article(request: HttpRequest, slug: str) -> Article:
    found = selectors.article_get(slug)
    if found is None:
        raise NotFound(_("Новость не найдена."))
    return found


@router.get("/polls", response=list[PollOut], summary=gettext_lazy("Опросы: идущие и завершённые"))
def polls(request: HttpRequest) -> list[Poll]:
    return list(selectors.polls_published()[:100])


@router.get(
    "/polls/{poll_id}", response={200: PollOut, 404: ErrorOut}, summary=gettext_lazy("Опрос")
)
def poll(request: HttpRequest, poll_id: int) -> Poll:
    found = selectors.poll_get(poll_id)
    if found is None:
        raise NotFound(_("Опрос не найден."))
    return found
