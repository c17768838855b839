"""Residents' proposals.

The core record lives here from the foundation on; personal data, consent, moderation
history, supports, comments and attachments are added by the proposals issue.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicplan.core.private_files import private_name, private_storage


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


class RejectionReason(models.TextChoices):
    NOT_ON_TOPIC = "off_topic", _("не относится к стратегии развития региона")
    NO_PROPOSAL = "no_proposal", _("не содержит предложения")
    OFFENSIVE = "offensive", _("содержит оскорбления или нецензурную лексику")
    ADVERTISING = "advertising", _("реклама или спам")
    PERSONAL_COMPLAINT = "complaint", _("частная жалоба — направлена в профильный орган")
    UNREADABLE = "unreadable", _("текст невозможно понять")
    DUPLICATE = "duplicate", _("повторяет уже поданное предложение")
    OTHER = "other", _("другая причина")


class AgeGroup(models.TextChoices):
    UNDER_18 = "under_18", _("до 18 лет")
    AGE_18_29 = "18_29", _("18–29 лет")
    AGE_30_44 = "30_44", _("30–44 года")
    AGE_45_59 = "45_59", _("45–59 лет")
    AGE_60_PLUS = "60_plus", _("60 лет и старше")


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
    rejection_reason = models.CharField(
        _("причина отклонения"), max_length=32, choices=RejectionReason.choices, blank=True
    )
    rejection_note = models.TextField(_("пояснение к отклонению"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("дубликат предложения"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    content_hash = models.CharField(
        _("отпечаток текста"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("Нужен, чтобы не принять одно и то же предложение дважды подряд."),
    )
    withdrawn_at = models.DateTimeField(_("согласие отозвано"), null=True, blank=True)
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)
    strategy_measures = models.ManyToManyField(
        "strategy.Measure",
        verbose_name=_("мероприятия стратегии"),
        blank=True,
        related_name="proposals",
        related_query_name="proposals",
        db_table="strategy_measure_proposals",
        help_text=_("Мероприятия стратегии, которые отвечают на предложение."),
    )

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
            # The public list's sort orders, exactly as `selectors.SORTS` asks for them: the
            # database walks the index and stops after one page instead of sorting every row.
            models.Index(
                fields=["-published_at", "-created_at", "-id"], name="proposals_order_new"
            ),
            models.Index(
                fields=["-supports_count", "-published_at", "-id"], name="proposals_order_supported"
            ),
            models.Index(
                fields=["-comments_count", "-published_at", "-id"], name="proposals_order_discussed"
            ),
            # The moderation queue's order (deadline first); also serves the overdue filter.
            models.Index(
                fields=["answer_due_on", "created_at", "id"], name="proposals_queue_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:80]

    @property
    def public_number(self) -> int:
        """The number printed on pages, documents and reports («Предложение № 1234»), the same
        as in the address /proposals/1234/. The tracking code is the author's secret and is
        shown only to him (it lets him follow the proposal and ask to withdraw consent)."""
        return self.pk

    @property
    def public_text(self) -> str:
        """The text as everyone else sees it: personal data inside it masked (the stored
        `text` is for the moderator and the author)."""
        from civicplan.proposals.textcheck import public_text

        return public_text(self.text)

    @property
    def public_title(self) -> str:
        from civicplan.proposals.textcheck import public_text

        return public_text(self.title)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """The answer is late: the deadline has passed and no official answer was given."""
        from django.utils import timezone

        if self.answer_due_on is None or self.answered_at is not None:
            return False
        if self.status in (ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN):
            return False
        return bool(self.answer_due_on < (today or timezone.localdate()))


class ProposalPersonalData(models.Model):
    """Who wrote a proposal and how to answer. Kept apart from the proposal: read only by
    moderators of its territory, every read by staff is written to the audit log, erased
    when the author withdraws consent or the retention period ends."""

    proposal = models.OneToOneField(
        Proposal,
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="personal_data",
    )
    name = models.CharField(_("имя"), max_length=150, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True, db_index=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    age_group = models.CharField(
        _("возрастная группа"), max_length=16, choices=AgeGroup.choices, blank=True
    )
    show_name = models.BooleanField(_("разрешил показывать имя"), default=False)
    consent = models.ForeignKey(
        "accounts.ConsentRecord",
        verbose_name=_("согласие на обработку"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposal_personal_data",
    )
    erased_at = models.DateTimeField(_("данные удалены"), null=True, blank=True)

    class Meta:
        verbose_name = _("персональные данные автора")
        verbose_name_plural = _("персональные данные авторов")

    def __str__(self) -> str:
        return str(_("Данные автора предложения № %(n)s") % {"n": self.proposal_id})

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class ProposalStatusChange(models.Model):
    """One step of a proposal's history: from which status to which, who, when and why."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(
        _("было"), max_length=16, choices=ProposalStatus.choices, blank=True
    )
    to_status = models.CharField(_("стало"), max_length=16, choices=ProposalStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто изменил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("основание"), blank=True)
    changed_at = models.DateTimeField(_("когда"), db_index=True)

    class Meta:
        verbose_name = _("изменение статуса")
        verbose_name_plural = _("история статусов")
        ordering = ["proposal", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class ProposalEdit(models.Model):
    """A moderator's correction. For typos the original text is kept; for hidden personal data
    it is not (the point is that nobody reads it again)."""

    class Kind(models.TextChoices):
        TYPO = "typo", _("исправление опечаток")
        DIRECTION = "direction", _("направление")
        MUNICIPALITY = "municipality", _("муниципальное образование")
        REDACTION = "redaction", _("скрыты персональные данные")
        DUPLICATE = "duplicate", _("отмечено как дубликат")

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("предложение"), on_delete=models.CASCADE, related_name="edits"
    )
    kind = models.CharField(_("что изменено"), max_length=16, choices=Kind.choices)
    old_value = models.TextField(_("было"), blank=True)
    new_value = models.TextField(_("стало"), blank=True)
    reason = models.TextField(_("основание"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто изменил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("правка модератора")
        verbose_name_plural = _("правки модераторов")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.get_kind_display()}"


class OfficialAnswer(models.Model):
    """The official answer of the working group or a government body to a proposal."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("предложение"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("текст ответа"))
    organisation = models.CharField(_("кто отвечает"), max_length=255)
    signed_by = models.CharField(_("подписал"), max_length=255, blank=True)
    status = models.CharField(
        _("решение"), max_length=16, choices=ProposalStatus.choices, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто внёс"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("дан"), db_index=True)

    class Meta:
        verbose_name = _("официальный ответ")
        verbose_name_plural = _("официальные ответы")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.text[:60]}"


class Support(models.Model):
    """A resident supports a proposal: one support per registered, confirmed resident."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("предложение"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("житель"),
        on_delete=models.CASCADE,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("поддержка")
        verbose_name_plural = _("поддержки")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposals_support_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("ждёт модерации")
    PUBLISHED = "published", _("опубликован")
    REJECTED = "rejected", _("отклонён")
    HIDDEN = "hidden", _("скрыт после жалоб")


class Comment(models.Model):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("предложение"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("автор"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="proposal_comments",
    )
    author_display_name = models.CharField(_("подпись"), max_length=150, blank=True)
    text = models.TextField(_("текст"))
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    complaints_count = models.PositiveIntegerField(_("жалоб"), default=0)
    created_at = models.DateTimeField(_("написан"), auto_now_add=True, db_index=True)
    moderated_at = models.DateTimeField(_("проверен"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто проверил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("комментарий")
        verbose_name_plural = _("комментарии")
        ordering = ["proposal", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class CommentComplaint(models.Model):
    """«Пожаловаться»: a registered resident flags a comment for the moderators."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("комментарий"), on_delete=models.CASCADE, related_name="complaints"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто пожаловался"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    reason = models.CharField(_("причина"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("рассмотрена"), null=True, blank=True)

    class Meta:
        verbose_name = _("жалоба на комментарий")
        verbose_name_plural = _("жалобы на комментарии")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="proposals_complaint_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random private name: never the tracking code, the author's file name or the time."""
    return private_name("attachments", filename)


def import_path(instance: ProposalImport, filename: str) -> str:
    return private_name("proposal-imports", filename)


class Attachment(models.Model):
    """A photo or PDF sent with a proposal; its type is checked by content."""

    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("предложение"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(
        _("файл"), upload_to=attachment_path, storage=private_storage, max_length=255
    )
    original_name = models.CharField(_("имя файла"), max_length=255)
    content_type = models.CharField(_("тип"), max_length=100)
    size = models.PositiveIntegerField(_("размер, байт"))
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("вложение")
        verbose_name_plural = _("вложения")
        ordering = ["proposal", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProposalImport(models.Model):
    """An uploaded table of proposals (paper forms, e-mail, other portals, session minutes)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.CASCADE,
        related_name="proposal_imports",
    )
    channel = models.CharField(
        _("канал поступления"),
        max_length=16,
        choices=ProposalChannel.choices,
        default=ProposalChannel.PAPER,
    )
    file = models.FileField(
        _("файл"), upload_to=import_path, storage=private_storage, max_length=255, blank=True
    )
    original_name = models.CharField(_("имя файла"), max_length=255)
    mapping = models.JSONField(_("соответствие колонок"), default=dict, blank=True)
    publish = models.BooleanField(_("сразу опубликовать"), default=False)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("работа"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.JSONField(_("отчёт"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто загрузил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("импорт предложений")
        verbose_name_plural = _("импорт предложений")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name
