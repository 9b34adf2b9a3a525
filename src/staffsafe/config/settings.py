"""Settings, driven by the environment.

SQLite is the embedded default for a zero-set-up demo; set DATABASE_URL for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("STAFFSAFE_DATA_DIR", Path.cwd() / "var"))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("STAFFSAFE_DEBUG", False)
DEMO_MODE = _env_bool("STAFFSAFE_DEMO_MODE", False)
SECRET_KEY = os.environ.get("STAFFSAFE_SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or DEMO_MODE):
        raise RuntimeError("Set STAFFSAFE_SECRET_KEY (or STAFFSAFE_DEMO_MODE=true for the demo).")
    SECRET_KEY = "demo-only-not-secret-" + "x" * 40

ALLOWED_HOSTS = [
    h for h in os.environ.get("STAFFSAFE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "staffsafe.core",
    "staffsafe.organisations",
    "staffsafe.accounts",
    "staffsafe.incidents",
    "staffsafe.audit",
    "staffsafe.collection",
    "staffsafe.analytics",
    "staffsafe.standard",
    "staffsafe.aftercare",
    "staffsafe.api",
    "staffsafe.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "staffsafe.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "staffsafe.config.urls"
WSGI_APPLICATION = "staffsafe.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "staffsafe.config.jinja2.environment"},
    },
    {
        # Kept second for the Django admin.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'staffsafe.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL and a busy timeout let the demo server and a CLI command share the file safely.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Parameters bound by the server and repeated statements prepared once per connection, so
    # PostgreSQL stops re-parsing and re-planning the same few queries (docs/PERFORMANCE.md, P5).
    # Prepared statements do not survive a transaction-pooling PgBouncer: switch them off there.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    if _env_bool("STAFFSAFE_DB_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lock-out: five failures for the same username from the same address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("STAFFSAFE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.jinja"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_COOKIE_SECURE = _env_bool("STAFFSAFE_SECURE_COOKIES", not (DEBUG or DEMO_MODE))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
# Static files are served from the package by WhiteNoise; collectstatic is optional.
STATIC_ROOT = os.environ.get("STAFFSAFE_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get(
    "STAFFSAFE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("STAFFSAFE_FROM_EMAIL", "staffsafe@localhost")
# The address people use to reach the service, for links in e-mails.
SITE_URL = os.environ.get("STAFFSAFE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Aftercare: hours after the report by which each step of support is offered, until the trust's
# lead sets the trust's own targets (docs: staffsafe/aftercare/selectors.py).
AFTERCARE_DEFAULT_TARGET_HOURS = {
    "manager_contact": 24,
    "debrief": 72,
    "wellbeing_conversation": 120,
    "occupational_health_referral": 168,
}
# Reminders (`staffsafe reminders`): a first e-mail this many hours before an item is due, a
# second once it is overdue; the lead's daily digest from this hour (local time); a reminder
# planned but not sent within the expiry (a long outage) is dropped rather than sent late.
REMINDERS_DUE_SOON_HOURS = 24
REMINDERS_DIGEST_HOUR = 7
REMINDERS_PENDING_EXPIRY_HOURS = 6

# Large returns are validated and loaded by a background worker (`staffsafe db_worker`).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("STAFFSAFE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
RETURNS_DIR = DATA_DIR / "returns"

# The longest free text a person can enter; longer text is refused with a located error.
FREE_TEXT_MAX_LENGTH = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("STAFFSAFE_LOG_LEVEL", "WARNING")},
}
