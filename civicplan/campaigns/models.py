"""Participatory processes («Стратегия лидерства») and their phases."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("регион"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    strategy = models.ForeignKey(
        "strategy.Strategy",
        verbose_name=_("стратегия"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
        help_text=_("Направления стратегии служат рубрикатором предложений."),
    )
    title = models.CharField(_("название"), max_length=255)
    slug = models.SlugField(_("адрес"), max_length=100, unique=True)
    summary = models.CharField(_("кратко"), max_length=500, blank=True)
    description = models.TextField(_("описание"), blank=True)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    answer_deadline_days = models.PositiveSmallIntegerField(
        _("срок ответа на предложение, дней"), default=30
    )
    comments_premoderated = models.BooleanField(
        _("комментарии проходят премодерацию"), default=True
    )
    retention_days = models.PositiveIntegerField(
        _("срок хранения персональных данных, дней"),
        default=3 * 365,
        help_text=_(
            "После окончания кампании персональные данные удаляются по истечении этого срока."
        ),
    )
    is_published = models.BooleanField(_("опубликована"), default=True)

    class Meta:
        verbose_name = _("кампания")
        verbose_name_plural = _("кампании")
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("Кампания не может закончиться раньше, чем начнётся.")}
            )


class Phase(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL_DISCUSSIONS = "municipal", _("муниципальные обсуждения с жителями")
        REGIONAL_SESSIONS = "sessions", _("региональные тематические стратегические сессии")
        DRAFTING = "drafting", _("подготовка проекта стратегии")
        PUBLIC_DISCUSSION = "discussion", _("общественное обсуждение проекта")
        APPROVAL = "approval", _("утверждение")
        MONITORING = "monitoring", _("мониторинг исполнения")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("кампания"), on_delete=models.CASCADE, related_name="phases"
    )
    kind = models.CharField(_("вид этапа"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("название"), max_length=255)
    description = models.TextField(_("описание"), blank=True)
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    accepts_proposals = models.BooleanField(_("приём предложений"), default=False)
    accepts_supports = models.BooleanField(_("поддержка предложений"), default=False)
    accepts_comments = models.BooleanField(_("комментарии"), default=False)
    accepts_votes = models.BooleanField(_("голосование"), default=False)

    class Meta:
        verbose_name = _("этап")
        verbose_name_plural = _("этапы")
        ordering = ["campaign", "order", "starts_on"]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.title}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Этап не может закончиться раньше, чем начнётся.")})
