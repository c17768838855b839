"""Two-factor sign-in (TOTP) for staff who can read personal data.

After the password, such a user is not signed in yet: the login view keeps him «pending» in
the session until he enters a code from his authenticator app (enrolling it first if needed).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.accounts.models import Role, TotpDevice, User
from civicplan.accounts.selectors import user_has_role
from civicplan.accounts.services import audit_log_write, ip_hash
from civicplan.core.errors import InvalidInput
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


def totp_verify(*, user: User, code: str, ip: str | None = None) -> TotpDevice:
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
    device = _totp_accept(user=user, code=code, ip=ip)
    if device is None:
        audit_log_write(actor=user, action="2fa.failure", obj=user, ip=ip)
        raise InvalidInput(
            _("Код не подошёл. Проверьте время на телефоне и введите новый код."), field="code"
        )
    return device


@transaction.atomic
def _totp_accept(*, user: User, code: str, ip: str | None) -> TotpDevice | None:
    """Use the code on the user's device; None when it does not match or was used."""
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        raise InvalidInput(_("Сначала подключите приложение для кодов."), field="code")
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
