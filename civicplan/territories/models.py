"""Regions, municipalities, cities and the official statistics about them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A subject of the Russian Federation, identified by its code (63 — Самарская область)."""

    code = models.PositiveSmallIntegerField(_("код региона"), unique=True)
    name = models.CharField(_("название"), max_length=255)
    timezone = models.CharField(_("часовой пояс"), max_length=64, default="Europe/Moscow")

    class Meta:
        verbose_name = _("регион")
        verbose_name_plural = _("регионы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    MUNICIPAL_DISTRICT = "municipal_district", _("муниципальный район")
    MUNICIPAL_OKRUG = "municipal_okrug", _("муниципальный округ")
    URBAN_OKRUG = "urban_okrug", _("городской округ")
    INTRACITY = "intracity", _("внутригородская территория")
    OTHER = "other", _("иное")


class Municipality(models.Model):
    """A municipality by its 11-digit OKTMO code."""

    oktmo = models.CharField(_("ОКТМО"), max_length=11, unique=True)
    name = models.CharField(_("полное название"), max_length=255)
    short_name = models.CharField(_("краткое название"), max_length=255, db_index=True)
    kind = models.CharField(
        _("вид"), max_length=32, choices=MunicipalityKind.choices, default=MunicipalityKind.OTHER
    )
    status = models.CharField(_("особый статус"), max_length=64, blank=True)
    center = models.CharField(_("административный центр"), max_length=255, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="municipalities"
    )
    lat = models.FloatField(_("широта"), null=True, blank=True)
    lon = models.FloatField(_("долгота"), null=True, blank=True)
    population = models.PositiveIntegerField(
        _("численность населения"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Последнее известное значение показателя «Численность населения»."),
    )
    population_year = models.PositiveSmallIntegerField(_("год численности"), null=True, blank=True)

    class Meta:
        verbose_name = _("муниципальное образование")
        verbose_name_plural = _("муниципальные образования")
        ordering = ["region__name", "name"]
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name


class SizeClass(models.TextChoices):
    """Settlement size classes of the Russian planning code (СП 42.13330)."""

    SMALL = "small", _("малый (до 50 тыс.)")
    MEDIUM = "medium", _("средний (50–100 тыс.)")
    LARGE = "large", _("большой (100–250 тыс.)")
    BIG = "big", _("крупный (250 тыс. — 1 млн)")
    LARGEST = "largest", _("крупнейший (свыше 1 млн)")


def size_class_for(population: int | None) -> str:
    if population is None:
        return ""
    if population < 50_000:
        return SizeClass.SMALL
    if population < 100_000:
        return SizeClass.MEDIUM
    if population < 250_000:
        return SizeClass.LARGE
    if population < 1_000_000:
        return SizeClass.BIG
    return SizeClass.LARGEST


# The kind of a settlement when a file gives none: «г» (a town), as the files abbreviate it;
# stored data, not a message.
DEFAULT_CITY_KIND = "г"


class City(models.Model):
    """A town or city with its population and size class."""

    name = models.CharField(_("название"), max_length=255, db_index=True)
    kind = models.CharField(_("тип поселения"), max_length=16, default=DEFAULT_CITY_KIND)
    region = models.ForeignKey(
        Region, verbose_name=_("регион"), on_delete=models.PROTECT, related_name="cities"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("муниципальное образование"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cities",
    )
    oktmo = models.CharField(_("ОКТМО населённого пункта"), max_length=11, blank=True)
    lat = models.FloatField(_("широта"), null=True, blank=True)
    lon = models.FloatField(_("долгота"), null=True, blank=True)
    population = models.PositiveIntegerField(_("численность населения"), null=True, blank=True)
    foundation_year = models.SmallIntegerField(_("год основания"), null=True, blank=True)
    is_regional_capital = models.BooleanField(_("столица региона"), default=False)
    size_class = models.CharField(
        _("класс по численности"), max_length=16, choices=SizeClass.choices, blank=True
    )

    class Meta:
        verbose_name = _("город")
        verbose_name_plural = _("города")
        ordering = ["region__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="territories_city_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}. {self.name}" if self.kind else self.name


class Better(models.TextChoices):
    HIGHER = "higher", _("больше — лучше")
    LOWER = "lower", _("меньше — лучше")
    NEUTRAL = "neutral", _("нейтрально")


class Indicator(models.Model):
    """A statistical indicator, e.g. population or average wage."""

    code = models.SlugField(_("код"), max_length=64, unique=True)
    name = models.CharField(_("название"), max_length=255)
    unit = models.CharField(_("единица измерения"), max_length=32, blank=True)
    better = models.CharField(
        _("что лучше"), max_length=8, choices=Better.choices, default=Better.HIGHER
    )

    class Meta:
        verbose_name = _("показатель")
        verbose_name_plural = _("показатели")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """The value of an indicator for a municipality in a year."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("муниципальное образование"),
        on_delete=models.CASCADE,
        related_name="indicator_values",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("показатель"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    value = models.FloatField(_("значение"))
    source = models.CharField(_("источник"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("значение показателя")
        verbose_name_plural = _("значения показателей")
        ordering = ["municipality", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "indicator", "year"], name="territories_value_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.municipality} — {self.indicator.code}, {self.year}: {self.value}"
