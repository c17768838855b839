"""The library of municipal practices: what a town did, why, and with what results."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.Model):
    """A domain of practices (демография, занятость, транспорт, …).

    `subindex` is the code of the potential sub-index the domain answers, so that a weak
    sub-index leads to practices of its domains.
    """

    code = models.SlugField(_("код"), max_length=32, unique=True)
    name = models.CharField(_("название"), max_length=128)
    subindex = models.CharField(
        _("субиндекс потенциала"),
        max_length=32,
        blank=True,
        help_text=_("Код субиндекса индекса потенциала, например demography."),
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("сфера практик")
        verbose_name_plural = _("сферы практик")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PracticeStatus(models.TextChoices):
    PROPOSED = "proposed", _("на модерации")
    PUBLISHED = "published", _("опубликована")
    REJECTED = "rejected", _("отклонена")


YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


class Practice(models.Model):
    """A practice a municipality carried out, with its results in numbers."""

    title = models.CharField(_("название"), max_length=255)
    problem = models.TextField(_("какую проблему решали"))
    actions = models.TextField(_("что сделано"))
    results = models.TextField(_("результаты"), blank=True)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="practices",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
    )
    year_start = models.PositiveSmallIntegerField(_("начало, год"), validators=YEAR_VALIDATORS)
    year_end = models.PositiveSmallIntegerField(
        _("окончание, год"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_("Пусто — практика продолжается."),
    )
    domains = models.ManyToManyField(Domain, verbose_name=_("сферы"), related_name="practices")
    contacts = models.TextField(
        _("контакты"),
        blank=True,
        help_text=_(
            "Кто может рассказать подробности: подразделение, служебный телефон или почта."
        ),
    )
    status = models.CharField(
        _("статус"),
        max_length=16,
        choices=PracticeStatus.choices,
        default=PracticeStatus.PROPOSED,
        db_index=True,
    )
    is_example = models.BooleanField(
        _("пример для демонстрации"),
        default=False,
        help_text=_("Практика написана для демонстрации и не описывает реальный опыт."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто предложил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_practices",
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("модератор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_practices",
    )
    moderation_note = models.TextField(_("комментарий модератора"), blank=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    published_at = models.DateTimeField(_("опубликована"), null=True, blank=True)

    class Meta:
        verbose_name = _("практика")
        verbose_name_plural = _("практики")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "region"])]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        if self.year_end is None:
            return _("с %(start)s г.") % {"start": self.year_start}
        if self.year_end == self.year_start:
            return _("%(start)s г.") % {"start": self.year_start}
        return _("%(start)s–%(end)s гг.") % {"start": self.year_start, "end": self.year_end}

    @property
    def place(self) -> str:
        return self.municipality.name if self.municipality_id else self.region.name  # type: ignore[union-attr]  # the _id check guarantees the relation

    @property
    def text_for_matching(self) -> str:
        return f"{self.title}. {self.problem} {self.actions} {self.results}"


class PracticeResult(models.Model):
    """A result in numbers: «очередь в ясли: 340 → 150 детей»."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("практика"), on_delete=models.CASCADE, related_name="figures"
    )
    name = models.CharField(_("показатель"), max_length=255)
    before = models.FloatField(_("было"), null=True, blank=True)
    after = models.FloatField(_("стало"))
    unit = models.CharField(_("единица измерения"), max_length=64, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("результат в цифрах")
        verbose_name_plural = _("результаты в цифрах")
        ordering = ["practice", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def change_percent(self) -> float | None:
        if self.before in (None, 0):
            return None
        return (self.after - self.before) / abs(self.before) * 100


class PracticeDocument(models.Model):
    """A document about the practice: a file or a link, with its title."""

    practice = models.ForeignKey(
        Practice, verbose_name=_("практика"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("название документа"), max_length=255)
    file = models.FileField(_("файл"), upload_to="practices/%Y/", blank=True)
    url = models.URLField(_("ссылка"), blank=True)

    class Meta:
        verbose_name = _("документ практики")
        verbose_name_plural = _("документы практик")
        ordering = ["practice", "id"]

    def __str__(self) -> str:
        return self.title
