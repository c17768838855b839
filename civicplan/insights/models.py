"""What the analytics engine learned about a campaign's proposals.

Results are written per `AnalysisRun`: a run's rows are complete before the run becomes the
campaign's current one, so a worker that dies half-way leaves the previous results intact.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from civicplan.strategy.models import Direction


class AnalysisRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("выполняется")
        DONE = "done", _("готово")
        FAILED = "failed", _("ошибка")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.CASCADE,
        related_name="analysis_runs",
    )
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("фоновая работа"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("состояние"), max_length=16, choices=State.choices, default=State.RUNNING
    )
    is_current = models.BooleanField(_("действующий"), default=False)
    classifier_mode = models.CharField(_("режим классификатора"), max_length=32, blank=True)
    proposals_total = models.PositiveIntegerField(_("предложений"), default=0)
    duplicates_total = models.PositiveIntegerField(_("повторов"), default=0)
    topics_total = models.PositiveIntegerField(_("тем"), default=0)
    labelled_total = models.PositiveIntegerField(_("размеченных примеров"), default=0)
    timings = models.JSONField(_("время этапов, с"), default=dict, blank=True)
    classifier_quality = models.JSONField(
        _("качество классификатора"),
        null=True,
        blank=True,
        help_text=_(
            "Перекрёстная проверка на размеченных модераторами примерах: точность, полнота "
            "и F1 по направлениям (номера направлений и числа, без текстов)."
        ),
    )
    chunk_workers = models.JSONField(
        _("обработчики частей"),
        default=dict,
        blank=True,
        help_text=_("Сколько частей подготовил каждый обработчик."),
    )
    started_at = models.DateTimeField(_("начат"), auto_now_add=True)
    finished_at = models.DateTimeField(_("окончен"), null=True, blank=True)

    class Meta:
        verbose_name = _("анализ кампании")
        verbose_name_plural = _("анализы кампаний")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(is_current=True),
                name="insights_one_current_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.started_at:%d.%m.%Y %H:%M} ({self.get_state_display()})"

    CLASSIFIER_MODES = {
        "zero-shot": _("по описаниям направлений, без обучения"),
        "zero-shot+self-training": _(
            "по описаниям направлений с самообучением на текстах кампании"
        ),
        "few-shot": _("обучен на нескольких решениях модераторов"),
        "few-shot+self-training": _(
            "обучен на нескольких решениях модераторов с самообучением на текстах кампании"
        ),
        "supervised": _("обучен на решениях модераторов"),
        "supervised+self-training": _(
            "обучен на решениях модераторов с самообучением на текстах кампании"
        ),
    }

    @property
    def classifier_mode_display(self) -> str:
        return str(self.CLASSIFIER_MODES.get(self.classifier_mode, self.classifier_mode or "—"))


class Topic(models.Model):
    run = models.ForeignKey(
        AnalysisRun, verbose_name=_("анализ"), on_delete=models.CASCADE, related_name="topics"
    )
    direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("направление"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    number = models.IntegerField(_("номер"))
    label = models.CharField(_("название темы"), max_length=255)
    terms = models.JSONField(_("ключевые слова"), default=list, blank=True)
    size = models.PositiveIntegerField(_("предложений"), default=0)
    supports = models.PositiveIntegerField(_("поддержек"), default=0)
    key_proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("ключевое предложение"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    key_text = models.TextField(_("текст ключевого предложения"), blank=True)
    summary = models.TextField(_("сводка"), blank=True)
    summary_method = models.CharField(_("способ сводки"), max_length=32, blank=True)
    is_other = models.BooleanField(_("прочее"), default=False)

    class Meta:
        verbose_name = _("тема")
        verbose_name_plural = _("темы")
        ordering = ["run", "is_other", "-size"]

    def __str__(self) -> str:
        return self.label


class ProposalAnalysis(models.Model):
    """The engine's view of one proposal in one run (or of a new proposal between runs)."""

    run = models.ForeignKey(
        AnalysisRun, verbose_name=_("анализ"), on_delete=models.CASCADE, related_name="analyses"
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="analyses",
    )
    predicted_direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("предсказанное направление"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    guessed_direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("вероятное направление (модель не уверена)"),
        help_text=_(
            "Самое вероятное направление, когда уверенность ниже порога: модератору "
            "предлагается как «возможно»."
        ),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confidence = models.FloatField(_("уверенность"), null=True, blank=True)
    duplicate_group = models.PositiveIntegerField(_("группа повторов"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("повтор предложения"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duplicate_score = models.FloatField(_("сходство с оригиналом"), null=True, blank=True)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("тема"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="analyses",
    )
    municipality_ids = models.JSONField(_("упомянутые муниципалитеты"), default=list, blank=True)
    keywords = models.JSONField(_("ключевые слова"), default=list, blank=True)
    analysed_at = models.DateTimeField(_("проанализировано"), auto_now=True)

    class Meta:
        verbose_name = _("анализ предложения")
        verbose_name_plural = _("анализы предложений")
        constraints = [
            models.UniqueConstraint(fields=["run", "proposal"], name="insights_analysis_unique")
        ]
        indexes = [models.Index(fields=["proposal", "run"])]

    def __str__(self) -> str:
        return f"{self.proposal_id} @ {self.run_id}"

    @property
    def suggested_direction(self) -> Direction | None:
        """The direction a moderator is offered: the prediction, else the unsure guess."""
        return self.predicted_direction or self.guessed_direction


class SuggestionFeedback(models.Model):
    """What a moderator did with the engine's suggestion: the learning signal and its metric."""

    class Kind(models.TextChoices):
        DIRECTION = "direction", _("направление")
        DUPLICATE = "duplicate", _("повтор")

    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("вид подсказки"), max_length=16, choices=Kind.choices)
    suggested = models.CharField(_("подсказка"), max_length=64)
    final = models.CharField(_("решение модератора"), max_length=64, blank=True)
    accepted = models.BooleanField(_("подсказка принята"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("модератор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("решение по подсказке")
        verbose_name_plural = _("решения по подсказкам")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.suggested} → {self.final}"


class AnalysisChunk(models.Model):
    """A slice of a run's proposals that any worker may claim, clean and lemmatise.

    With several Celery workers, the per-text work of a large campaign is shared: each
    worker claims pending chunks (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL) until
    none are left; the run's coordinator then assembles them in order.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("ожидает")
        CLAIMED = "claimed", _("в работе")
        DONE = "done", _("готово")

    run = models.ForeignKey(
        AnalysisRun, verbose_name=_("анализ"), on_delete=models.CASCADE, related_name="chunks"
    )
    number = models.PositiveIntegerField(_("номер"))
    proposal_ids = models.JSONField(_("предложения"), default=list)
    state = models.CharField(
        _("состояние"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    worker = models.CharField(_("обработчик"), max_length=255, blank=True)
    claimed_at = models.DateTimeField(_("взят в работу"), null=True, blank=True)
    finished_at = models.DateTimeField(_("готов"), null=True, blank=True)
    result = models.JSONField(_("результат"), default=dict, blank=True)

    class Meta:
        verbose_name = _("часть анализа")
        verbose_name_plural = _("части анализа")
        ordering = ["run", "number"]
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="insights_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.number} ({self.get_state_display()})"
