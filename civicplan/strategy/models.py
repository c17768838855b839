"""The region's development strategy and its directions (priorities).

Goals, KPIs and roadmap measures build on these (see the strategy issue).
"""

from __future__ import annotations

from django.db import models
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
