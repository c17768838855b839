"""System checks of `manage.py check --deploy` about robustness under several processes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def rate_limits_shared(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Rate limits kept in a per-process cache let every gunicorn worker count on its own."""
    from civicplan.core.ratelimit import cache_is_shared, rate_limit_store

    if rate_limit_store() == "cache" and not cache_is_shared():
        return [
            Warning(
                _(
                    "Ограничения частоты (вход, коды, голоса) считаются в памяти каждого "
                    "процесса: при нескольких процессах gunicorn лимит фактически умножается на "
                    "их число."
                ),
                hint=_("Задайте REDIS_URL или RATE_LIMIT_STORE=database (или auto)."),
                id="civicplan.W001",
            )
        ]
    return []


@register(Tags.database, deploy=True)
def sqlite_write_settings(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """The embedded SQLite holds many writers only with WAL, a busy timeout and IMMEDIATE."""
    database = settings.DATABASES["default"]
    if not str(database.get("ENGINE", "")).endswith("sqlite3"):
        return []
    options = database.get("OPTIONS", {})
    missing = [
        name
        for name, ok in (
            (
                "journal_mode=WAL",
                "journal_mode=wal" in str(options.get("init_command", "")).lower(),
            ),
            ("timeout", float(options.get("timeout", 5)) >= 5),
            ("transaction_mode=IMMEDIATE", options.get("transaction_mode") == "IMMEDIATE"),
        )
        if not ok
    ]
    if missing:
        return [
            Warning(
                _("SQLite настроена без %(missing)s: одновременные записи будут отклоняться.")
                % {"missing": ", ".join(missing)},
                hint=_(
                    "Верните настройки DATABASES из config/settings.py или используйте PostgreSQL."
                ),
                id="civicplan.W002",
            )
        ]
    return []
