"""Resident registration by e-mail with a signed confirmation link."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import PolicyDocument, User
from civicplan.accounts.services import consent_record_create, policy_current
from civicplan.core.errors import InvalidInput, NotFound

CONFIRM_SALT = "civicplan.accounts.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def email_confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT, compress=True)


def email_confirmation_send(*, user: User) -> None:
    link = settings.SITE_URL + reverse(
        "accounts:confirm", kwargs={"token": email_confirmation_token(user)}
    )
    body = render_to_string("accounts/email/confirm.txt", {"user": user, "link": link})
    send_mail(
        _("Подтвердите адрес электронной почты"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def _existing_account_notice(email: str) -> None:
    body = render_to_string(
        "accounts/email/already_registered.txt",
        {
            "login": settings.SITE_URL + reverse("accounts:login"),
            "reset": settings.SITE_URL + reverse("accounts:password_reset"),
        },
    )
    send_mail(_("Попытка повторной регистрации"), body, settings.DEFAULT_FROM_EMAIL, [email])


def resident_register(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    consent: bool,
    ip: str | None,
    user_agent: str = "",
) -> User | None:
    """Create an unconfirmed account and send the confirmation link.

    If the address is taken, the owner gets a notice instead and None is returned, so that the
    page looks the same and nobody learns who is registered.
    """
    email = User.objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise InvalidInput(_("Укажите адрес электронной почты."), field="email")
    if not consent:
        raise InvalidInput(
            _("Без согласия на обработку персональных данных зарегистрироваться нельзя."),
            field="consent",
        )
    policy = policy_current(kind=PolicyDocument.Kind.PERSONAL_DATA)
    candidate = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="password1") from exc
    if User.objects.filter(email__iexact=email).exists():
        _existing_account_notice(email)
        return None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email, password, first_name=candidate.first_name, last_name=candidate.last_name
            )
            consent_record_create(policy=policy, ip=ip, user_agent=user_agent, user=user)
    except IntegrityError:
        _existing_account_notice(email)
        return None
    transaction.on_commit(lambda: email_confirmation_send(user=user))
    return user


@transaction.atomic
def email_confirm(*, token: str) -> User:
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise InvalidInput(
            _("Срок действия ссылки истёк. Войдите — мы пришлём новую."), code="link_expired"
        ) from exc
    except signing.BadSignature as exc:
        raise InvalidInput(
            _("Ссылка повреждена или недействительна."), code="link_invalid"
        ) from exc
    user = User.objects.select_for_update().filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise NotFound(_("Учётная запись не найдена."), code="user_not_found")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    return user
