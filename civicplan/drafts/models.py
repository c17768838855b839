"""The draft strategy under public discussion (172-FZ, art. 13).

Draft → versions (1, 2, …) → sections and numbered paragraphs; residents and organisations
comment a paragraph or a passage of it, or propose new wording; the drafting group answers
each comment («учтено», «учтено частично», «не учтено») and publishes the summary table.
A paragraph keeps its `lineage` across versions, so comments and comparisons follow it.
Who wrote a comment (name, e-mail, phone) lives in `DraftCommentPersonalData`, apart.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_tracking_token() -> str:
    return secrets.token_urlsafe(24)


class Draft(models.Model):
    """A strategy's draft put to public discussion within a campaign."""

    strategy = models.ForeignKey(
        "strategy.Strategy",
        verbose_name=_("стратегия"),
        on_delete=models.CASCADE,
        related_name="drafts",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    title = models.CharField(_("название"), max_length=300)
    created_at = models.DateTimeField(_("создан"), auto_now_add=True)

    class Meta:
        verbose_name = _("проект стратегии")
        verbose_name_plural = _("проекты стратегии")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("черновик")
    OPEN = "open", _("на обсуждении")
    CLOSED = "closed", _("обсуждение завершено")


class DraftVersion(models.Model):
    """One wording of the draft. Editable while a «черновик»; once published it is open for
    comments from `discussion_opens` to `discussion_closes` and then read-only."""

    draft = models.ForeignKey(
        Draft, verbose_name=_("проект"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("редакция №"))
    status = models.CharField(
        _("состояние"),
        max_length=16,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        db_index=True,
    )
    discussion_opens = models.DateField(_("обсуждение с"), null=True, blank=True)
    discussion_closes = models.DateField(_("обсуждение по"), null=True, blank=True)
    published_at = models.DateTimeField(_("опубликована"), null=True, blank=True)
    import_report = models.JSONField(
        _("отчёт об импорте"), default=dict, blank=True, help_text=_("что импорт пропустил")
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("на основе редакции"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто создал"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("редакция проекта")
        verbose_name_plural = _("редакции проекта")
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="drafts_version_number_once")
        ]

    def __str__(self) -> str:
        return str(_("%(draft)s, редакция %(n)s") % {"draft": self.draft, "n": self.number})

    def is_open_on(self, day: date | None = None) -> bool:
        """Comments are accepted: published and today within the discussion dates."""
        today = day or timezone.localdate()
        if self.status != VersionStatus.OPEN:
            return False
        if self.discussion_opens and today < self.discussion_opens:
            return False
        if self.discussion_closes and today > self.discussion_closes:
            return False
        return True


class DraftSection(models.Model):
    version = models.ForeignKey(
        DraftVersion, verbose_name=_("редакция"), on_delete=models.CASCADE, related_name="sections"
    )
    order = models.PositiveIntegerField(_("порядок"))
    number = models.CharField(_("номер"), max_length=32, blank=True)
    title = models.CharField(_("заголовок"), max_length=500)
    level = models.PositiveSmallIntegerField(_("уровень"), default=1)

    class Meta:
        verbose_name = _("раздел")
        verbose_name_plural = _("разделы")
        ordering = ["version", "order"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()


class ParagraphKind(models.TextChoices):
    TEXT = "text", _("текст")
    LIST = "list", _("список")
    TABLE = "table", _("таблица")


class DraftParagraph(models.Model):
    """A numbered paragraph. `text` is plain (what passages and comparisons refer to);
    `html` is the sanitised markup of a list or a table."""

    version = models.ForeignKey(
        DraftVersion,
        verbose_name=_("редакция"),
        on_delete=models.CASCADE,
        related_name="paragraphs",
    )
    section = models.ForeignKey(
        DraftSection,
        verbose_name=_("раздел"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="paragraphs",
    )
    order = models.PositiveIntegerField(_("порядок"))
    number = models.CharField(_("номер"), max_length=32)
    kind = models.CharField(
        _("вид"), max_length=8, choices=ParagraphKind.choices, default=ParagraphKind.TEXT
    )
    text = models.TextField(_("текст"))
    html = models.TextField(_("разметка"), blank=True)
    lineage = models.UUIDField(_("сквозной идентификатор"), default=uuid.uuid4, db_index=True)
    directions = models.ManyToManyField(
        "strategy.Direction",
        verbose_name=_("направления"),
        blank=True,
        related_name="draft_paragraphs",
    )
    goals = models.ManyToManyField(
        "strategy.Goal", verbose_name=_("цели"), blank=True, related_name="draft_paragraphs"
    )
    kpis = models.ManyToManyField(
        "strategy.KPI", verbose_name=_("показатели"), blank=True, related_name="draft_paragraphs"
    )
    measures = models.ManyToManyField(
        "strategy.Measure",
        verbose_name=_("мероприятия"),
        blank=True,
        related_name="draft_paragraphs",
    )
    answers: models.ManyToManyField[DraftComment, Any] = models.ManyToManyField(
        "DraftComment",
        verbose_name=_("отвечает на замечания"),
        blank=True,
        related_name="answered_by",
    )

    class Meta:
        verbose_name = _("пункт")
        verbose_name_plural = _("пункты")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "lineage"], name="drafts_paragraph_lineage_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class CommentKind(models.TextChoices):
    REMARK = "remark", _("замечание")
    AMENDMENT = "amendment", _("поправка")


class AuthorKind(models.TextChoices):
    RESIDENT = "resident", _("житель")
    BUSINESS = "business", _("бизнес")
    NGO = "ngo", _("НКО")
    MUNICIPALITY = "municipality", _("муниципалитет")
    EXPERT = "expert", _("эксперт")


class ModerationStatus(models.TextChoices):
    PENDING = "pending", _("на модерации")
    PUBLISHED = "published", _("опубликовано")
    REJECTED = "rejected", _("отклонено")


class Decision(models.TextChoices):
    NONE = "none", _("нет решения")
    ACCEPTED = "accepted", _("учтено")
    PARTLY = "partly", _("учтено частично")
    DECLINED = "declined", _("не учтено")


class DraftCommentGroup(models.Model):
    """Similar comments on a paragraph, answered together."""

    paragraph = models.ForeignKey(
        DraftParagraph,
        verbose_name=_("пункт"),
        on_delete=models.CASCADE,
        related_name="comment_groups",
    )
    title = models.CharField(_("суть"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("группа похожих замечаний")
        verbose_name_plural = _("группы похожих замечаний")
        ordering = ["paragraph", "pk"]

    def __str__(self) -> str:
        return self.title or str(_("Группа № %(n)s") % {"n": self.pk})


class DraftComment(models.Model):
    """A comment or an amendment on a paragraph (or on a passage of it). Public fields only:
    the signature is what the author chose to show, never an e-mail."""

    paragraph = models.ForeignKey(
        DraftParagraph, verbose_name=_("пункт"), on_delete=models.CASCADE, related_name="comments"
    )
    kind = models.CharField(
        _("вид"), max_length=16, choices=CommentKind.choices, default=CommentKind.REMARK
    )
    passage = models.TextField(_("фрагмент"), blank=True)
    passage_start = models.PositiveIntegerField(_("начало фрагмента"), null=True, blank=True)
    passage_end = models.PositiveIntegerField(_("конец фрагмента"), null=True, blank=True)
    body = models.TextField(_("замечание"), blank=True)
    proposed_text = models.TextField(_("предлагаемая редакция"), blank=True)
    author_kind = models.CharField(
        _("кто пишет"), max_length=16, choices=AuthorKind.choices, default=AuthorKind.RESIDENT
    )
    organisation = models.CharField(_("организация"), max_length=300, blank=True)
    author_display_name = models.CharField(_("подпись"), max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="draft_comments",
    )
    status = models.CharField(
        _("модерация"),
        max_length=16,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PENDING,
        db_index=True,
    )
    rejection_reason = models.CharField(_("причина отклонения"), max_length=500, blank=True)
    moderated_at = models.DateTimeField(_("проверено"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто проверил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField(
        _("решение"), max_length=16, choices=Decision.choices, default=Decision.NONE, db_index=True
    )
    decision_reason = models.TextField(_("обоснование"), blank=True)
    decided_at = models.DateTimeField(_("решение принято"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто принял решение"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    group = models.ForeignKey(
        DraftCommentGroup,
        verbose_name=_("группа похожих"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("повторяет"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    support_count = models.PositiveIntegerField(_("поддержали"), default=0)
    tracking_token = models.CharField(
        _("ключ страницы судьбы"), max_length=64, unique=True, default=new_tracking_token
    )
    created_at = models.DateTimeField(_("написано"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("замечание к проекту")
        verbose_name_plural = _("замечания к проекту")
        ordering = ["paragraph", "created_at", "pk"]
        indexes = [models.Index(fields=["paragraph", "status"], name="drafts_comment_par_status")]

    def __str__(self) -> str:
        return (self.body or self.proposed_text)[:80]

    @property
    def public_body(self) -> str:
        """The text as everyone else sees it: personal data written inside it masked (the
        stored text is for the moderator and the author, as for proposals)."""
        from civicplan.proposals.textcheck import public_text

        return public_text(self.body)

    @property
    def public_proposed_text(self) -> str:
        from civicplan.proposals.textcheck import public_text

        return public_text(self.proposed_text)

    @property
    def signature(self) -> str:
        """The public signature: the organisation, the name the author chose, or the kind."""
        parts = [p for p in (self.organisation, self.author_display_name) if p]
        return ", ".join(parts) or str(self.get_author_kind_display())


class DraftCommentPersonalData(models.Model):
    """Who wrote a comment and how to answer. Read only by moderators of the territory,
    erased with the consent withdrawal or when the campaign's retention ends."""

    comment = models.OneToOneField(
        DraftComment,
        verbose_name=_("замечание"),
        on_delete=models.CASCADE,
        related_name="personal_data",
    )
    name = models.CharField(_("имя"), max_length=150, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True, db_index=True)
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    consent = models.ForeignKey(
        "accounts.ConsentRecord",
        verbose_name=_("согласие на обработку"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="draft_comment_personal_data",
    )
    erased_at = models.DateTimeField(_("данные удалены"), null=True, blank=True)

    class Meta:
        verbose_name = _("персональные данные автора замечания")
        verbose_name_plural = _("персональные данные авторов замечаний")

    def __str__(self) -> str:
        return str(_("Данные автора замечания № %(n)s") % {"n": self.comment_id})


class DraftCommentSupport(models.Model):
    """«Поддерживаю»: one per signed-in user or per visitor (hashed key)."""

    comment = models.ForeignKey(
        DraftComment, verbose_name=_("замечание"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="draft_comment_supports",
    )
    visitor_hash = models.CharField(_("хеш посетителя"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True)

    class Meta:
        verbose_name = _("поддержка замечания")
        verbose_name_plural = _("поддержки замечаний")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(user__isnull=False),
                name="drafts_support_user_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "visitor_hash"],
                condition=models.Q(user__isnull=True),
                name="drafts_support_visitor_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id or self.visitor_hash[:8]} → {self.comment_id}"
