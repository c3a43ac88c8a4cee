"""Saan's settings: one file, driven by environment variables.

SQLite under ``var/`` is the embedded default so the demo needs nothing installed; set
``DATABASE_URL`` (``postgres://user:pass@host:port/name``) for PostgreSQL in production.
"""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ROOT_DIR = BASE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SAAN_DATA_DIR", ROOT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SAAN_DEBUG", False)
# The fallback key only ever serves a local demo; `check --deploy` and the README insist on a
# real SAAN_SECRET_KEY anywhere else.
SECRET_KEY = os.environ.get("SAAN_SECRET_KEY", "saan-local-demo-key-not-for-production-use")
ALLOWED_HOSTS = env_list("SAAN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("SAAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "saan.core",
    "saan.audit",
    "saan.areas",
    "saan.partners",
    "saan.accounts",
    "saan.projects",
    "saan.indicators",
    "saan.forums",
    "saan.overlaps",
    "saan.plans",
    "saan.funds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "saan.core.middleware.ThaiFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "saan.urls"
WSGI_APPLICATION = "saan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["saan.core.templatetags.thai"],
        },
    }
]


def database_from_env() -> dict[str, Any]:
    """The database settings, or one clear line and exit for a DATABASE_URL that is not usable."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'saan.sqlite3'}"
    try:
        config: dict[str, Any] = dict(
            dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        )
    except Exception as exc:  # dj-database-url raises several types for bad input
        sys.stderr.write(
            "saan: DATABASE_URL ใช้ไม่ได้ / DATABASE_URL is not usable "
            f"({exc.__class__.__name__}: {exc}). "
            "Expected postgres://user:password@host:5432/name or sqlite:///path/to/file.sqlite3\n"
        )
        raise SystemExit(2) from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        sys.stderr.write(
            f"saan: DATABASE_URL names an unsupported database ({engine or 'unknown'}); "
            "use postgres:// or sqlite:// / รองรับเฉพาะ PostgreSQL และ SQLite\n"
        )
        raise SystemExit(2)
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at
            # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["saan.accounts.backends.UsernameOrEmailBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "home"
# Sign-in throttling: this many failures for one name or one address within the window locks
# further attempts for the rest of the window.
SAAN_LOGIN_MAX_FAILURES = int(os.environ.get("SAAN_LOGIN_MAX_FAILURES", "5"))
SAAN_LOGIN_WINDOW_SECONDS = int(os.environ.get("SAAN_LOGIN_WINDOW_SECONDS", "900"))

# The default cache: per process, in memory. It keeps drawn page fragments (``core.fragments``:
# the province page's "who does what here", the register list's results, the indicators'
# area picture) under the version of the data they were drawn from, so a change is seen on
# the next request. SAAN_PAGE_CACHE=0 turns fragment caching off (every page drawn afresh);
# SAAN_CACHE_ENTRIES bounds the entries kept per process (the oldest go first).
SAAN_PAGE_CACHE = env_bool("SAAN_PAGE_CACHE", True)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "saan",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SAAN_CACHE_ENTRIES", "2000"))},
    }
}

LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("ไทย")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SAAN_STATIC_ROOT", ROOT_DIR / "staticfiles"))
# whitenoise warns at start-up about a missing STATIC_ROOT; on a fresh clone nothing has been
# collected yet (tests serve static files through the finders).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and "pytest" not in sys.modules
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: a spreadsheet to import, an attachment to a meeting or charter.
SAAN_IMPORT_MAX_BYTES = int(os.environ.get("SAAN_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
SAAN_IMPORT_MAX_ROWS = int(os.environ.get("SAAN_IMPORT_MAX_ROWS", "300000"))
SAAN_IMPORT_KEEP_DAYS = int(os.environ.get("SAAN_IMPORT_KEEP_DAYS", "90"))  # indicator import files
SAAN_ATTACHMENT_MAX_BYTES = int(os.environ.get("SAAN_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# The site's public address, for links in e-mails sent outside a request (reminders).
SAAN_SITE_URL = os.environ.get("SAAN_SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = os.environ.get(
    "SAAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("SAAN_FROM_EMAIL", "saan@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Sessions live in the database (one row each, so signing out ends a session in every server
# process); ``accounts.sessions`` reads the row with one precompiled statement.
SESSION_ENGINE = "saan.accounts.sessions"
SESSION_COOKIE_SECURE = env_bool(
    "SAAN_SECURE_COOKIES", not DEBUG and "SAAN_SECRET_KEY" in os.environ
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SAAN_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SAAN_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SAAN_BEHIND_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAAN_LOG_LEVEL", "WARNING")},
}
