"""Two-factor sign-in (TOTP) for staff who can read personal data.

After the password, such a user is not signed in yet: the login view keeps him «pending» in
the session until he enters a code from his authenticator app.

Enrolment is never trust-on-first-use: a stolen password must not enrol the thief's phone.
The first sign-in e-mails the user a single-use link (`totp_enrolment_send`); only the page
behind it shows the QR code, and opening it gives the device a fresh secret, so the link
works once. Until a code from that secret is confirmed there, no code signs anybody in.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role, TotpDevice, User
from civicplan.accounts.selectors import user_has_role
from civicplan.accounts.services import audit_log_write, ip_hash
from civicplan.core.errors import Forbidden, InvalidInput, RateLimited
from civicplan.core.ratelimit import rate_limit_hit

PERSONAL_DATA_ROLES = (Role.MUNICIPAL_MODERATOR, Role.REGIONAL_MODERATOR, Role.REGIONAL_ADMIN)
ISSUER = "civicplan"
SESSION_VERIFIED = "accounts_2fa_verified"
SESSION_PASSWORD_LOGIN = "accounts_password_login"


def two_factor_required(user: Any) -> bool:
    """Superusers and staff with roles that read personal data must use a second factor."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", True):
        return False
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user_has_role(user, PERSONAL_DATA_ROLES))


def totp_device_get_or_start(*, user: User) -> TotpDevice:
    """The user's device; an unconfirmed one with a fresh secret if he has none."""
    device = TotpDevice.objects.filter(user=user).first()
    if device is None:
        device = TotpDevice.objects.create(user=user, secret=pyotp.random_base32())
    return device


ENROL_SALT = "civicplan.accounts.totp-enrol"
ENROL_MAX_AGE = 30 * 60


def _secret_fingerprint(device: TotpDevice) -> str:
    return hashlib.sha256(f"enrol:{device.secret}".encode()).hexdigest()[:20]


def totp_enrolment_token(device: TotpDevice) -> str:
    """A link token bound to the device's current secret: it stops working once used."""
    return signing.dumps({"u": device.user_id, "f": _secret_fingerprint(device)}, salt=ENROL_SALT)


def totp_enrolment_send(*, user: User, ip: str | None = None) -> bool:
    """E-mail the link that enrols the authenticator app; at most once in two minutes.

    Returns False when a letter was sent moments ago (the page says so instead)."""
    device = totp_device_get_or_start(user=user)
    if device.confirmed_at is not None:
        return False
    try:
        rate_limit_hit(key=f"2fa-enrol-mail:{user.pk}", limit=1, window=120)
    except RateLimited:
        return False
    link = settings.SITE_URL + reverse(
        "accounts:two_factor_enrol", kwargs={"token": totp_enrolment_token(device)}
    )
    body = render_to_string("accounts/email/totp_enrol.txt", {"user": user, "link": link})
    send_mail(
        _("Подключение приложения для кодов входа"),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    audit_log_write(actor=user, action="2fa.enrol_link_sent", obj=user, ip=ip)
    return True


def totp_enrolment_open(*, token: str, ip: str | None = None) -> TotpDevice:
    """Open an enrolment link: the device gets a fresh secret (shown once, on that page) and
    the link stops working. Raises Forbidden for a forged, expired or used link."""
    refused = Forbidden(
        _(
            "Ссылка недействительна: она устарела или уже использована. Войдите снова — мы пришлём новую."
        ),
        code="bad_enrol_link",
    )
    try:
        data = signing.loads(token, salt=ENROL_SALT, max_age=ENROL_MAX_AGE)
        user_id, fingerprint = int(data["u"]), str(data["f"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise refused from exc
    with transaction.atomic():
        device = (
            TotpDevice.objects.select_for_update()
            .select_related("user")
            .filter(user_id=user_id, confirmed_at__isnull=True, user__is_active=True)
            .first()
        )
        if device is None or not pyotp.utils.strings_equal(
            _secret_fingerprint(device), fingerprint
        ):
            raise refused
        device.secret = pyotp.random_base32()
        device.save(update_fields=["secret"])
    audit_log_write(actor=device.user, action="2fa.enrol_link_opened", obj=device.user, ip=ip)
    return device


def totp_provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email, issuer_name=ISSUER)


def totp_qr_svg(device: TotpDevice) -> str:
    """The enrolment QR code as an inline SVG fragment."""
    image = qrcode.make(
        totp_provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    return image.to_string(encoding="unicode")


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.fromtimestamp(now, tz=UTC))
    for offset in (0, -1, 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step + offset), code):
            return step + offset
    return None


def totp_verify(
    *, user: User, code: str, ip: str | None = None, enrolling: bool = False
) -> TotpDevice:
    """Check a code (a 30-second step either side is accepted, each step only once).

    Confirms the device on its first good code. Raises InvalidInput or RateLimited. The
    attempt counters and the audit record of a wrong code are written outside the
    transaction that checks the code, so a refused code still counts and stays in the log.
    """
    rate_limit_hit(
        key=f"2fa-user:{user.pk}",
        limit=5,
        window=300,
        message=_("Слишком много неверных кодов. Подождите пять минут и попробуйте снова."),
    )
    if ip:
        rate_limit_hit(key=f"2fa-ip:{ip_hash(ip)}", limit=30, window=300)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        raise InvalidInput(_("Введите шесть цифр из приложения."), field="code")
    try:
        device = _totp_accept(user=user, code=code, ip=ip, enrolling=enrolling)
    except InvalidInput:  # no enrolled app: still a failed attempt worth recording
        audit_log_write(actor=user, action="2fa.failure", obj=user, ip=ip)
        raise
    if device is None:
        audit_log_write(actor=user, action="2fa.failure", obj=user, ip=ip)
        raise InvalidInput(
            _("Код не подошёл. Проверьте время на телефоне и введите новый код."), field="code"
        )
    return device


@transaction.atomic
def _totp_accept(*, user: User, code: str, ip: str | None, enrolling: bool) -> TotpDevice | None:
    """Use the code on the user's device; None when it does not match or was used.

    An unconfirmed device is confirmed only on the page of the e-mailed link (`enrolling`)."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or (device.confirmed_at is None and not enrolling):
        raise InvalidInput(
            _("Сначала подключите приложение по ссылке из письма, которое мы вам отправили."),
            field="code",
        )
    step = _matching_step(device.secret, code, time.time())
    if step is None or step <= device.last_used_step:
        return None
    device.last_used_step = step
    fields = ["last_used_step"]
    if device.confirmed_at is None:
        device.confirmed_at = timezone.now()
        fields.append("confirmed_at")
        audit_log_write(actor=user, action="2fa.enrol", obj=user, ip=ip)
    device.save(update_fields=fields)
    return device


@transaction.atomic
def totp_device_reset(*, user: User, actor: User, ip: str | None = None) -> None:
    """Forget the user's device (lost phone); he enrols again at his next sign-in."""
    TotpDevice.objects.filter(user=user).delete()
    audit_log_write(actor=actor, action="2fa.reset", obj=user, ip=ip)
