"""Settings for civicplan, read from environment variables only.

Defaults suit a laptop: a SQLite file under `var/`, a secret key generated once and kept in
`var/secret_key`, DEBUG off, Russian interface, Moscow time. See README.md («Настройка»)
for every variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

# Generic Django classes (`admin.ModelAdmin[Job]`) at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


# Values of an environment variable that mean «on» (compared with the variable, not shown).
TRUE_WORDS = {"1", "true", "yes", "on", "да"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


VAR_DIR = Path(os.environ.get("CIVICPLAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute links in e-mails and feeds; by default the address `make run` serves on.
_SERVE_HOST = os.environ.get("HOST", "127.0.0.1")
SITE_URL = os.environ.get(
    "SITE_URL",
    f"http://{'127.0.0.1' if _SERVE_HOST in {'0.0.0.0', '::', ''} else _SERVE_HOST}"
    f":{os.environ.get('PORT', '8000')}",
).rstrip("/")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_htmx",
    "ninja",
    "civicplan.core",
    "civicplan.accounts",
    "civicplan.territories",
    "civicplan.strategy",
    "civicplan.campaigns",
    "civicplan.proposals",
    "civicplan.meetings",
    "civicplan.insights",
    "civicplan.potential",
    "civicplan.practices",
    "civicplan.publications",
    "civicplan.drafts",
    "civicplan.notifications",
    "civicplan.reports",
    "civicplan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "civicplan.core.security.SecurityHeadersMiddleware",
    "civicplan.core.security.DatabaseUnavailableMiddleware",
    "civicplan.core.guard.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "civicplan.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "civicplan.core.pagecache.PageCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicplan.core.context_processors.site",
                "civicplan.core.pagecache.context_processor",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'civicplan.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default must hold a 300-person idea board behind several gunicorn workers:
    # WAL lets readers go on while one writer writes; every transaction starts IMMEDIATE, so
    # a writer queues on the busy timeout for the write lock at BEGIN instead of failing with
    # «database is locked» when a read transaction tries to upgrade; autocommit writes wait
    # on the same busy timeout. A write that still waits longer than SQLITE_BUSY_TIMEOUT
    # seconds answers 503 with Retry-After (core.security) — never a silent loss.
    # Connections are kept between requests (DB_CONN_MAX_AGE, as for PostgreSQL): opening one
    # reads the whole schema, about 2 ms of CPU, which every signed-in page and /healthz paid
    # while each request opened its own (benchmarks/README.md, «Signed-in pages inside
    # gunicorn»).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Русский")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [p for p in [BASE_DIR / "node_modules"] if p.is_dir()]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Serve uploads from Django when no web server does (a laptop); off behind nginx.
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)
# Files with personal data (imported tables, attachments of proposals): outside MEDIA_ROOT,
# served only by permission-checked views. Behind nginx set PRIVATE_MEDIA_ACCEL_PREFIX to its
# `internal` location (docs/production.md) and nginx sends the bytes; empty: Django does.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
PRIVATE_MEDIA_ACCEL_PREFIX = os.environ.get("PRIVATE_MEDIA_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "civicplan.core.staticfiles.StaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "civicplan <noreply@civicplan.local>")

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Anonymous public pages (civicplan.core.pagecache), shared by every server process:
    # Redis when there is one, otherwise files under var/ (faster than the database table
    # here, see benchmarks/README.md «Page cache»); PAGE_CACHE_BACKEND=db|locmem to change.
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "pages",
        }
        if os.environ.get("REDIS_URL") and os.environ.get("PAGE_CACHE_BACKEND", "") == ""
        else {
            "db": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "civicplan_page_cache",
                "OPTIONS": {"MAX_ENTRIES": 5000},
            },
            "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        }.get(
            os.environ.get("PAGE_CACHE_BACKEND", ""),
            {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(VAR_DIR / "cache" / "pages"),
                "OPTIONS": {"MAX_ENTRIES": 5000},
            },
        )
    ),
}
# Anonymous visitors get public pages from the cache above (PAGE_CACHE=0 switches it off);
# every write through the services invalidates it at once, this is only the longest life.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "120"))
# How often a gunicorn worker looks whether the warmed pages must be rendered again after a
# write (civicplan.core.warmup.start_rewarming); 0 switches the re-warming off.
PAGE_REWARM_SECONDS = float(os.environ.get("PAGE_REWARM_SECONDS", "1"))

REDIS_URL = os.environ.get("REDIS_URL", "")
# How many other Celery workers a campaign analysis asks to share its per-text work.
INSIGHTS_CHUNK_HELPERS = int(os.environ.get("INSIGHTS_CHUNK_HELPERS", "1"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (`celery -A config beat`): retention of personal data nightly, stale jobs often.
CELERY_BEAT_SCHEDULE = {
    "campaigns-retention-erase": {
        "task": "campaigns.retention_erase",
        "schedule": crontab(hour=3, minute=30),
    },
    "core-reap-stale-jobs": {"task": "core.reap_stale_jobs", "schedule": 300.0},
    # drafts: versions whose discussion ended are marked «обсуждение завершено» after midnight
    "drafts-close-expired": {"task": "drafts.close_expired", "schedule": crontab(hour=0, minute=5)},
    # notifications: the outbox every minute (retries, recovery), digests in the morning
    "notifications-send-outbox": {"task": "notifications.send_outbox", "schedule": 60.0},
    "notifications-staff-digest": {
        "task": "notifications.staff_digest",
        "schedule": crontab(hour=7, minute=30),
    },
    "notifications-digest-daily": {
        "task": "notifications.digest_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    "notifications-digest-weekly": {
        "task": "notifications.digest_weekly",
        "schedule": crontab(hour=8, minute=15, day_of_week="mon"),
    },
    "notifications-session-reminders": {
        "task": "notifications.session_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
}

# An optional LLM summariser (OpenAI-compatible); off unless LLM_URL is set.
LLM_URL = os.environ.get("LLM_URL", "")
LLM_MODEL = os.environ.get("LLM_MODEL", "")
LLM_API_KEY = os.environ.get("LLM_API_KEY", "")
LLM_TIMEOUT = float(os.environ.get("LLM_TIMEOUT", "20"))

# Where rate-limit counters live: «auto» (the shared cache if there is one, else the
# database, so that every gunicorn worker counts together), «cache» or «database».
RATE_LIMIT_STORE = os.environ.get("RATE_LIMIT_STORE", "auto")
# Threads of the in-process background pool used when no Celery broker is configured.
BACKGROUND_THREADS = int(os.environ.get("BACKGROUND_THREADS", "2"))

# Salt for hashing IP addresses in consent records and rate limits (152-FZ: no raw IPs kept).
IP_HASH_SALT = os.environ.get("IP_HASH_SALT", SECRET_KEY[:32])

# Production hardening switches on with HTTPS (see docs/production.md).
SECURE_HTTPS = env_bool("SECURE_HTTPS")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# `same-origin`: addresses with a tracking code never leave the site in a Referer, while the
# site's own forms keep their origin for the CSRF check.
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "civicplan.core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
