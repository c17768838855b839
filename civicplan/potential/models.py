"""The potential index in the database: the methodology a region edits, and the scores.

The methodology mirrors `civicplan.analytics.potential.Methodology` (sub-indices →
indicators with weights and better direction); `potential_services.potential_recompute`
turns it into the analytics object, assesses every municipality and replaces the scores.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicplan.analytics.potential.methodology import DERIVATIONS, LATEST


class NormalisationMethod(models.TextChoices):
    MINMAX = "minmax", _("минимум–максимум")
    ZSCORE = "zscore", _("z-оценка (через нормальное распределение)")


class ComparisonScope(models.TextChoices):
    COUNTRY = "country", _("все муниципалитеты России")
    REGION = "region", _("муниципалитеты своего региона")
    SIZE_CLASS = "size_class", _("муниципалитеты той же группы по численности")


class Derivation(models.TextChoices):
    VALUE = "value", _("значение показателя")
    SHARE = "share", _("доля от базы, %")
    PER_1000 = "per_1000", _("на 1000 жителей")
    CHANGE = "change", _("изменение между годами, %")
    RATIO_TO_REGION_MEDIAN = "ratio_to_region_median", _("отношение к медиане региона")
    SPREAD = "spread", _("разброс по группе показателей (коэффициент вариации)")
    COUNT = "count", _("число показателей группы с данными")


class Direction(models.TextChoices):
    HIGHER = "higher", _("больше — лучше")
    LOWER = "lower", _("меньше — лучше")


class PotentialMethodology(models.Model):
    """A methodology of the potential index; the active one is shown on the pages."""

    name = models.CharField(_("название"), max_length=255)
    is_active = models.BooleanField(
        _("действующая"),
        default=False,
        help_text=_("Страницы и API показывают результаты действующей методики."),
    )
    method = models.CharField(
        _("способ нормирования"),
        max_length=16,
        choices=NormalisationMethod.choices,
        default=NormalisationMethod.MINMAX,
    )
    scope = models.CharField(
        _("с кем сравнивать"),
        max_length=16,
        choices=ComparisonScope.choices,
        default=ComparisonScope.COUNTRY,
    )
    winsor_lower = models.FloatField(
        _("нижняя граница винсоризации"),
        default=0.05,
        validators=[MinValueValidator(0.0), MaxValueValidator(0.5)],
        help_text=_("Квантиль, ниже которого значения приравниваются к нему (0,05 — 5 %)."),
    )
    winsor_upper = models.FloatField(
        _("верхняя граница винсоризации"),
        default=0.95,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("минимум муниципалитетов для сравнения"),
        default=3,
        validators=[MinValueValidator(2)],
    )
    min_coverage = models.FloatField(
        _("порог полноты данных"),
        default=0.5,
        validators=[MinValueValidator(0.01), MaxValueValidator(1.0)],
        help_text=_(
            "Индекс рассчитывается, если данные есть по показателям с этой долей общего веса."
        ),
    )
    clusters = models.PositiveSmallIntegerField(
        _("число типов муниципалитетов"), default=6, validators=[MinValueValidator(1)]
    )
    peers = models.PositiveSmallIntegerField(
        _("число аналогов"), default=10, validators=[MinValueValidator(1)]
    )
    version = models.CharField(_("версия"), max_length=32, blank=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    computed_at = models.DateTimeField(_("рассчитана"), null=True, blank=True)
    notices = models.JSONField(_("замечания последнего расчёта"), default=list, blank=True)
    cluster_types = models.JSONField(_("типы муниципалитетов"), default=list, blank=True)

    class Meta:
        db_table = "territories_potentialmethodology"
        verbose_name = _("методика индекса потенциала")
        verbose_name_plural = _("методики индекса потенциала")
        ordering = ["-is_active", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="territories_one_active_potential_methodology",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.winsor_lower >= self.winsor_upper:
            raise ValidationError(_("Нижняя граница винсоризации должна быть меньше верхней."))

    def as_dict(self) -> dict[str, Any]:
        """The shape `Methodology.from_dict` reads (sub-indices and indicators prefetched)."""
        return {
            "name": self.name,
            "version": self.version or "1",
            "normalisation": {
                "method": self.method,
                "scope": self.scope,
                "winsor": [self.winsor_lower, self.winsor_upper],
                "min_group_size": self.min_group_size,
            },
            "min_coverage": self.min_coverage,
            "clusters": self.clusters,
            "peers": self.peers,
            "subindices": [sub.as_dict() for sub in self.subindices.all()],
        }


class PotentialSubIndex(models.Model):
    """A sub-index (demography, migration, …) and its weight in the index."""

    methodology = models.ForeignKey(
        PotentialMethodology,
        verbose_name=_("методика"),
        on_delete=models.CASCADE,
        related_name="subindices",
    )
    code = models.SlugField(_("код"), max_length=32)
    name = models.CharField(_("название"), max_length=255)
    weight = models.FloatField(
        _("вес"),
        validators=[MinValueValidator(0.0)],
        help_text=_("Веса субиндексов, не дающие в сумме 1, пересчитываются пропорционально."),
    )
    high_label = models.CharField(
        _("как назвать тип, сильный по субиндексу"), max_length=128, blank=True
    )
    low_label = models.CharField(
        _("как назвать тип, слабый по субиндексу"), max_length=128, blank=True
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        db_table = "territories_potentialsubindex"
        verbose_name = _("субиндекс")
        verbose_name_plural = _("субиндексы")
        ordering = ["methodology", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "code"], name="territories_subindex_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.methodology})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "weight": self.weight,
            "high_label": self.high_label,
            "low_label": self.low_label,
            "indicators": [ind.as_dict() for ind in self.indicators.all()],
        }


class PotentialIndicator(models.Model):
    """An indicator of a sub-index: how it is derived from the statistics, weight, direction."""

    subindex = models.ForeignKey(
        PotentialSubIndex,
        verbose_name=_("субиндекс"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    code = models.SlugField(_("код"), max_length=64)
    name = models.CharField(_("название"), max_length=255)
    unit = models.CharField(_("единица измерения"), max_length=32, blank=True)
    weight = models.FloatField(
        _("вес в субиндексе"),
        validators=[MinValueValidator(0.0)],
        help_text=_("Веса показателей субиндекса, не дающие в сумме 1, пересчитываются."),
    )
    better = models.CharField(
        _("что лучше"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    op = models.CharField(
        _("способ расчёта"), max_length=32, choices=Derivation.choices, default=Derivation.VALUE
    )
    source = models.CharField(
        _("исходный показатель"), max_length=64, blank=True, help_text=_("Код, например avg_wage.")
    )
    base = models.CharField(
        _("база (знаменатель)"), max_length=64, blank=True, help_text=_("Например population.")
    )
    prefix = models.CharField(
        _("начало кодов группы"),
        max_length=64,
        blank=True,
        help_text=_("Для разброса и числа показателей, например avg_wage_okved_."),
    )
    year = models.CharField(
        _("год"),
        max_length=8,
        default=LATEST,
        help_text=_("Год или latest — последний год, за который есть данные."),
    )
    from_year = models.PositiveSmallIntegerField(_("с какого года"), null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(_("год базы"), null=True, blank=True)
    min_count = models.PositiveSmallIntegerField(
        _("минимум показателей группы"), default=3, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        db_table = "territories_potentialindicator"
        verbose_name = _("показатель индекса")
        verbose_name_plural = _("показатели индекса")
        ordering = ["subindex", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subindex", "code"], name="territories_potential_indicator_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        missing = [p for p in DERIVATIONS.get(self.op, ()) if not getattr(self, p)]
        if missing:
            raise ValidationError(
                _("Для способа расчёта «%(op)s» нужно заполнить: %(fields)s.")
                % {
                    "op": self.get_op_display(),
                    "fields": ", ".join(
                        str(getattr(self._meta.get_field(p), "verbose_name", p)) for p in missing
                    ),
                }
            )
        if self.year != LATEST and not self.year.isdigit():
            raise ValidationError({"year": _("Укажите год цифрами или latest.")})

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "unit": self.unit,
            "weight": self.weight,
            "better": self.better,
            "op": self.op,
            "year": int(self.year) if self.year.isdigit() else LATEST,
            "min_count": self.min_count,
        }
        for key in ("source", "base", "prefix"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        for key in ("from_year", "base_year"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data


class PotentialScore(models.Model):
    """A municipality's result under a methodology; replaced on every recomputation."""

    methodology = models.ForeignKey(
        PotentialMethodology,
        verbose_name=_("методика"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.CASCADE,
        related_name="potential_scores",
    )
    index = models.FloatField(_("индекс потенциала"), null=True, blank=True, db_index=True)
    coverage = models.FloatField(_("полнота данных"), default=0.0)
    rank_region = models.PositiveIntegerField(_("место в регионе"), null=True, blank=True)
    count_region = models.PositiveIntegerField(_("оценено в регионе"), default=0)
    rank_size_class = models.PositiveIntegerField(
        _("место в группе по численности"), null=True, blank=True
    )
    count_size_class = models.PositiveIntegerField(_("оценено в группе"), default=0)
    size_class = models.CharField(_("группа по численности"), max_length=16, blank=True)
    cluster = models.SmallIntegerField(_("тип"), null=True, blank=True)
    cluster_name = models.CharField(_("название типа"), max_length=255, blank=True)
    subindices = models.JSONField(_("субиндексы"), default=dict)
    details = models.JSONField(
        _("подробности"),
        default=dict,
        help_text=_("Вклады показателей, объяснение, аналоги, точки роста и слабые места."),
    )
    computed_at = models.DateTimeField(_("рассчитано"))

    class Meta:
        db_table = "territories_potentialscore"
        verbose_name = _("индекс потенциала муниципалитета")
        verbose_name_plural = _("индексы потенциала муниципалитетов")
        ordering = ["methodology", "-index"]
        constraints = [
            models.UniqueConstraint(
                fields=["methodology", "municipality"], name="territories_potential_score_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["methodology", "size_class", "index"],
                name="territories_methodo_b550f4_idx",
            )
        ]

    def __str__(self) -> str:
        value = "—" if self.index is None else f"{self.index:.1f}"
        return f"{self.municipality}: {value}"
