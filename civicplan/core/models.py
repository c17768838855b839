"""Shared base models and the background job record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A long piece of work (analysis, import, report) with its progress and result."""

    class State(models.TextChoices):
        QUEUED = "queued", _("в очереди")
        RUNNING = "running", _("выполняется")
        SUCCEEDED = "succeeded", _("завершено")
        FAILED = "failed", _("ошибка")
        CANCELLED = "cancelled", _("отменено")

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("вид работы"), max_length=64, db_index=True)
    title = models.CharField(_("название"), max_length=255)
    state = models.CharField(
        _("состояние"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    params = models.JSONField(_("параметры"), default=dict, blank=True)
    lock_key = models.CharField(
        _("ключ блокировки"),
        max_length=128,
        blank=True,
        help_text=_("Две работы с одним ключом не выполняются одновременно."),
    )
    progress_done = models.PositiveIntegerField(_("сделано"), default=0)
    progress_total = models.PositiveIntegerField(_("всего"), default=0)
    stage = models.CharField(_("этап"), max_length=255, blank=True)
    messages = models.JSONField(_("сообщения"), default=list, blank=True)
    result = models.JSONField(_("результат"), default=dict, blank=True)
    error = models.TextField(_("ошибка"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    cancel_requested = models.BooleanField(_("запрошена отмена"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто запустил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Whose work it is: staff see and cancel a job only if their role scope covers it (ids, not
    # foreign keys: core sits below the territories app).
    scope_region_id = models.PositiveIntegerField(_("регион"), null=True, blank=True, db_index=True)
    scope_municipality_id = models.PositiveIntegerField(
        _("муниципальное образование"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("создано"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("начато"), null=True, blank=True)
    finished_at = models.DateTimeField(_("окончено"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("последний признак жизни"), null=True, blank=True)

    class Meta:
        verbose_name = _("фоновая работа")
        verbose_name_plural = _("фоновые работы")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lock_key"],
                condition=models.Q(state__in=["queued", "running"]) & ~models.Q(lock_key=""),
                name="core_job_one_active_per_lock_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES


class RateLimitCounter(models.Model):
    """One window of one rate limit, shared by all processes of the site through the database
    (used when the cache is local to a process, see core.ratelimit)."""

    key = models.CharField(max_length=255, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("счётчик ограничения частоты")
        verbose_name_plural = _("счётчики ограничения частоты")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
