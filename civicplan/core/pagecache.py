"""Full-page cache of public pages for anonymous visitors, invalidated on write.

A view opts in with `@public_page`. For an anonymous GET without pending messages the
middleware answers from the `pages` cache (Redis when REDIS_URL is set, otherwise a file
cache shared by every gunicorn worker), keyed on scheme, host, path with query, the htmx
request header and the per-visitor variants that apps register
(`civicplan.core.registry.register_page_variant`: the cookie consent answer, the polls this
browser voted in).

What is per visitor never enters the cache:

- CSRF tokens: while a page is rendered for the cache, `{% csrf_token %}` writes a secret
  placeholder, which is replaced by the visitor's own token every time the page is served.
- Parts that depend on who is looking (a visitor's own rating) are rendered neutral with
  `shared_render(request)` and loaded as small htmx fragments; without JavaScript the form
  posts to a page that renders fresh.
- Responses that set a cookie, change the session, are not 200, or used a real CSRF token
  are not stored. Signed-in users (moderators, staff) never get a cached page.

Every service that changes what public pages show calls `public_pages_changed(*topics)`
(or is decorated with `@changes_public_pages`): it replaces the generation of those topics,
and a page is served only while the generations of the topics it depends on are those it was
rendered under. While one request (or the background re-warming after a write,
`civicplan.core.warmup`) renders a page anew, other visitors of that page get its previous
version for those milliseconds instead of all rendering it at once. A page is not served past the next scheduled moment of its topics either
(`civicplan.core.registry.register_page_schedule`: an article published at a set time, a poll
opening or closing), so such a change shows at its time, not when the page expires. Pages
also expire after PAGE_CACHE_SECONDS, for changes made outside the services.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from civicplan.core.registry import page_schedules, page_variants

logger = logging.getLogger(__name__)

PAGE_CACHE_ALIAS = "pages"
GENERATION_KEY = "cp:pages:generation:"
# What a page shows comes from some of these; a write replaces the generation of what it
# changed, so a comment does not throw away the cached strategy and potential pages.
TOPICS = ("proposals", "publications", "strategy", "territories", "campaigns")
KEY_PREFIX = "cp:page:"
RENDER_LOCK_PREFIX = "cp:pages:rendering:"
# The longest a render may hold its page's lock (a crashed worker's lock then lapses).
RENDER_LOCK_SECONDS = 30
MAX_QUERY_LENGTH = 1000
STORED_HEADERS = ("Content-Type", "Content-Language", "Link", "X-Robots-Tag")
CACHE_HEADER = "X-Page-Cache"

View = TypeVar("View", bound=Callable[..., HttpResponse])


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE_ENABLED", True))


def page_cache() -> BaseCache:
    return caches[PAGE_CACHE_ALIAS]


@cache
def _placeholder(secret: str) -> str:
    digest = hmac.new(secret.encode(), b"civicplan page cache csrf", hashlib.sha256)
    return "cpcsrf" + digest.hexdigest()[:32]


def csrf_placeholder() -> str:
    """A value no visitor can guess, so no page text can be turned into a token."""
    return _placeholder(str(settings.SECRET_KEY))


# --- invalidation ---------------------------------------------------------------------------


def _bump(topics: tuple[str, ...]) -> None:
    try:
        page_cache().set_many({GENERATION_KEY + topic: uuid.uuid4().hex for topic in topics}, None)
    except Exception:  # a cache outage must not fail the write; pages expire anyway
        logger.exception("page cache: could not replace the generation")


def public_pages_changed(*topics: str) -> None:
    """What public pages show about `topics` (all when none given) has changed: no cached page
    that depends on them is served again.

    Called by services inside their transaction: the generation is replaced at once and again
    after the commit, so a page rendered from the old data in between is not served either.
    """
    if not enabled():
        return
    chosen = tuple(topics) or TOPICS
    unknown = set(chosen) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown page cache topics: {sorted(unknown)}")
    _bump(chosen)
    transaction.on_commit(lambda: _bump(chosen))


Service = TypeVar("Service", bound=Callable[..., Any])


def changes_public_pages(service: Service | None = None, *, topics: tuple[str, ...] = ()) -> Any:
    """Decorate a service whose successful call changes what public pages show about `topics`
    (every topic when none are named)."""

    def decorate(func: Service) -> Service:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            public_pages_changed(*topics)
            return result

        return wrapper  # type: ignore[return-value]

    return decorate(service) if service is not None else decorate


def _generation(found: dict[str, Any], topics: tuple[str, ...], backend: BaseCache) -> str:
    """The generations of `topics` as one string; a missing one (never set, or culled) is
    created with a new random value, so no old page matches it."""
    values = []
    for topic in topics:
        value = found.get(GENERATION_KEY + topic)
        if value is None:
            backend.add(GENERATION_KEY + topic, uuid.uuid4().hex, None)
            value = backend.get(GENERATION_KEY + topic)
        values.append(str(value))
    return ".".join(values)


def next_scheduled_change(topics: tuple[str, ...]) -> float | None:
    """The next moment (a timestamp) after now at which pages depending on `topics` change
    by themselves, or None."""
    moments = []
    for topic, fn in page_schedules():
        if topic not in topics:
            continue
        try:
            moment = fn()
        except Exception:  # a page is still served; it expires after PAGE_CACHE_SECONDS
            logger.exception("page cache: the schedule of %s failed", topic)
            continue
        if moment is not None:
            moments.append(moment.timestamp())
    return min(moments) if moments else None


def _fresh(entry: tuple[Any, ...], generation: str) -> bool:
    if entry[0] != generation:
        return False
    valid_until = entry[3] if len(entry) > 3 else None
    return valid_until is None or timezone.now().timestamp() < valid_until


# --- fragments shared by every visitor, signed in or not -----------------------------------

FRAGMENT_PREFIX = "cp:fragment:"


def shared_fragment(name: str, topics: tuple[str, ...], render: Callable[[], str]) -> str:
    """The HTML `render()` returns, kept for every visitor (signed-in ones too) while the
    generations of `topics` stay the same (and not past their next scheduled change).

    Only for blocks that show the same to everyone: rendered without the request, so no
    user, CSRF token or cookie can get in (the caller renders with `render_to_string(...)`
    and no request)."""
    if not enabled():
        return render()
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown page cache topics: {sorted(unknown)}")
    backend = page_cache()
    key = FRAGMENT_PREFIX + hashlib.sha256(f"{name}\x1f{get_language()}".encode()).hexdigest()
    try:
        found = backend.get_many([*(GENERATION_KEY + t for t in topics), key])
        generation = _generation(found, topics, backend)
    except Exception:
        logger.exception("page cache: unavailable")
        return render()
    entry = found.get(key)
    if entry is not None and _fresh(entry, generation):
        return str(entry[2])
    html = render()
    lifetime = int(getattr(settings, "PAGE_CACHE_SECONDS", 120))
    valid_until = next_scheduled_change(topics)
    if valid_until is not None:
        lifetime = max(1, min(lifetime, math.ceil(valid_until - timezone.now().timestamp())))
    try:
        backend.set(key, (generation, {}, html, valid_until), lifetime)
    except Exception:
        logger.exception("page cache: could not store the fragment %s", name)
    return html


# --- marking views --------------------------------------------------------------------------


def public_page(
    view: View | None = None,
    *,
    on_hit: Callable[..., None] | None = None,
    depends: tuple[str, ...] = TOPICS,
) -> Any:
    """Let anonymous GETs of this view be served from the page cache.

    `on_hit(request, *args, **kwargs)` runs when a request is answered from the cache, for the
    side effects the view has on every visit (counting a view of an article). `depends`: the
    topics whose changes the page shows (all by default).
    """

    def mark(func: View) -> View:
        func._cp_public_page = tuple(depends)  # type: ignore[attr-defined]
        func._cp_on_hit = on_hit  # type: ignore[attr-defined]
        return func

    return mark(view) if view is not None else mark


def shared_render(request: HttpRequest) -> bool:
    """True while a page is rendered for every anonymous visitor (render nothing personal)."""
    return getattr(request, "_cp_page_cache", None) is not None


def context_processor(request: HttpRequest) -> dict[str, Any]:
    """While rendering for the cache, `{% csrf_token %}` writes the placeholder."""
    if shared_render(request):
        return {"csrf_token": csrf_placeholder()}
    return {}


# --- the middleware -------------------------------------------------------------------------


def _has_pending_messages(request: HttpRequest) -> bool:
    if "messages" in request.COOKIES:
        return True
    session = getattr(request, "session", None)
    if session is not None and settings.SESSION_COOKIE_NAME in request.COOKIES:
        return bool(session.get("_messages"))
    return False


def eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    return not _has_pending_messages(request)


def page_key(request: HttpRequest) -> str:
    parts = [
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
        get_language() or "",
        *(variant(request) for variant in page_variants()),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return KEY_PREFIX + digest


def _personalise(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    placeholder = csrf_placeholder().encode()
    if placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response


def csrf_fill(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page built from shared fragments (`shared_fragment`, rendered with the placeholder
    for CSRF tokens) gets this visitor's own token. Nothing to do while the page itself is
    rendered for the cache: the middleware puts each visitor's token in when serving it."""
    if shared_render(request):
        return response
    return _personalise(request, response)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a real token was rendered somewhere
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    cache_control = response.get("Cache-Control", "")
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    """Serve and store anonymous public pages (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        pending = getattr(request, "_cp_page_cache", None)
        if pending is None:
            return response
        key, generation, topics, locked = pending
        try:
            self._store(request, response, key, generation, topics)
        finally:
            if locked:
                _unlock(key)
        response[CACHE_HEADER] = "miss"
        return _personalise(request, response)

    def _store(
        self,
        request: HttpRequest,
        response: HttpResponse,
        key: str,
        generation: str,
        topics: tuple[str, ...],
    ) -> None:
        if request.method == "GET" and _storable(request, response):
            headers = {name: response[name] for name in STORED_HEADERS if name in response}
            lifetime = int(getattr(settings, "PAGE_CACHE_SECONDS", 120))
            valid_until = next_scheduled_change(topics)
            if valid_until is not None:
                left = valid_until - timezone.now().timestamp()
                lifetime = max(1, min(lifetime, math.ceil(left)))
            try:
                page_cache().set(
                    key, (generation, headers, response.content, valid_until), lifetime
                )
            except Exception:
                logger.exception("page cache: could not store %s", request.path)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        topics = getattr(view_func, "_cp_public_page", None)
        if not topics or not enabled():
            return None
        if not eligible(request):
            return None
        key = page_key(request)
        backend = page_cache()
        try:
            found = backend.get_many([*(GENERATION_KEY + t for t in topics), key])
            generation = _generation(found, topics, backend)
        except Exception:
            logger.exception("page cache: unavailable")
            return None
        entry = found.get(key)
        fresh = entry is not None and _fresh(entry, generation)
        locked = False
        if not fresh and request.method == "GET":
            locked = _lock(key)
            # Someone renders this page right now: the previous version for the moment.
            stale = entry is not None and not locked
            if stale:
                return self._serve(request, view_func, view_args, view_kwargs, entry, "stale")
        if fresh:
            return self._serve(request, view_func, view_args, view_kwargs, entry, "hit")
        request._cp_page_cache = (key, generation, topics, locked)  # type: ignore[attr-defined]
        return None

    @staticmethod
    def _serve(
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
        entry: Any,
        source: str,
    ) -> HttpResponse:
        on_hit = getattr(view_func, "_cp_on_hit", None)
        if on_hit is not None:
            on_hit(request, *view_args, **view_kwargs)
        headers, content = entry[1], entry[2]
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        response[CACHE_HEADER] = source
        return _personalise(request, response)


def _lock(key: str) -> bool:
    """Take the right to render the page `key` (False: another request renders it)."""
    try:
        return bool(page_cache().add(RENDER_LOCK_PREFIX + key, 1, RENDER_LOCK_SECONDS))
    except Exception:
        logger.exception("page cache: could not lock a render")
        return True


def _unlock(key: str) -> None:
    try:
        page_cache().delete(RENDER_LOCK_PREFIX + key)
    except Exception:
        logger.exception("page cache: could not unlock a render")
