"""Signed links that work without signing in: unsubscribe, confirm an address, answer
«Решена ли проблема?». Only the server can make them (SECRET_KEY); nothing is stored."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

UNSUBSCRIBE_SALT = "civicplan.notifications.unsubscribe"
CONFIRM_SALT = "civicplan.notifications.confirm"
FEEDBACK_SALT = "civicplan.notifications.feedback"
CONFIRM_MAX_AGE = 7 * 24 * 3600
FEEDBACK_MAX_AGE = 180 * 24 * 3600


def absolute(path: str) -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/") + path


def unsubscribe_token(*, subscriber_id: int, scope: str) -> str:
    """`scope`: a category, `mode:daily`, `mode:weekly` or `all`. Never expires: a letter
    read a year later must still unsubscribe."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(f"{subscriber_id}.{scope.replace(':', '-')}")


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    try:
        value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
        subscriber_id, scope = value.split(".", 1)
        return int(subscriber_id), scope.replace("-", ":")
    except (signing.BadSignature, ValueError):
        return None


def unsubscribe_url(*, subscriber_id: int, scope: str) -> str:
    token = unsubscribe_token(subscriber_id=subscriber_id, scope=scope)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def confirm_token(*, subscriber_id: int) -> str:
    return signing.dumps({"s": subscriber_id}, salt=CONFIRM_SALT)


def confirm_read(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def feedback_token(*, feedback_id: int) -> str:
    return signing.dumps({"f": feedback_id}, salt=FEEDBACK_SALT)


def feedback_read(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=FEEDBACK_SALT, max_age=FEEDBACK_MAX_AGE)["f"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def feedback_url(*, feedback_id: int) -> str:
    return reverse("notifications:feedback", args=[feedback_token(feedback_id=feedback_id)])
