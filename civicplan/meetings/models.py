"""Strategic sessions: the event, its sections, participants, the live idea board and outcomes.

A session («Малые города — большие возможности») belongs to a campaign and has sections; each
section has a moderator, a question, and an idea board that people join from their phones
with a short code. Ideas are prioritised by dot voting or by pairwise comparison; the
formulated resolutions of a section become proposals of the campaign.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SessionLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("муниципальная")
    REGIONAL = "regional", _("региональная")
    INTERREGIONAL = "interregional", _("межрегиональная")


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", _("очно")
    ONLINE = "online", _("онлайн")
    HYBRID = "hybrid", _("смешанный формат")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("запланирована")
    REGISTRATION = "registration", _("идёт регистрация")
    IN_PROGRESS = "in_progress", _("проходит")
    FINISHED = "finished", _("завершена")


class StakeholderGroup(models.TextChoices):
    GOVERNMENT = "government", _("региональная власть")
    MUNICIPALITY = "municipality", _("муниципалитеты")
    BUSINESS = "business", _("бизнес")
    EXPERT = "expert", _("эксперты")
    PUBLIC = "public", _("общественность")
    YOUTH = "youth", _("молодёжь")
    OTHER_REGION = "other_region", _("гости из других регионов")


class Session(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("кампания"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        help_text=_("Для муниципальной сессии."),
    )
    level = models.CharField(
        _("уровень"), max_length=16, choices=SessionLevel.choices, default=SessionLevel.REGIONAL
    )
    title = models.CharField(_("название"), max_length=255)
    slug = models.SlugField(_("адрес"), max_length=120, unique=True)
    theme = models.CharField(_("тема"), max_length=255, blank=True)
    summary = models.TextField(_("кратко о сессии"), blank=True)
    directions = models.ManyToManyField(
        "strategy.Direction",
        verbose_name=_("направления стратегии"),
        blank=True,
        related_name="sessions",
    )
    starts_at = models.DateTimeField(_("начало"), db_index=True)
    ends_at = models.DateTimeField(_("окончание"))
    timezone = models.CharField(
        _("часовой пояс"),
        max_length=64,
        default="Europe/Samara",
        help_text=_("Время на страницах показывается в часовом поясе места проведения."),
    )
    format = models.CharField(
        _("формат"), max_length=16, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    place = models.CharField(_("место проведения"), max_length=500, blank=True)
    online_url = models.URLField(_("ссылка на трансляцию"), blank=True)
    state = models.CharField(
        _("состояние"),
        max_length=16,
        choices=SessionState.choices,
        default=SessionState.PLANNED,
        db_index=True,
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("организаторы"),
        blank=True,
        related_name="organised_sessions",
    )
    organiser_names = models.CharField(
        _("организаторы (подпись на странице)"), max_length=500, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("всего мест"), null=True, blank=True, help_text=_("Пусто — без ограничения.")
    )
    is_published = models.BooleanField(_("опубликована"), default=True)
    created_at = models.DateTimeField(_("создана"), auto_now_add=True)

    class Meta:
        verbose_name = _("стратегическая сессия")
        verbose_name_plural = _("стратегические сессии")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="meetings_session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def accepts_registration(self) -> bool:
        return self.state == SessionState.REGISTRATION


class GroupQuota(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="quotas"
    )
    group = models.CharField(_("группа"), max_length=16, choices=StakeholderGroup.choices)
    places = models.PositiveIntegerField(_("мест"))

    class Meta:
        verbose_name = _("квота группы")
        verbose_name_plural = _("квоты групп")
        constraints = [
            models.UniqueConstraint(fields=["session", "group"], name="meetings_quota_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.places}"


class AgendaItem(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="agenda"
    )
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("окончание"), null=True, blank=True)
    title = models.CharField(_("пункт программы"), max_length=300)
    speaker = models.CharField(_("выступающий"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("пункт программы")
        verbose_name_plural = _("программа")
        ordering = ["session", "starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Material(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("название"), max_length=300)
    file = models.FileField(_("файл"), upload_to="sessions/%Y/%m/")
    kind = models.CharField(_("формат"), max_length=16)
    size = models.PositiveIntegerField(_("размер, байт"))
    uploaded_at = models.DateTimeField(_("загружен"), auto_now_add=True)

    class Meta:
        verbose_name = _("материал")
        verbose_name_plural = _("материалы")
        ordering = ["session", "uploaded_at"]

    def __str__(self) -> str:
        return self.title


class VotingMode(models.TextChoices):
    NONE = "none", _("голосование не началось")
    DOTS = "dots", _("голосование точками")
    PAIRWISE = "pairwise", _("попарное сравнение")


class BoardState(models.TextChoices):
    CLOSED = "closed", _("доска закрыта")
    IDEAS = "ideas", _("приём идей")
    VOTING = "voting", _("голосование")
    FINISHED = "finished", _("работа завершена")


class Section(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("название"), max_length=255)
    question = models.TextField(_("вопрос для работы"))
    direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("направление стратегии"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_sections",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("модератор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_sections",
    )
    moderator_name = models.CharField(_("модератор (подпись)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    code = models.CharField(
        _("код подключения"),
        max_length=8,
        unique=True,
        help_text=_("Короткий код, по которому участники входят на доску идей."),
    )
    board_state = models.CharField(
        _("состояние доски"),
        max_length=16,
        choices=BoardState.choices,
        default=BoardState.IDEAS,
    )
    voting_mode = models.CharField(
        _("способ голосования"), max_length=16, choices=VotingMode.choices, default=VotingMode.DOTS
    )
    dots_per_member = models.PositiveSmallIntegerField(
        _("голосов у участника"), default=3, help_text=_("Для голосования точками.")
    )
    # Revisions of the board, raised in the same transaction as every write through the
    # services (meetings.services.board_rev): what a board shows is cached under them, so a
    # cached list or ranking is never older than the last write. `ideas_rev` — the ideas
    # (new, edited, hidden, merged, grouped) and the board's settings; `votes_rev` — votes.
    ideas_rev = models.PositiveIntegerField(default=0, editable=False)
    votes_rev = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("секция")
        verbose_name_plural = _("секции")
        ordering = ["session", "order", "pk"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A full save of an instance loaded earlier must not write back older revisions:
        # only the services' UPDATE … + 1 changes them.
        if self.pk is not None and kwargs.get("update_fields") is None and not self._state.adding:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in REVISION_FIELDS
            ]
        super().save(*args, **kwargs)


REVISION_FIELDS = ("ideas_rev", "votes_rev")


class ParticipantStatus(models.TextChoices):
    REGISTERED = "registered", _("зарегистрирован")
    INVITED = "invited", _("приглашён")
    WAITLISTED = "waitlisted", _("в листе ожидания")
    CANCELLED = "cancelled", _("отменил участие")


class Participant(models.Model):
    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("учётная запись"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_participations",
    )
    last_name = models.CharField(_("фамилия"), max_length=100)
    first_name = models.CharField(_("имя"), max_length=100)
    patronymic = models.CharField(_("отчество"), max_length=100, blank=True)
    email = models.EmailField(_("электронная почта"))
    phone = models.CharField(_("телефон"), max_length=32, blank=True)
    group = models.CharField(
        _("группа участников"), max_length=16, choices=StakeholderGroup.choices
    )
    organisation = models.CharField(_("организация"), max_length=300, blank=True)
    position = models.CharField(_("должность"), max_length=300, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("секция"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
    )
    status = models.CharField(
        _("статус"),
        max_length=16,
        choices=ParticipantStatus.choices,
        default=ParticipantStatus.REGISTERED,
        db_index=True,
    )
    checkin_code = models.CharField(_("код регистрации на входе"), max_length=12, unique=True)
    checked_in_at = models.DateTimeField(_("отметился на входе"), null=True, blank=True)
    consent = models.ForeignKey(
        "accounts.ConsentRecord",
        verbose_name=_("согласие на обработку персональных данных"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_participants",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пригласил"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("зарегистрирован"), auto_now_add=True)

    class Meta:
        verbose_name = _("участник")
        verbose_name_plural = _("участники")
        ordering = ["session", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=~Q(status="cancelled"),
                name="meetings_participant_email_unique",
            ),
            models.CheckConstraint(
                condition=Q(consent__isnull=False)
                | Q(status="invited")
                | Q(invited_by__isnull=False),
                name="meetings_participant_consent_or_invitation",
            ),
        ]
        indexes = [models.Index(fields=["session", "group", "status"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


class BoardMember(models.Model):
    """Someone on the idea board of a session: a nickname, no account."""

    session = models.ForeignKey(
        Session, verbose_name=_("сессия"), on_delete=models.CASCADE, related_name="board_members"
    )
    nickname = models.CharField(_("имя на доске"), max_length=40)
    secret = models.CharField(max_length=32, editable=False)
    # A hash of the browser session that joined: one member per browser per session's board.
    device_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    joined_at = models.DateTimeField(_("подключился"), auto_now_add=True)

    class Meta:
        verbose_name = _("участник доски идей")
        verbose_name_plural = _("участники доски идей")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nickname"], name="meetings_member_nickname_unique"
            ),
            models.UniqueConstraint(
                fields=["session", "device_key"],
                condition=~Q(device_key=""),
                name="meetings_member_one_per_device",
            ),
        ]

    def __str__(self) -> str:
        return self.nickname


class Cluster(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("секция"), on_delete=models.CASCADE, related_name="clusters"
    )
    title = models.CharField(_("название группы"), max_length=200)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("группа идей")
        verbose_name_plural = _("группы идей")
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class IdeaKind(models.TextChoices):
    CHALLENGE = "challenge", _("вызов")
    PROPOSAL = "proposal", _("предложение")
    RISK = "risk", _("риск")


class Idea(models.Model):
    section = models.ForeignKey(
        Section, verbose_name=_("секция"), on_delete=models.CASCADE, related_name="ideas"
    )
    member = models.ForeignKey(
        BoardMember,
        verbose_name=_("автор"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    kind = models.CharField(_("вид"), max_length=16, choices=IdeaKind.choices)
    text = models.TextField(_("формулировка"), max_length=1000)
    original_text = models.TextField(_("как написал участник"), max_length=1000)
    cluster = models.ForeignKey(
        Cluster,
        verbose_name=_("группа"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("объединена с"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
    )
    is_hidden = models.BooleanField(_("скрыта модератором"), default=False)
    created_at = models.DateTimeField(_("добавлена"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("изменена"), null=True, blank=True)

    class Meta:
        verbose_name = _("идея")
        verbose_name_plural = _("идеи")
        ordering = ["section", "created_at", "pk"]
        indexes = [models.Index(fields=["section", "merged_into", "is_hidden"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="meetings_idea_not_merged_into_itself"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def public_text(self) -> str:
        """The idea as the room, the screen and the report show it: phones, e-mails and
        signatures masked (the author sees his own text)."""
        from civicplan.proposals.textcheck import public_text

        return public_text(self.text)

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None and not self.is_hidden


class DotVote(models.Model):
    """One dot of a member on an idea; a member puts at most one dot on an idea."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="dot_votes")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="dot_votes")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="dot_votes")
    # Which of the member's dots this is (0 … dots_per_member − 1): two parallel votes cannot
    # take the same dot, so the database keeps the number of dots even under a race.
    slot = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("голос точкой")
        verbose_name_plural = _("голоса точками")
        constraints = [
            models.UniqueConstraint(fields=["member", "idea"], name="meetings_dot_once_per_idea"),
            models.UniqueConstraint(
                fields=["member", "section", "slot"], name="meetings_dot_slot_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.idea_id}"


class PairwiseVote(models.Model):
    """«Which of these two matters more?» — each pair is compared once by a member.

    `first` < `second` by primary key; `winner` is one of them.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="pair_votes")
    member = models.ForeignKey(BoardMember, on_delete=models.CASCADE, related_name="pair_votes")
    first = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("попарное сравнение")
        verbose_name_plural = _("попарные сравнения")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "first", "second"], name="meetings_pair_once"
            ),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="meetings_pair_order"),
            models.CheckConstraint(
                condition=Q(winner=F("first")) | Q(winner=F("second")),
                name="meetings_pair_winner_in_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} / {self.second_id} → {self.winner_id}"


class Resolution(models.Model):
    """A formulated proposal of a section; published, it becomes a proposal of the campaign."""

    section = models.ForeignKey(
        Section, verbose_name=_("секция"), on_delete=models.CASCADE, related_name="resolutions"
    )
    idea = models.ForeignKey(
        Idea,
        verbose_name=_("из идеи"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolutions",
    )
    title = models.CharField(_("заголовок"), max_length=200)
    text = models.TextField(_("формулировка предложения"))
    direction = models.ForeignKey(
        "strategy.Direction",
        verbose_name=_("направление стратегии"),
        on_delete=models.PROTECT,
        related_name="session_resolutions",
    )
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    proposal = models.OneToOneField(
        "proposals.Proposal",
        verbose_name=_("предложение в кампании"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="session_resolution",
    )
    measure_note = models.TextField(
        _("о мероприятии стратегии"),
        blank=True,
        help_text=_("Как резолюция учтена в проекте мероприятия стратегии."),
    )
    created_at = models.DateTimeField(_("сформулирована"), auto_now_add=True)

    class Meta:
        verbose_name = _("резолюция")
        verbose_name_plural = _("резолюции")
        ordering = ["section", "order", "pk"]

    def __str__(self) -> str:
        return self.title
