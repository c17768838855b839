"""Fixed-window rate limits on the cache (Redis in production, memory locally).

    rate_limit_hit(key=f"proposal-ip:{ip_hash}", limit=5, window=3600)

raises `RateLimited` with a Russian message once `limit` hits happened within `window`
seconds. Keys should hold hashes, never raw IP addresses or e-mails.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.utils.translation import gettext as _

from civicplan.core.errors import RateLimited


def _minutes(seconds: int) -> str:
    from civicplan.core.templatetags.civic import ru_plural_form

    if seconds < 120:
        return f"{seconds} " + ru_plural_form(seconds, ("секунду", "секунды", "секунд"))
    minutes = (seconds + 59) // 60
    return f"{minutes} " + ru_plural_form(minutes, ("минуту", "минуты", "минут"))


def rate_limit_hit(*, key: str, limit: int, window: int, message: str | None = None) -> int:
    """Count one hit; raise RateLimited when over the limit. Returns the hits so far."""
    bucket = int(time.time() // window)
    cache_key = f"rl:{key}:{bucket}"
    added = cache.add(cache_key, 1, timeout=window + 5)
    count = 1 if added else cache.incr(cache_key)
    if count > limit:
        retry = window - int(time.time() % window)
        raise RateLimited(
            message
            or _("Слишком много попыток. Попробуйте ещё раз через %(wait)s.")
            % {"wait": _minutes(retry)},
            code="rate_limited",
        )
    return count


def rate_limit_reset(*, key: str, window: int) -> None:
    bucket = int(time.time() // window)
    cache.delete(f"rl:{key}:{bucket}")
