"""News of the region's strategy work, their readers' ratings and comments; quick polls."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

COMMENT_MAX_LENGTH = 3000
OTHER_MAX_LENGTH = 300


class Tag(models.Model):
    name = models.CharField(_("название"), max_length=80, unique=True)
    slug = models.SlugField(_("адрес"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("тег")
        verbose_name_plural = _("теги")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("черновик")
    PUBLISHED = "published", _("опубликовано")


class Article(models.Model):
    """A news item; visible once published and its publication time has come."""

    title = models.CharField(_("заголовок"), max_length=255)
    slug = models.SlugField(_("адрес"), max_length=120, unique=True)
    lead = models.CharField(_("лид"), max_length=600)
    body = models.TextField(
        _("текст"), help_text=_("HTML: сценарии, фреймы и обработчики событий удаляются.")
    )
    cover = models.FileField(_("обложка"), upload_to="news/%Y/%m/", blank=True)
    cover_alt = models.CharField(_("описание обложки для незрячих"), max_length=255, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("теги"), related_name="articles", blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("направление стратегии"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    # A strategic session (meetings.Session) once that model exists; a generic link for now.
    event_type = models.ForeignKey(
        ContentType,
        verbose_name=_("тип связанного события"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    event_id = models.PositiveBigIntegerField(_("номер связанного события"), null=True, blank=True)
    event = GenericForeignKey("event_type", "event_id")
    poll = models.ForeignKey(
        "Poll",
        verbose_name=_("опрос в материале"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    byline = models.CharField(
        _("подпись"),
        max_length=255,
        blank=True,
        help_text=_("Например: «Пресс-служба министерства экономического развития»."),
    )
    state = models.CharField(
        _("состояние"), max_length=16, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    publish_at = models.DateTimeField(
        _("время публикации"), db_index=True, help_text=_("Можно указать время в будущем.")
    )
    reading_minutes = models.PositiveSmallIntegerField(_("время чтения, минут"), default=1)
    views_count = models.PositiveIntegerField(_("просмотры"), default=0)
    rating_sum = models.PositiveIntegerField(_("сумма оценок"), default=0)
    rating_count = models.PositiveIntegerField(_("число оценок"), default=0)
    comments_count = models.PositiveIntegerField(_("опубликованные комментарии"), default=0)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("новость")
        verbose_name_plural = _("новости")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["state", "publish_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("publications:article", args=[self.slug])

    @property
    def rating_average(self) -> float | None:
        return self.rating_sum / self.rating_count if self.rating_count else None


class ArticleView(models.Model):
    """One visitor read the article on one day; the visitor key is a salted hash."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="views")
    visitor_key = models.CharField(max_length=64)
    day = models.DateField(db_index=True)

    class Meta:
        verbose_name = _("просмотр")
        verbose_name_plural = _("просмотры")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor_key", "day"], name="publications_view_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day}"


class ArticleRating(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    visitor_key = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField(_("оценка"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("оценка")
        verbose_name_plural = _("оценки")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "visitor_key"], name="publications_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="publications_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.value}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("на модерации")
    PUBLISHED = "published", _("опубликован")
    REJECTED = "rejected", _("отклонён")


class Comment(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("новость"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_name = models.CharField(_("имя"), max_length=120)
    text = models.TextField(_("текст"), max_length=COMMENT_MAX_LENGTH)
    status = models.CharField(
        _("статус"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    complaints_count = models.PositiveSmallIntegerField(_("жалобы"), default=0)
    ip_hash = models.CharField(_("хеш IP-адреса"), max_length=64, blank=True)
    consent = models.ForeignKey(
        "accounts.ConsentRecord",
        verbose_name=_("согласие"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)
    moderated_at = models.DateTimeField(_("проверен"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("модератор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("комментарий")
        verbose_name_plural = _("комментарии")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["article", "status"])]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.text[:60]}"


class CommentComplaint(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="complaints")
    visitor_key = models.CharField(max_length=64)
    reason = models.CharField(_("причина"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("жалоба на комментарий")
        verbose_name_plural = _("жалобы на комментарии")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "visitor_key"], name="publications_complaint_once"
            )
        ]

    def __str__(self) -> str:
        return self.reason or str(self.comment_id)


class PollKind(models.TextChoices):
    SINGLE = "single", _("один вариант")
    MULTIPLE = "multiple", _("несколько вариантов")


class Poll(models.Model):
    question = models.CharField(_("вопрос"), max_length=300)
    description = models.TextField(_("пояснение"), blank=True)
    kind = models.CharField(
        _("вид"), max_length=16, choices=PollKind.choices, default=PollKind.SINGLE
    )
    allow_other = models.BooleanField(_("можно предложить свой вариант"), default=False)
    opens_at = models.DateTimeField(_("открыт с"))
    closes_at = models.DateTimeField(_("открыт до"))
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="polls",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("только для жителей"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="polls",
    )
    is_published = models.BooleanField(_("опубликован"), default=True)
    votes_count = models.PositiveIntegerField(_("проголосовали"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("опрос")
        verbose_name_plural = _("опросы")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="publications_poll_dates"
            )
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return reverse("publications:poll", args=[self.pk])


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("вариант"), max_length=200)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    votes_count = models.PositiveIntegerField(_("голоса"), default=0)

    class Meta:
        verbose_name = _("вариант ответа")
        verbose_name_plural = _("варианты ответа")
        ordering = ["poll", "order", "pk"]

    def __str__(self) -> str:
        return self.text


class VoteMethod(models.TextChoices):
    ACCOUNT = "account", _("по учётной записи")
    COOKIE = "cookie", _("по подписанной cookie")


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    options = models.ManyToManyField(PollOption, related_name="votes", blank=True)
    other_text = models.CharField(_("свой вариант"), max_length=OTHER_MAX_LENGTH, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    voter_key = models.CharField(max_length=64)
    method = models.CharField(_("способ"), max_length=16, choices=VoteMethod.choices)
    ip_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("голос")
        verbose_name_plural = _("голоса")
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter_key"], name="publications_vote_once"),
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=Q(user__isnull=False),
                name="publications_vote_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} {self.created_at:%d.%m.%Y %H:%M}"
