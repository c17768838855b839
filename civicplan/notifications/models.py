"""Follows, events, in-site notifications, the e-mail outbox and «Решена ли проблема?».

A follow points at its target generically — a kind («proposal», «measure», ...) and the
target's primary key — so a new kind (the draft under discussion) needs no migration here,
only a target registered in `targets.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    PROPOSAL = "proposal", _("предложение")
    MUNICIPALITY = "municipality", _("муниципальное образование")
    DIRECTION = "direction", _("направление стратегии")
    SESSION = "session", _("стратегическая сессия")
    MEASURE = "measure", _("мероприятие стратегии")
    DRAFT = "draft", _("проект стратегии")


class Category(models.TextChoices):
    """What a notification is about; the resident chooses delivery per category."""

    PROPOSAL = "proposal", _("Статус и ответ на предложение")
    DISCUSSION = "discussion", _("Ответы на мои комментарии")
    MEASURE = "measure", _("Мероприятия стратегии: включение предложения, ход, выполнение")
    SESSION = "session", _("Стратегические сессии: новые и напоминания")
    NEWS = "news", _("Новые предложения по моим подпискам")
    STAFF = "staff", _("Утренняя сводка для модераторов")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("сразу")
    DAILY = "daily", _("раз в день")
    WEEKLY = "weekly", _("раз в неделю")
    OFF = "off", _("не присылать")


DEFAULT_EMAIL_MODES: dict[str, str] = {
    Category.PROPOSAL: EmailMode.IMMEDIATE,
    Category.DISCUSSION: EmailMode.DAILY,
    Category.MEASURE: EmailMode.IMMEDIATE,
    Category.SESSION: EmailMode.IMMEDIATE,
    Category.NEWS: EmailMode.WEEKLY,
    Category.STAFF: EmailMode.DAILY,
}


class Subscriber(models.Model):
    """Who receives notifications: a user, or an anonymous author known by a confirmed e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notification_subscriber",
    )
    email = models.EmailField(_("электронная почта без учётной записи"), blank=True, db_index=True)
    confirmed_at = models.DateTimeField(_("почта подтверждена"), null=True, blank=True)
    consent = models.ForeignKey(
        "accounts.ConsentRecord",
        verbose_name=_("согласие на обработку"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    email_modes = models.JSONField(_("доставка по почте"), default=dict, blank=True)
    email_stopped_at = models.DateTimeField(_("отписался от всех писем"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("адрес не принимает почту"), null=True, blank=True)
    bounce_reason = models.CharField(_("ответ почтового сервера"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("получатель уведомлений")
        verbose_name_plural = _("получатели уведомлений")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="notifications_subscriber_user_or_email",
            ),
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(user__isnull=True),
                name="notifications_subscriber_anonymous_email",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.email

    @property
    def address(self) -> str:
        return self.user.email if self.user_id and self.user else self.email

    def email_mode(self, category: str) -> str:
        return str(self.email_modes.get(category) or DEFAULT_EMAIL_MODES.get(category, "off"))


class FollowSource(models.TextChoices):
    MANUAL = "manual", _("подписался сам")
    AUTHOR = "author", _("автор предложения")
    SUPPORTER = "supporter", _("поддержал предложение")
    COMMENTER = "commenter", _("комментировал")
    PARTICIPANT = "participant", _("участник сессии")


class Follow(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("получатель"), on_delete=models.CASCADE, related_name="follows"
    )
    kind = models.CharField(_("что"), max_length=16, choices=TargetKind.choices)
    target_id = models.PositiveBigIntegerField(_("номер"))
    source = models.CharField(
        _("почему"), max_length=16, choices=FollowSource.choices, default=FollowSource.MANUAL
    )
    created_at = models.DateTimeField(_("с"), auto_now_add=True)

    class Meta:
        verbose_name = _("подписка")
        verbose_name_plural = _("подписки")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "target_id"], name="notifications_follow_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "target_id"])]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.kind} {self.target_id}"


class Event(models.Model):
    """Something that happened, as followers read it: written once, shown to many."""

    name = models.CharField(_("событие"), max_length=64, db_index=True)
    category = models.CharField(_("раздел"), max_length=16, choices=Category.choices)
    kind = models.CharField(_("о чём"), max_length=16, choices=TargetKind.choices, blank=True)
    target_id = models.PositiveBigIntegerField(_("номер"), null=True, blank=True)
    title = models.CharField(_("заголовок"), max_length=300)
    text = models.TextField(_("текст"), blank=True)
    url = models.CharField(_("ссылка"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("когда"), db_index=True)

    class Meta:
        verbose_name = _("событие")
        verbose_name_plural = _("события")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class OutboxState(models.TextChoices):
    PENDING = "pending", _("ждёт отправки")
    CLAIMED = "claimed", _("взято на отправку")
    SENDING = "sending", _("передаётся почтовому серверу")
    SENT = "sent", _("отправлено")
    FAILED = "failed", _("не доставлено")
    UNCERTAIN = "uncertain", _("неизвестно, ушло ли: проверьте вручную")
    SKIPPED = "skipped", _("не отправлено: нет согласия или адрес не подтверждён")


class OutboxKind(models.TextChoices):
    IMMEDIATE = "immediate", _("уведомление")
    DAILY = "daily", _("ежедневная сводка")
    WEEKLY = "weekly", _("еженедельная сводка")
    STAFF = "staff", _("сводка для модераторов")
    REMINDER = "reminder", _("напоминание о сессии")
    CONFIRM = "confirm", _("подтверждение адреса")
    FEEDBACK = "feedback", _("вопрос «Решена ли проблема?»")


class OutboxMessage(models.Model):
    """One letter to send. Written in the transaction of the event; sent exactly once.

    pending → claimed → sending → sent; a refused address → failed; a temporary error →
    pending again later (back-off); a worker that died while claiming → pending again; a
    worker that died during the hand-over to the mail server → uncertain (never resent
    automatically, so nobody gets a letter twice).
    """

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("получатель"), on_delete=models.CASCADE, related_name="outbox"
    )
    kind = models.CharField(_("вид"), max_length=16, choices=OutboxKind.choices)
    key = models.CharField(_("ключ идемпотентности"), max_length=120, unique=True)
    payload = models.JSONField(_("данные письма"), default=dict, blank=True)
    state = models.CharField(
        _("состояние"),
        max_length=16,
        choices=OutboxState.choices,
        default=OutboxState.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    next_attempt_at = models.DateTimeField(_("следующая попытка"))
    claimed_at = models.DateTimeField(_("взято"), null=True, blank=True)
    claim_token = models.CharField(_("метка обработчика"), max_length=36, blank=True)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    last_error = models.CharField(_("последняя ошибка"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)

    class Meta:
        verbose_name = _("письмо в очереди")
        verbose_name_plural = _("очередь писем")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.key


class Notification(models.Model):
    """An event as one subscriber sees it: read or unread, and how it goes by e-mail."""

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("получатель"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        Event, verbose_name=_("событие"), on_delete=models.CASCADE, related_name="notifications"
    )
    email_mode = models.CharField(_("по почте"), max_length=16, choices=EmailMode.choices)
    outbox = models.ForeignKey(
        OutboxMessage,
        verbose_name=_("письмо"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    read_at = models.DateTimeField(_("прочитано"), null=True, blank=True)
    created_at = models.DateTimeField(_("когда"), db_index=True)

    class Meta:
        verbose_name = _("уведомление")
        verbose_name_plural = _("уведомления")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "event"], name="notifications_notification_once"
            )
        ]
        indexes = [
            models.Index(fields=["subscriber", "read_at"]),
            models.Index(
                fields=["email_mode", "subscriber"],
                condition=models.Q(outbox__isnull=True),
                name="notifications_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.event_id}"


class FeedbackAnswer(models.TextChoices):
    YES = "yes", _("да, решена")
    PARTLY = "partly", _("частично")
    NO = "no", _("нет, не решена")


class ProblemFeedback(models.Model):
    """«Решена ли проблема?» — asked of a proposal's author when its measure is completed."""

    measure = models.ForeignKey(
        "strategy.Measure",
        verbose_name=_("мероприятие"),
        on_delete=models.CASCADE,
        related_name="problem_feedback",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="problem_feedback",
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("кого спросили"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
    )
    answer = models.CharField(_("ответ"), max_length=8, choices=FeedbackAnswer.choices, blank=True)
    comment = models.TextField(_("комментарий"), blank=True)
    asked_at = models.DateTimeField(_("спросили"))
    answered_at = models.DateTimeField(_("ответил"), null=True, blank=True)

    class Meta:
        verbose_name = _("ответ «Решена ли проблема?»")
        verbose_name_plural = _("ответы «Решена ли проблема?»")
        ordering = ["-asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "proposal", "subscriber"], name="notifications_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}/{self.proposal_id}: {self.answer or '—'}"
