"""Who is reading: consent to metrics, visitor keys, bots.

Cookies of this app:

- `cp_consent` — the visitor's choice about metrics («accepted:<policy version>» or
  «refused»). Strictly necessary: it remembers the answer so the banner is not shown again.
- `cp_vid` — a random visitor identifier, set only after the visitor accepted metrics and
  deleted when they refuse. Used to count views and ratings once per visitor.
- `cp_poll_<id>` — a signed cookie saying that this browser voted in a poll (the vote
  itself asked for it); it holds a random token, not a person.

Without consent to metrics the visitor key is a salted hash of IP address, browser and day
(for daily counts) — nothing is stored in the browser and the hash cannot be reversed.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from civicplan.core.pagecache import shared_fragment

CONSENT_COOKIE = "cp_consent"
VISITOR_COOKIE = "cp_vid"
POLL_COOKIE_PREFIX = "cp_poll_"
CONSENT_MAX_AGE = 365 * 24 * 3600
REFUSED = "refused"

_BOT_RE = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|mediapartners|facebookexternalhit|"
    r"embedly|preview|monitor|uptime|curl/|wget/|python-requests|python-urllib|httpx|aiohttp|"
    r"go-http-client|java/|okhttp|libwww|scrapy|phantomjs|lighthouse|pingdom|feedfetcher|"
    r"feedparser|rss",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """A robot by its user agent; an empty user agent counts as a robot."""
    ua = (user_agent or "").strip()
    if len(ua) < 10:
        return True
    return bool(_BOT_RE.search(ua))


def _hash(*parts: str) -> str:
    salt = str(settings.IP_HASH_SALT).encode()
    return hmac.new(salt, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ConsentState:
    decided: bool
    metrics: bool
    version: str


def _cookie_policy_version_read() -> str:
    from civicplan.accounts.models import PolicyDocument

    policy = (
        PolicyDocument.objects.filter(kind="cookies", effective_from__lte=timezone.now())
        .order_by("-effective_from")
        .values_list("version", flat=True)
        .first()
    )
    return policy or ""


def _current_cookie_policy_version() -> str:
    """Asked on every page: kept for everyone until a policy is published (which replaces
    every page cache topic) or PAGE_CACHE_SECONDS pass, like the pages that show it."""
    return shared_fragment("cookie-policy-version", ("campaigns",), _cookie_policy_version_read)


def consent_state(request: HttpRequest) -> ConsentState:
    """The visitor's answer; an acceptance of an older policy version asks again."""
    cached = getattr(request, "_cp_consent", None)
    if cached is not None:
        return cached
    raw = request.COOKIES.get(CONSENT_COOKIE, "")
    version = _current_cookie_policy_version()
    if raw == REFUSED:
        state = ConsentState(decided=True, metrics=False, version=version)
    elif raw.startswith("accepted:"):
        accepted_version = raw.split(":", 1)[1]
        fresh = accepted_version == version
        state = ConsentState(decided=fresh, metrics=fresh, version=version)
    else:
        state = ConsentState(decided=False, metrics=False, version=version)
    request._cp_consent = state  # type: ignore[attr-defined]
    return state


def consent_apply(response: HttpResponse, *, accepted: bool, version: str) -> None:
    """Remember the answer; set the visitor cookie only with consent, delete it otherwise."""
    secure = bool(getattr(settings, "SECURE_HTTPS", False))
    value = f"accepted:{version}" if accepted else REFUSED
    response.set_cookie(
        CONSENT_COOKIE, value, max_age=CONSENT_MAX_AGE, samesite="Lax", secure=secure
    )
    if accepted:
        response.set_cookie(
            VISITOR_COOKIE,
            secrets.token_urlsafe(18),
            max_age=CONSENT_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=secure,
        )
    else:
        response.delete_cookie(VISITOR_COOKIE, samesite="Lax")


def _fingerprint(request: HttpRequest) -> tuple[str, str]:
    from civicplan.accounts.services import client_ip

    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300]


def visitor_key(request: HttpRequest, *, day: datetime.date | None = None) -> str:
    """A stable, non-reversible key of the visitor.

    A signed-in user is keyed by account; with consent to metrics by the `cp_vid` cookie;
    otherwise by a salted hash of IP address and browser (and of the day when `day` is given,
    so that nothing links the visits of different days).
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return _hash("user", str(user.pk))
    if consent_state(request).metrics:
        vid = request.COOKIES.get(VISITOR_COOKIE, "")
        if 16 <= len(vid) <= 64:
            return _hash("vid", vid)
    ip, ua = _fingerprint(request)
    parts = ["anon", ip, ua]
    if day is not None:
        parts.append(day.isoformat())
    return _hash(*parts)


def ip_key(request: HttpRequest) -> str:
    """The salted hash of the client's address, for rate limits."""
    from civicplan.accounts.services import client_ip, ip_hash

    return ip_hash(client_ip(request)) or "unknown"


def device_key(request: HttpRequest) -> str:
    """A salted hash of the client's address and browser only — what a visitor keeps when he
    deletes his cookies (for one vote per visitor in a poll)."""
    from civicplan.accounts.services import client_ip

    return _hash("device", client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300])


def poll_cookie_name(poll_id: int) -> str:
    return f"{POLL_COOKIE_PREFIX}{poll_id}"


def poll_cookie_token(request: HttpRequest, poll_id: int) -> str | None:
    """The voter token of this browser for a poll, when its signed cookie is valid."""
    value = request.get_signed_cookie(
        poll_cookie_name(poll_id), default=None, salt="publications.poll"
    )
    return value or None


def poll_cookie_set(response: HttpResponse, poll_id: int, token: str) -> None:
    response.set_signed_cookie(
        poll_cookie_name(poll_id),
        token,
        salt="publications.poll",
        max_age=CONSENT_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=bool(getattr(settings, "SECURE_HTTPS", False)),
    )


def hash_token(token: str) -> str:
    return _hash("poll", token)


def page_variant(request: HttpRequest) -> str:
    """What of this app a cached public page depends on, from cookies alone (no query):
    the consent answer (the banner shows or not) and the polls this browser voted in (their
    results show instead of the form). Forged poll cookies fail the signature and count as
    not voted, as the page itself would."""
    raw = request.COOKIES.get(CONSENT_COOKIE, "")
    if raw == REFUSED:
        consent = REFUSED
    elif raw.startswith("accepted:") and len(raw) <= 80:
        consent = raw
    else:
        consent = ""
    voted = []
    for name in request.COOKIES:
        if name.startswith(POLL_COOKIE_PREFIX):
            poll_id = name[len(POLL_COOKIE_PREFIX) :]
            if poll_id.isdigit() and poll_cookie_token(request, int(poll_id)):
                voted.append(int(poll_id))
    return f"consent={consent};polls={','.join(map(str, sorted(voted)))}"
