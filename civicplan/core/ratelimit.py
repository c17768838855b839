"""Fixed-window rate limits shared by every process of the site.

    rate_limit_hit(key=f"proposal-ip:{ip_hash}", limit=5, window=3600)

raises `RateLimited` with a Russian message once `limit` hits happened within `window`
seconds. Keys should hold hashes, never raw IP addresses or e-mails.

Where the counters live (`RATE_LIMIT_STORE`): «cache» when the cache is shared between
processes (Redis, Memcached, the database cache), «database» otherwise — a gunicorn with five
workers and a per-process memory cache would let five times the limit through. «auto» (the
default) chooses. The database store counts with one atomic upsert per hit
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`, SQLite ≥ 3.35 and PostgreSQL).

Inside a transaction the database counter is part of it: a hit whose transaction is rolled
back does not count. Limits on failures (wrong passwords, wrong codes) are therefore hit
outside the transaction of the attempt.
"""

# The only writer of `RateLimitCounter` rows: this module is core's service for limits.

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from civicplan.core.errors import RateLimited

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
# One hit in this many also deletes the expired windows.
CLEANUP_EVERY = 200


def _minutes(seconds: int) -> str:
    from civicplan.core.templatetags.civic import ru_plural_form

    if seconds < 120:
        return f"{seconds} " + ru_plural_form(seconds, (_("секунду"), _("секунды"), _("секунд")))
    minutes = (seconds + 59) // 60
    return f"{minutes} " + ru_plural_form(minutes, (_("минуту"), _("минуты"), _("минут")))


def cache_is_shared() -> bool:
    default: Any = settings.CACHES.get("default", {})
    backend = str(default.get("BACKEND", ""))
    return backend not in LOCAL_CACHES


def rate_limit_store() -> str:
    """«cache» or «database»: where the counters of this process live."""
    store = str(getattr(settings, "RATE_LIMIT_STORE", "auto")).lower()
    if store in ("cache", "database"):
        return store
    return "cache" if cache_is_shared() else "database"


def _window(key: str, window: int) -> tuple[str, int]:
    bucket = int(time.time() // window)
    return f"rl:{key}:{bucket}"[:255], window - int(time.time() % window)


def _db_increment(name: str, window: int) -> int:
    from civicplan.core.models import RateLimitCounter

    table = connection.ops.quote_name(RateLimitCounter._meta.db_table)
    key, count, expires = (connection.ops.quote_name(c) for c in ("key", "count", "expires_at"))
    expires_at = timezone.now() + timedelta(seconds=window + 5)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 "
            f"RETURNING {count}",
            [name, expires_at],
        )
        value = int(cursor.fetchone()[0])
    if random.randrange(CLEANUP_EVERY) == 0:
        # Kept outside services: rate-limit counters are a cache that happens to live in the
        # database (no history, no invariants); they are counted and expired right here.
        RateLimitCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return value


def _db_count(name: str) -> int:
    from civicplan.core.models import RateLimitCounter

    row = (
        RateLimitCounter.objects.filter(key=name, expires_at__gte=timezone.now())
        .values_list("count", flat=True)
        .first()
    )
    return int(row or 0)


def _raise(retry: int, message: str | None) -> None:
    raise RateLimited(
        message
        or _("Слишком много попыток. Попробуйте ещё раз через %(wait)s.")
        % {"wait": _minutes(retry)},
        code="rate_limited",
    )


def rate_limit_hit(*, key: str, limit: int, window: int, message: str | None = None) -> int:
    """Count one hit; raise RateLimited when over the limit. Returns the hits so far."""
    name, retry = _window(key, window)
    if rate_limit_store() == "database":
        count = _db_increment(name, window)
    else:
        added = cache.add(name, 1, timeout=window + 5)
        count = 1 if added else cache.incr(name)
    if count > limit:
        _raise(retry, message)
    return count


def rate_limit_check(*, key: str, limit: int, window: int, message: str | None = None) -> None:
    """Raise RateLimited when `limit` hits are already counted, without counting one more
    (to refuse a blocked source before it even tries)."""
    name, retry = _window(key, window)
    if rate_limit_store() == "database":
        count = _db_count(name)
    else:
        count = int(cache.get(name) or 0)
    if count >= limit:
        _raise(retry, message)


def rate_limit_reset(*, key: str, window: int) -> None:
    name, _retry = _window(key, window)
    if rate_limit_store() == "database":
        from civicplan.core.models import RateLimitCounter

        RateLimitCounter.objects.filter(key=name).delete()  # a cache entry, see _db_increment
    else:
        cache.delete(name)
