"""Users, their roles within a region or municipality, the audit log, and consent records."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from civicplan.accounts.names import display_name_clean


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)  # Django's user manager: the contract of createsuperuser
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account: a resident, or staff with roles. Signs in by e-mail."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("электронная почта"), unique=True)
    patronymic = models.CharField(_("отчество"), max_length=150, blank=True)
    email_confirmed_at = models.DateTimeField(_("почта подтверждена"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return " ".join(p for p in [self.last_name, self.first_name, self.patronymic] if p).strip()

    def get_short_name(self) -> str:
        """The first name only: never the e-mail (it would end up signed under comments)."""
        return self.first_name

    @property
    def public_name(self) -> str:
        """How the person is signed where others read it (comments, pages, API, exports):
        the name he gave, else «Житель № <id>». Never derived from the e-mail."""
        return display_name_clean(self.get_full_name()) or str(_("Житель № %(n)s") % {"n": self.pk})

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Role(models.TextChoices):
    RESIDENT = "resident", _("житель")
    MUNICIPAL_MODERATOR = "municipal_moderator", _("модератор муниципалитета")
    REGIONAL_MODERATOR = "regional_moderator", _("модератор региона")
    FACILITATOR = "facilitator", _("ведущий стратегической сессии")
    ANALYST = "analyst", _("аналитик")
    STRATEGY_EDITOR = "strategy_editor", _("редактор стратегии")
    REGIONAL_ADMIN = "regional_admin", _("администратор региона")


class RoleAssignment(models.Model):
    """A role granted to a user within a region or within one municipality."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("роль"), max_length=32, choices=Role.choices)
    region = models.ForeignKey(
        "territories.Region",
        verbose_name=_("регион"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        "territories.Municipality",
        verbose_name=_("муниципальное образование"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("выдана"), auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кем выдана"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("роль пользователя")
        verbose_name_plural = _("роли пользователей")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "municipality"], name="accounts_role_unique"
            )
        ]

    def __str__(self) -> str:
        where = self.municipality or self.region or _("везде")
        return f"{self.user}: {self.get_role_display()} ({where})"


class AuditLog(models.Model):
    """Who read or changed what, when and why. Written by services; never edited."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("действие"), max_length=64, db_index=True)
    object_type = models.CharField(_("тип объекта"), max_length=64, db_index=True)
    object_id = models.CharField(_("идентификатор объекта"), max_length=64, blank=True)
    reason = models.CharField(_("основание"), max_length=255, blank=True)
    details = models.JSONField(_("подробности"), default=dict, blank=True)
    ip_hash = models.CharField(_("хеш IP-адреса"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("когда"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("запись журнала аудита")
        verbose_name_plural = _("журнал аудита")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.actor}: {self.action} {self.object_type} {self.object_id}"


class PolicyDocument(models.Model):
    """A versioned text a person agrees to: the personal-data policy, the cookie policy."""

    class Kind(models.TextChoices):
        PERSONAL_DATA = "personal-data", _("согласие на обработку персональных данных")
        COOKIES = "cookies", _("политика использования cookie")
        PROCESSING_POLICY = (
            "processing-policy",
            _("политика в отношении обработки персональных данных"),
        )

    kind = models.CharField(_("вид"), max_length=32, choices=Kind.choices)
    version = models.CharField(_("версия"), max_length=32)
    title = models.CharField(_("заголовок"), max_length=255)
    text = models.TextField(_("текст"))
    effective_from = models.DateTimeField(_("действует с"))

    class Meta:
        verbose_name = _("документ о согласии")
        verbose_name_plural = _("документы о согласии")
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="accounts_policy_version")
        ]

    def __str__(self) -> str:
        return _("%(title)s, версия %(version)s") % {"title": self.title, "version": self.version}


class ConsentRecord(models.Model):
    """Proof that somebody agreed to a policy version: when, from where (hashed), with what."""

    policy = models.ForeignKey(
        PolicyDocument,
        verbose_name=_("документ"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
    )
    given_at = models.DateTimeField(_("дано"), auto_now_add=True)
    ip_hash = models.CharField(_("хеш IP-адреса"), max_length=64)
    user_agent = models.CharField(_("браузер"), max_length=512, blank=True)
    withdrawn_at = models.DateTimeField(_("отозвано"), null=True, blank=True)

    class Meta:
        verbose_name = _("согласие")
        verbose_name_plural = _("согласия")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.policy} — {self.given_at:%d.%m.%Y %H:%M}"


class ApiToken(models.Model):
    """A personal API token: only a hash is kept; the token itself is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("владелец"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("название"), max_length=100)
    prefix = models.CharField(_("начало токена"), max_length=12, db_index=True)
    token_hash = models.CharField(_("хеш токена"), max_length=64, unique=True)
    scopes = models.JSONField(_("права"), default=list)
    created_at = models.DateTimeField(_("выпущен"), auto_now_add=True)
    expires_at = models.DateTimeField(_("действует до"))
    revoked_at = models.DateTimeField(_("отозван"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("последнее использование"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-токен")
        verbose_name_plural = _("API-токены")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment: object) -> bool:
        return self.revoked_at is None and self.expires_at > moment  # type: ignore[operator]


class TotpDevice(models.Model):
    """A time-based one-time-password app (TOTP) enrolled by a staff member."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("пользователь"),
        on_delete=models.CASCADE,
        related_name="totp_device",
    )
    secret = models.CharField(_("секрет"), max_length=64)
    created_at = models.DateTimeField(_("создано"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("подключено"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("последний использованный интервал"), default=0)

    class Meta:
        verbose_name = _("приложение для кодов входа")
        verbose_name_plural = _("приложения для кодов входа")

    def __str__(self) -> str:
        state = _("подключено") if self.confirmed_at else _("не подтверждено")
        return f"{self.user} — {state}"
