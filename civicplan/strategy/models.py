"""The region's development strategy and its directions (priorities).

Direction → Goal → KPI (baseline, targets by year, actuals); Measure (roadmap item, nested,
linked to goals, KPIs and residents' proposals) with milestones; the change history and saved
versions for comparison.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Strategy(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("проект")
        PUBLIC_DISCUSSION = "discussion", _("общественное обсуждение")
        APPROVED = "approved", _("утверждена")
        IN_FORCE = "in_force", _("действует")
        ARCHIVED = "archived", _("в архиве")

    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="strategies",
    )
    title = models.CharField(_("название"), max_length=255)
    slug = models.SlugField(_("адрес"), max_length=100, unique=True)
    horizon_start = models.PositiveSmallIntegerField(_("начало горизонта"))
    horizon_end = models.PositiveSmallIntegerField(_("конец горизонта"))
    version = models.CharField(_("версия"), max_length=32, default="1.0")
    state = models.CharField(
        _("состояние"), max_length=16, choices=State.choices, default=State.DRAFT
    )
    approval_act = models.CharField(_("акт об утверждении"), max_length=255, blank=True)
    summary = models.TextField(_("краткое описание"), blank=True)

    class Meta:
        verbose_name = _("стратегия")
        verbose_name_plural = _("стратегии")
        ordering = ["region__name", "-horizon_start"]

    def __str__(self) -> str:
        return self.title


class Direction(models.Model):
    """A priority of the strategy, e.g. «Новое качество жизни»."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("стратегия"), on_delete=models.CASCADE, related_name="directions"
    )
    title = models.CharField(_("название"), max_length=255)
    slug = models.SlugField(_("адрес"), max_length=100)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    color = models.CharField(_("цвет"), max_length=7, default="#1f5fa8")

    class Meta:
        verbose_name = _("направление")
        verbose_name_plural = _("направления")
        ordering = ["strategy", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="strategy_direction_slug")
        ]

    def __str__(self) -> str:
        return self.title


class Stage(models.Model):
    """A stage of the strategy, e.g. 2025–2027."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("стратегия"), on_delete=models.CASCADE, related_name="stages"
    )
    title = models.CharField(_("название"), max_length=255)
    start_year = models.PositiveSmallIntegerField(_("первый год"))
    end_year = models.PositiveSmallIntegerField(_("последний год"))

    class Meta:
        verbose_name = _("этап")
        verbose_name_plural = _("этапы")
        ordering = ["strategy", "start_year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.start_year}–{self.end_year})"


class Goal(models.Model):
    """A goal of a direction; KPIs measure it, measures serve it."""

    direction = models.ForeignKey(
        Direction, verbose_name=_("направление"), on_delete=models.CASCADE, related_name="goals"
    )
    code = models.CharField(_("код"), max_length=32)
    title = models.CharField(_("название"), max_length=500)
    description = models.TextField(_("описание"), blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("цель")
        verbose_name_plural = _("цели")
        ordering = ["direction__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "code"], name="strategy_goal_code")
        ]

    def __str__(self) -> str:
        return self.title


class Better(models.TextChoices):
    HIGHER = "higher", _("больше — лучше")
    LOWER = "lower", _("меньше — лучше")


class IndicatorAggregate(models.TextChoices):
    SUM = "sum", _("сумма по муниципалитетам")
    MEAN = "mean", _("среднее по муниципалитетам")
    WEIGHTED_MEAN = "weighted", _("среднее, взвешенное по населению")


class KPI(models.Model):
    """A key performance indicator of a goal with its baseline, targets and actuals."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("цель"), on_delete=models.CASCADE, related_name="kpis"
    )
    code = models.CharField(_("код"), max_length=32)
    name = models.CharField(_("название"), max_length=500)
    unit = models.CharField(_("единица измерения"), max_length=32)
    better = models.CharField(
        _("что лучше"), max_length=8, choices=Better.choices, default=Better.HIGHER
    )
    baseline_year = models.PositiveSmallIntegerField(_("базовый год"))
    baseline_value = models.FloatField(_("базовое значение"))
    indicator = models.ForeignKey(
        "territories.Indicator",
        verbose_name=_("показатель статистики"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="strategy_kpis",
        help_text=_("Если указан, фактические значения берутся из загруженной статистики."),
    )
    indicator_aggregate = models.CharField(
        _("как сводить по муниципалитетам"),
        max_length=8,
        choices=IndicatorAggregate.choices,
        default=IndicatorAggregate.SUM,
    )
    source = models.CharField(_("источник данных"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("показатель")
        verbose_name_plural = _("показатели")
        ordering = ["goal__direction__order", "goal__order", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["goal", "code"], name="strategy_kpi_code")]

    def __str__(self) -> str:
        return f"{self.name}, {self.unit}"


class KPITarget(models.Model):
    """The target of a KPI for a year (a stage's target is set for its last year)."""

    kpi = models.ForeignKey(
        KPI, verbose_name=_("показатель"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    value = models.FloatField(_("целевое значение"))
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("этап"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="targets",
    )

    class Meta:
        verbose_name = _("целевое значение")
        verbose_name_plural = _("целевые значения")
        ordering = ["kpi", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "year"], name="strategy_kpi_target_year")
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}: {self.value}"


class KPIValue(models.Model):
    """An actual value of a KPI for a year, for the region or for one municipality."""

    kpi = models.ForeignKey(
        KPI, verbose_name=_("показатель"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(_("год"))
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="strategy_kpi_values",
    )
    value = models.FloatField(_("фактическое значение"))
    source = models.CharField(_("источник"), max_length=255, blank=True)
    entered_at = models.DateTimeField(_("дата внесения"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто внёс"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("фактическое значение")
        verbose_name_plural = _("фактические значения")
        ordering = ["kpi", "municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "year"],
                condition=models.Q(municipality__isnull=True),
                name="strategy_kpi_value_region_year",
            ),
            models.UniqueConstraint(
                fields=["kpi", "municipality", "year"],
                condition=models.Q(municipality__isnull=False),
                name="strategy_kpi_value_municipality_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.year}: {self.value}"


class Sector(models.TextChoices):
    GOVERNMENT = "government", _("органы власти региона")
    MUNICIPALITY = "municipality", _("органы местного самоуправления")
    BUSINESS = "business", _("бизнес")
    CIVIL_SOCIETY = "civil", _("некоммерческие организации и гражданское общество")
    SCIENCE = "science", _("наука и образование")


class MeasureState(models.TextChoices):
    PLANNED = "planned", _("запланировано")
    IN_PROGRESS = "in_progress", _("выполняется")
    DONE = "done", _("выполнено")
    DELAYED = "delayed", _("отстаёт от графика")
    CANCELLED = "cancelled", _("отменено")


class Measure(models.Model):
    """An item of a roadmap; measures nest, a parent's progress rolls up from its children."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("стратегия"), on_delete=models.CASCADE, related_name="measures"
    )
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("направление"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("входит в"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("код"), max_length=32)
    title = models.CharField(_("название"), max_length=500)
    description = models.TextField(_("описание"), blank=True)
    goals = models.ManyToManyField(
        Goal, verbose_name=_("цели"), blank=True, related_name="measures"
    )
    kpis = models.ManyToManyField(
        KPI, verbose_name=_("показатели"), blank=True, related_name="measures"
    )
    # `measure.proposals` — the proposals a measure answers — is the reverse side of
    # `proposals.Proposal.strategy_measures`: the link belongs to the layer above strategy.
    organisation = models.CharField(_("ответственный исполнитель"), max_length=255)
    sector = models.CharField(_("сектор"), max_length=16, choices=Sector.choices)
    partners = models.TextField(_("соисполнители и партнёры"), blank=True)
    municipalities = models.ManyToManyField(
        "territories.Municipality",
        verbose_name=_("муниципальные образования"),
        blank=True,
        related_name="strategy_measures",
    )
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    budget_federal = models.DecimalField(
        _("федеральный бюджет, млн руб."), max_digits=14, decimal_places=2, default=0
    )
    budget_regional = models.DecimalField(
        _("областной бюджет, млн руб."), max_digits=14, decimal_places=2, default=0
    )
    budget_municipal = models.DecimalField(
        _("местные бюджеты, млн руб."), max_digits=14, decimal_places=2, default=0
    )
    budget_private = models.DecimalField(
        _("внебюджетные средства, млн руб."), max_digits=14, decimal_places=2, default=0
    )
    state = models.CharField(
        _("состояние"), max_length=16, choices=MeasureState.choices, default=MeasureState.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("выполнение, %"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight = models.FloatField(
        _("вес в родительском мероприятии"),
        default=1.0,
        validators=[MinValueValidator(0)],
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        verbose_name = _("мероприятие")
        verbose_name_plural = _("мероприятия")
        ordering = ["direction__order", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "code"], name="strategy_measure_code"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="strategy_measure_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="strategy_measure_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def budget_total(self) -> Decimal:
        return (
            self.budget_federal + self.budget_regional + self.budget_municipal + self.budget_private
        )


class Milestone(models.Model):
    """A checkpoint of a measure with its date."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("мероприятие"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("название"), max_length=500)
    due_on = models.DateField(_("срок"))
    done_on = models.DateField(_("выполнено"), null=True, blank=True)

    class Meta:
        verbose_name = _("контрольная точка")
        verbose_name_plural = _("контрольные точки")
        ordering = ["measure", "due_on"]

    def __str__(self) -> str:
        return self.title


class StrategyChange(models.Model):
    """One change of a strategy object: who, when, what (field: [before, after])."""

    class Action(models.TextChoices):
        CREATE = "create", _("создание")
        UPDATE = "update", _("изменение")
        DELETE = "delete", _("удаление")
        IMPORT = "import", _("загрузка из файла")
        SNAPSHOT = "snapshot", _("сохранение версии")

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("стратегия"), on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("когда"), default=timezone.now, db_index=True)
    action = models.CharField(_("действие"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("тип объекта"), max_length=32)
    object_id = models.PositiveBigIntegerField(_("номер объекта"), null=True, blank=True)
    object_label = models.CharField(_("объект"), max_length=500)
    changes = models.JSONField(_("что изменилось"), default=dict, blank=True)

    class Meta:
        verbose_name = _("изменение стратегии")
        verbose_name_plural = _("история изменений стратегии")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_action_display()}: {self.object_label}"


class StrategyVersion(models.Model):
    """A saved copy of the whole strategy (structure, targets, measures) to compare with."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("стратегия"), on_delete=models.CASCADE, related_name="versions"
    )
    label = models.CharField(_("версия"), max_length=64)
    note = models.CharField(_("комментарий"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("сохранена"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто сохранил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("содержание"))

    class Meta:
        verbose_name = _("версия стратегии")
        verbose_name_plural = _("версии стратегии")
        ordering = ["strategy", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "label"], name="strategy_version_label")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} — {self.label}"
