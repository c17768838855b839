"""Residents' proposals.

The core record lives here from the foundation on; personal data, consent, moderation
history, supports, comments and attachments are added by the proposals issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProposalStatus(models.TextChoices):
    NEW = "new", _("на модерации")
    PUBLISHED = "published", _("опубликовано")
    REJECTED = "rejected", _("отклонено")
    UNDER_REVIEW = "under_review", _("рассматривается рабочей группой")
    ACCEPTED = "accepted", _("учтено в стратегии")
    NOT_ACCEPTED = "not_accepted", _("не учтено")
    IMPLEMENTING = "implementing", _("реализуется")
    IMPLEMENTED = "implemented", _("реализовано")
    WITHDRAWN = "withdrawn", _("отозвано автором")


PUBLIC_STATUSES = (
    ProposalStatus.PUBLISHED,
    ProposalStatus.UNDER_REVIEW,
    ProposalStatus.ACCEPTED,
    ProposalStatus.NOT_ACCEPTED,
    ProposalStatus.IMPLEMENTING,
    ProposalStatus.IMPLEMENTED,
)


class ProposalChannel(models.TextChoices):
    WEBSITE = "website", _("сайт")
    SESSION = "session", _("стратегическая сессия")
    PAPER = "paper", _("бумажная анкета")
    EMAIL = "email", _("электронная почта")
    PORTAL = "portal", _("другой портал")
    API = "api", _("API")


class Proposal(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    phase = models.ForeignKey(
        "campaigns.Phase",
        verbose_name=_("этап"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
    )
    direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("направление"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    title = models.CharField(_("заголовок"), max_length=200, blank=True)
    text = models.TextField(_("текст предложения"))
    status = models.CharField(
        _("статус"),
        max_length=16,
        choices=ProposalStatus.choices,
        default=ProposalStatus.NEW,
        db_index=True,
    )
    channel = models.CharField(
        _("канал поступления"),
        max_length=16,
        choices=ProposalChannel.choices,
        default=ProposalChannel.WEBSITE,
    )
    tracking_code = models.CharField(_("код отслеживания"), max_length=32, unique=True)
    external_id = models.CharField(_("внешний идентификатор"), max_length=128, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор (учётная запись)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    author_display_name = models.CharField(
        _("подпись автора"),
        max_length=150,
        blank=True,
        help_text=_("Показывается, только если автор разрешил указывать имя."),
    )
    supports_count = models.PositiveIntegerField(_("поддержали"), default=0)
    comments_count = models.PositiveIntegerField(_("комментариев"), default=0)
    created_at = models.DateTimeField(_("поступило"), db_index=True)
    published_at = models.DateTimeField(_("опубликовано"), null=True, blank=True)
    answer_due_on = models.DateField(_("ответить до"), null=True, blank=True)
    answered_at = models.DateTimeField(_("дан ответ"), null=True, blank=True)

    class Meta:
        verbose_name = _("предложение")
        verbose_name_plural = _("предложения")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "external_id"],
                condition=~models.Q(external_id=""),
                name="proposals_external_id_unique",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "-created_at"]),
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["direction", "status"]),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES
