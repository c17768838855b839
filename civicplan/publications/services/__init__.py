"""Every write of the publications app: articles, views, ratings, comments, polls, consent."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civicplan.accounts.names import display_name_clean
from civicplan.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from civicplan.core.pagecache import changes_public_pages
from civicplan.core.ratelimit import rate_limit_hit
from civicplan.publications.models import (
    COMMENT_MAX_LENGTH,
    OTHER_MAX_LENGTH,
    Article,
    ArticleRating,
    ArticleState,
    ArticleView,
    Comment,
    CommentComplaint,
    CommentStatus,
    Poll,
    PollKind,
    PollOption,
    PollVote,
    Tag,
    VoteMethod,
)
from civicplan.publications.text import (
    article_html_clean,
    comment_text_clean,
    plain_text,
    reading_minutes,
)
from civicplan.publications.visitor import hash_token, is_bot

COMPLAINTS_TO_HIDE = 3
COMMENT_NAME_MAX = 120

# Cyrillic letters in Latin for slugs (data: the letters of a title are looked up in it).
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
            "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
            "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip


def slug_from_title(title: str, *, max_length: int = 100) -> str:
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in title.lower())
    slug = slugify(latin)[:max_length].strip("-")
    return slug or "material"


RESERVED_SLUGS = {"rss", "polls", "cookies", "comments"}


def _unique_slug(base: str, *, exclude_pk: int | None = None) -> str:
    if base in RESERVED_SLUGS:
        base = f"{base}-news"
    slug = base
    n = 2
    qs = Article.objects.all()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        slug = f"{base[:110]}-{n}"
        n += 1
    return slug


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(str(raw).split())[:80]
        if not name:
            continue
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            slug = slug_from_title(name, max_length=70)
            candidate, n = slug, 2
            while Tag.objects.filter(slug=candidate).exists():
                candidate, n = f"{slug}-{n}", n + 1
            tag = Tag.objects.create(name=name, slug=candidate)
        tags.append(tag)
    return tags


def _article_prepare(article: Article, cover: IO[bytes] | None) -> None:
    from civicplan.core.uploads import IMAGES, upload_check

    article.title = " ".join((article.title or "").split())
    if not article.title:
        raise InvalidInput(_("Укажите заголовок новости."), field="title")
    article.lead = " ".join(plain_text(article.lead).split())
    if not article.lead:
        raise InvalidInput(_("Напишите лид — одно-два предложения о главном."), field="lead")
    article.body = article_html_clean(article.body)
    if not plain_text(article.body).strip():
        raise InvalidInput(_("Текст новости пуст."), field="body")
    if cover is not None:
        upload_check(cover, allowed=IMAGES, max_bytes=5 * 1024 * 1024)
        article.cover = cover
    article.cover_alt = " ".join((article.cover_alt or "").split())
    if article.cover and not article.cover_alt:
        raise InvalidInput(
            _("Опишите обложку для незрячих читателей: что на ней изображено."),
            field="cover_alt",
        )
    if article.state not in ArticleState.values:
        raise InvalidInput(_("Неизвестное состояние новости."), field="state")
    if article.publish_at is None:
        article.publish_at = timezone.now()
    article.reading_minutes = reading_minutes(article.title, article.lead, article.body)
    article.slug = _unique_slug(
        article.slug or slug_from_title(article.title), exclude_pk=article.pk
    )


@changes_public_pages(topics=("publications",))
@transaction.atomic
def article_create(
    *,
    title: str,
    lead: str,
    body: str,
    publish_at: datetime.datetime | None = None,
    state: str = ArticleState.DRAFT,
    slug: str = "",
    tags: Sequence[str] = (),
    cover: IO[bytes] | None = None,
    cover_alt: str = "",
    author: Any = None,
    byline: str = "",
    campaign: Any = None,
    municipality: Any = None,
    direction: Any = None,
    event: Any = None,
    poll: Poll | None = None,
) -> Article:
    article = Article(
        title=title,
        lead=lead,
        body=body,
        publish_at=publish_at,  # type: ignore[misc]  # set by _article_prepare when None
        state=state,
        slug=slug,
        cover_alt=cover_alt,
        author=author if getattr(author, "pk", None) else None,
        byline=byline,
        campaign=campaign,
        municipality=municipality,
        direction=direction,
        poll=poll,
    )
    if event is not None:
        article.event = event
    _article_prepare(article, cover)
    article.save()
    if tags:
        article.tags.set(tags_get_or_create(names=tags))
    return article


@changes_public_pages(topics=("publications",))
@transaction.atomic
def article_update(
    *,
    article: Article,
    cover: IO[bytes] | None = None,
    tags: Sequence[str] | None = None,
    **fields: Any,
) -> Article:
    """Change fields of an article; the body is sanitised and the reading time recomputed."""
    allowed = {f.name for f in Article._meta.concrete_fields} | {"event"}
    for name, value in fields.items():
        if name not in allowed or name in {"id", "views_count", "rating_sum", "rating_count"}:
            raise InvalidInput(_("Поле «%(name)s» нельзя изменить.") % {"name": name})
        setattr(article, name, value)
    _article_prepare(article, cover)
    article.save()
    if tags is not None:
        article.tags.set(tags_get_or_create(names=tags))
    return article


def article_view_record(
    *,
    article: Article,
    visitor_key: str,
    user_agent: str,
    day: datetime.date | None = None,
) -> bool:
    """Count a view once per visitor per day; robots are not counted. True when counted.

    A visitor's repeated visits of the day are known from the cache (the visitor key is a
    salted hash), so they cost no write; the database's uniqueness still decides."""
    if is_bot(user_agent) or not visitor_key:
        return False
    day = day or timezone.localdate()
    seen = f"cp:article-viewed:{article.pk}:{article.created_at.timestamp()}:{visitor_key}:{day}"
    if not cache.add(seen, 1, 60 * 60 * 26):
        return False
    try:
        with transaction.atomic():
            ArticleView.objects.create(article=article, visitor_key=visitor_key, day=day)
    except IntegrityError:
        return False
    Article.objects.filter(pk=article.pk).update(views_count=F("views_count") + 1)
    article.views_count += 1
    return True


def _rating_value(value: object) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5 or str(value).strip() not in {"1", "2", "3", "4", "5"}:
        raise InvalidInput(
            _("Оценка ставится от 1 до 5 — выберите одну из звёзд."),
            code="rating_range",
            field="value",
        )
    return number


@changes_public_pages(topics=("publications",))
def article_rate(
    *, article: Article, visitor_key: str, value: object, ip_key: str = ""
) -> ArticleRating:
    """One rating from 1 to 5 per visitor; at most 20 ratings an hour from one address."""
    number = _rating_value(value)
    if not visitor_key:
        raise InvalidInput(_("Не удалось определить посетителя."))
    if ip_key:
        rate_limit_hit(
            key=f"article-rate:{ip_key}",
            limit=20,
            window=3600,
            message=_("С вашего адреса поставлено слишком много оценок. Попробуйте позже."),
        )
    try:
        with transaction.atomic():
            rating = ArticleRating.objects.create(
                article=article, visitor_key=visitor_key, value=number
            )
            Article.objects.filter(pk=article.pk).update(
                rating_sum=F("rating_sum") + number, rating_count=F("rating_count") + 1
            )
    except IntegrityError:
        raise Conflict(_("Вы уже оценили этот материал. Спасибо!"), code="already_rated") from None
    article.refresh_from_db(fields=["rating_sum", "rating_count"])
    return rating


@changes_public_pages(topics=("publications",))
@transaction.atomic
def comment_submit(
    *,
    article: Article,
    author_name: str,
    text: str,
    user: Any = None,
    ip: str | None = None,
    user_agent: str = "",
    consent_given: bool = False,
) -> Comment:
    """A comment waits for a moderator; a registered user needs no separate consent."""
    from civicplan.accounts.services import consent_record_create, ip_hash, policy_current

    raw_length = len(text or "")
    if raw_length > COMMENT_MAX_LENGTH * 2:
        raise InvalidInput(
            _(
                "Комментарий слишком длинный: %(n)s знаков, допустимо не больше %(max)s. "
                "Сократите текст или разделите его на несколько комментариев."
            )
            % {"n": f"{raw_length:,}".replace(",", "\u00a0"), "max": COMMENT_MAX_LENGTH},
            code="comment_too_long",
            field="text",
        )
    clean = comment_text_clean(text)
    if len(clean) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            _("Комментарий слишком длинный: %(n)s знаков, допустимо не больше %(max)s.")
            % {"n": len(clean), "max": COMMENT_MAX_LENGTH},
            code="comment_too_long",
            field="text",
        )
    if len(clean) < 2:
        raise InvalidInput(_("Напишите текст комментария."), code="comment_empty", field="text")
    registered = user is not None and getattr(user, "is_authenticated", False)
    typed = " ".join(plain_text(author_name or "").split())[:COMMENT_NAME_MAX]
    name = display_name_clean(typed)
    if typed and not name:
        raise InvalidInput(
            _("Подпись не может содержать адрес электронной почты: её увидят все читатели."),
            field="author_name",
            code="name_is_email",
        )
    if not name and registered:
        name = user.public_name
    if not name:
        raise InvalidInput(_("Укажите, как вас подписать."), field="author_name")
    if not registered and not consent_given:
        raise InvalidInput(
            _("Чтобы оставить комментарий, дайте согласие на обработку персональных данных."),
            code="consent_required",
            field="consent",
        )
    hashed = ip_hash(ip)
    rate_limit_hit(
        key=f"comment:{hashed or 'unknown'}",
        limit=5,
        window=600,
        message=_("Вы оставили много комментариев подряд. Попробуйте через несколько минут."),
    )
    if article.state != ArticleState.PUBLISHED or article.publish_at > timezone.now():
        raise NotFound(_("Материал не найден."))
    consent = None
    if not registered:
        consent = consent_record_create(
            policy=policy_current(kind="personal-data"), ip=ip, user_agent=user_agent
        )
    return Comment.objects.create(
        article=article,
        author=user if registered else None,
        author_name=name,
        text=clean,
        ip_hash=hashed,
        consent=consent,
    )


@changes_public_pages(topics=("publications",))
@transaction.atomic
def comment_moderate(*, comment: Comment, moderator: Any, publish: bool) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    was_published = comment.status == CommentStatus.PUBLISHED
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderated_at = timezone.now()
    comment.moderated_by = moderator if getattr(moderator, "pk", None) else None
    if publish:
        comment.complaints_count = 0
    comment.save(update_fields=["status", "moderated_at", "moderated_by", "complaints_count"])
    if publish and not was_published:
        Article.objects.filter(pk=comment.article_id).update(comments_count=F("comments_count") + 1)
    elif was_published and not publish:
        Article.objects.filter(pk=comment.article_id).update(comments_count=F("comments_count") - 1)
    return comment


@changes_public_pages(topics=("publications",))
@transaction.atomic
def comment_complain(
    *, comment: Comment, visitor_key: str, reason: str = "", ip_key: str = ""
) -> Comment:
    """A complaint; after three the comment goes back to the moderator."""
    if comment.status != CommentStatus.PUBLISHED:
        raise NotFound(_("Комментарий не найден."))
    if ip_key:
        rate_limit_hit(
            key=f"comment-complaint:{ip_key}",
            limit=10,
            window=3600,
            message=_("С вашего адреса отправлено много жалоб. Модераторы уже проверяют их."),
        )
    try:
        with transaction.atomic():
            CommentComplaint.objects.create(
                comment=comment,
                visitor_key=visitor_key,
                reason=" ".join(plain_text(reason).split())[:300],
            )
    except IntegrityError:
        raise Conflict(
            _("Вы уже пожаловались на этот комментарий. Модератор его проверит."),
            code="already_complained",
        ) from None
    Comment.objects.filter(pk=comment.pk).update(complaints_count=F("complaints_count") + 1)
    comment.refresh_from_db()
    if comment.complaints_count >= COMPLAINTS_TO_HIDE:
        comment.status = CommentStatus.PENDING
        comment.save(update_fields=["status"])
        Article.objects.filter(pk=comment.article_id).update(comments_count=F("comments_count") - 1)
    return comment


# Polls -------------------------------------------------------------------------------


@changes_public_pages(topics=("publications",))
@transaction.atomic
def poll_create(
    *,
    question: str,
    options: Sequence[str],
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    kind: str = PollKind.SINGLE,
    allow_other: bool = False,
    description: str = "",
    campaign: Any = None,
    municipality: Any = None,
    is_published: bool = True,
) -> Poll:
    question = " ".join(plain_text(question).split())
    if not question:
        raise InvalidInput(_("Сформулируйте вопрос опроса."), field="question")
    texts = [" ".join(plain_text(o).split())[:200] for o in options]
    texts = [t for t in texts if t]
    if len(texts) < 2:
        raise InvalidInput(_("В опросе нужно не меньше двух вариантов ответа."), field="options")
    if len({t.lower() for t in texts}) != len(texts):
        raise InvalidInput(_("Варианты ответа повторяются."), field="options")
    if kind not in PollKind.values:
        raise InvalidInput(_("Неизвестный вид опроса."), field="kind")
    if closes_at <= opens_at:
        raise InvalidInput(_("Опрос должен закрываться позже, чем открывается."), field="closes_at")
    poll = Poll.objects.create(
        question=question,
        description=plain_text(description).strip(),
        kind=kind,
        allow_other=allow_other,
        opens_at=opens_at,
        closes_at=closes_at,
        campaign=campaign,
        municipality=municipality,
        is_published=is_published,
    )
    PollOption.objects.bulk_create(
        [PollOption(poll=poll, text=t, order=i) for i, t in enumerate(texts)]
    )
    return poll


def poll_is_open(poll: Poll, *, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return poll.is_published and poll.opens_at <= now < poll.closes_at


# How long an anonymous browser that lost its cookie stays «already voted» in a poll.
POLL_VISITOR_WINDOW = 24 * 3600


def new_voter_token() -> str:
    return secrets.token_urlsafe(18)


@changes_public_pages(topics=("publications",))
@transaction.atomic
def poll_vote(
    *,
    poll: Poll,
    option_ids: Sequence[object],
    other_text: str = "",
    user: Any = None,
    voter_token: str | None = None,
    ip_key: str = "",
    visitor_key: str = "",
    resident_confirmed: bool = False,
    now: datetime.datetime | None = None,
) -> PollVote:
    """One vote per account, or per browser (signed cookie token) limited by address.

    An anonymous visitor is also known by `visitor_key` (a salted hash of his address and
    browser): without the cookie the same browser cannot vote in the same poll again for
    POLL_VISITOR_WINDOW seconds, while other phones on the same Wi-Fi still can.
    """
    now = now or timezone.now()
    if not poll.is_published or poll.opens_at > now:
        raise Forbidden(_("Этот опрос ещё не начался."), code="poll_not_open")
    if poll.closes_at <= now:
        raise Forbidden(
            _("Опрос закрыт %(date)s, голосование завершено. Посмотрите результаты.")
            % {"date": timezone.localtime(poll.closes_at).strftime("%d.%m.%Y %H:%M")},
            code="poll_closed",
        )
    ids: list[int] = []
    for raw in option_ids:
        try:
            ids.append(int(str(raw)))
        except (TypeError, ValueError):
            raise InvalidInput(_("Такого варианта ответа нет."), field="options") from None
    ids = sorted(set(ids))
    options = list(PollOption.objects.filter(poll=poll, pk__in=ids))
    if len(options) != len(ids):
        raise InvalidInput(
            _("Такого варианта ответа нет в этом опросе."), code="foreign_option", field="options"
        )
    other = " ".join(plain_text(other_text or "").split())
    if other and not poll.allow_other:
        raise InvalidInput(_("В этом опросе нельзя предложить свой вариант."), field="other")
    if len(other) > OTHER_MAX_LENGTH:
        raise InvalidInput(
            _("Свой вариант слишком длинный: допустимо не больше %(max)s знаков.")
            % {"max": OTHER_MAX_LENGTH},
            field="other",
        )
    answers = len(options) + (1 if other else 0)
    if answers == 0:
        raise InvalidInput(_("Выберите вариант ответа."), code="no_choice", field="options")
    if poll.kind == PollKind.SINGLE and answers > 1:
        raise InvalidInput(_("В этом опросе можно выбрать только один вариант."), field="options")
    if poll.municipality_id and not resident_confirmed:
        raise InvalidInput(
            _("Этот опрос — для жителей: %(m)s. Подтвердите, что живёте или работаете там.")
            % {"m": poll.municipality},
            field="resident",
        )
    registered = user is not None and getattr(user, "is_authenticated", False)
    if registered:
        method = VoteMethod.ACCOUNT
        key = hash_token(f"user:{user.pk}")
    else:
        method = VoteMethod.COOKIE
        if not voter_token:
            raise InvalidInput(_("Не удалось определить голосующего."))
        key = hash_token(voter_token)
        rate_limit_hit(
            key=f"poll-vote:{ip_key or 'unknown'}",
            limit=5,
            window=60,
            message=_(
                "С вашего адреса слишком много голосов подряд. Подождите минуту и попробуйте снова."
            ),
        )
        rate_limit_hit(
            key=f"poll-vote:{poll.pk}:{ip_key or 'unknown'}",
            limit=30,
            window=3600,
            message=_("С вашего адреса в этом опросе проголосовали уже много раз за час."),
        )
    if PollVote.objects.filter(poll=poll, voter_key=key).exists() or (
        registered and PollVote.objects.filter(poll=poll, user=user).exists()
    ):
        raise Conflict(_("Вы уже проголосовали в этом опросе."), code="already_voted")
    if not registered and visitor_key:
        # Counted in the vote's transaction (database store): only a vote that is kept counts.
        rate_limit_hit(
            key=f"poll-visitor:{poll.pk}:{visitor_key}",
            limit=1,
            window=POLL_VISITOR_WINDOW,
            message=_(
                "С этого устройства в этом опросе уже проголосовали. Один посетитель — один "
                "голос; чтобы голосовать со своего аккаунта, войдите на сайт."
            ),
        )
    try:
        with transaction.atomic():
            vote = PollVote.objects.create(
                poll=poll,
                user=user if registered else None,
                voter_key=key,
                method=method,
                other_text=other,
                ip_hash=ip_key,
            )
    except IntegrityError:
        raise Conflict(_("Вы уже проголосовали в этом опросе."), code="already_voted") from None
    vote.options.set(options)
    PollOption.objects.filter(pk__in=[o.pk for o in options]).update(
        votes_count=F("votes_count") + 1
    )
    Poll.objects.filter(pk=poll.pk).update(votes_count=F("votes_count") + 1)
    poll.refresh_from_db(fields=["votes_count"])
    return vote


def cookie_consent_record(
    *, accepted: bool, ip: str | None, user_agent: str = "", user: Any = None
) -> None:
    """Keep proof of a consent to metrics (the cookie policy version); a refusal is not stored."""
    if not accepted:
        return
    from civicplan.accounts.services import consent_record_create, policy_current

    try:
        policy = policy_current(kind="cookies")
    except NotFound:
        return
    consent_record_create(policy=policy, ip=ip, user_agent=user_agent, user=user)
