"""Forsa settings: one module, configured only by the environment.

FORSA_DEBUG=1 gives the demo and development setup; without it every
production hardening (HTTPS-only cookies, HSTS, SSL redirect) is on.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FORSA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("FORSA_DEBUG")
# A fixed key is acceptable only in debug (demo, tests). Without FORSA_SECRET_KEY in production the
# key stays empty: commands that need no key (makemigrations, migrate) still run, while serving
# refuses to start (forsa/wsgi.py) and `check --deploy` reports it (forsa/core/checks.py).
SECRET_KEY = os.environ.get("FORSA_SECRET_KEY") or (
    "forsa-debug-only-key-never-used-in-production-0123456789abcdef" if DEBUG else ""
)
ALLOWED_HOSTS = env_list("FORSA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("FORSA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "forsa.core",
    "forsa.territory",
    "forsa.organizations",
    "forsa.accounts",
    "forsa.centers",
    "forsa.learners",
    "forsa.attendance",
    "forsa.assessments",
    "forsa.conventions",
    "forsa.earlywarning",
    "forsa.audit",
    "forsa.documents",
    "forsa.reporting",
    "forsa.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "forsa.core.middleware.LoginRequiredMiddleware",
    "forsa.accounts.middleware.SessionTimeoutMiddleware",
    "forsa.accounts.middleware.TwoFactorMiddleware",
    "forsa.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "forsa.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "forsa.urls"
WSGI_APPLICATION = "forsa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # forsa/templates holds base.html, the site's layout and menu: like forsa/urls.py, the composition
        # root that knows every app (core, the ground floor, knows none).
        "DIRS": [BASE_DIR / "forsa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "forsa.core.context_processors.navigation",
            ],
        },
    }
]

# SQLite by default (embedded, WAL); PostgreSQL in production through DATABASE_URL.
DEFAULT_SQLITE = VAR_DIR / "forsa.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length, not composition (ASVS 2.1): at least 12 characters, not a common password.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reporting:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling by account and by address (django-axes).
# Two-factor sign-in (TOTP, django-otp): national and regional roles must use it when this is on
# (the default in production; off in the demo, where anyone may still turn it on for themselves).
FORSA_TWO_FACTOR = env_bool("FORSA_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = "Forsa"
OTP_TOTP_THROTTLE_FACTOR = 1  # each failed code doubles the wait before the next try

# The pair (account, address) is locked after FORSA_LOGIN_FAILURE_LIMIT failures, the account across every
# address after FORSA_ACCOUNT_FAILURE_LIMIT; an address alone never is (a centre's staff share one).
# The policy and its pieces: forsa/accounts/throttling.py.
FORSA_LOGIN_FAILURE_LIMIT = int(os.environ.get("FORSA_LOGIN_FAILURE_LIMIT", "8"))
FORSA_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("FORSA_ACCOUNT_FAILURE_LIMIT", "24"))
AXES_FAILURE_LIMIT = FORSA_LOGIN_FAILURE_LIMIT  # the handler shifts the account's count to its own limit
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "forsa.accounts.throttling.ThrottlingHandler"
AXES_USERNAME_FORM_FIELD = "username"  # the e-mail, posted as "username" by Django's AuthenticationForm
AXES_USERNAME_CALLABLE = "forsa.accounts.throttling.username_of"
AXES_LOCKOUT_CALLABLE = "forsa.accounts.throttling.lockout_response"
# A refused attempt during a lockout does not prolong it: the wait the page announces stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions: 30 minutes idle, 10 hours absolute (enforced by SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=10)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = not DEBUG and not env_bool("FORSA_BEHIND_PLAIN_HTTP")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FORSA_BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Nothing leaves the server: only 'self', scripts need the per-response nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "forsa" / "locale"]
# A filter left empty reads "All" in the user's language (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("filter", "All")
FORMAT_MODULE_PATH = ["forsa.core.formats"]  # day-month order and 24-hour time in ar and en too
LANGUAGE_COOKIE_NAME = "forsa_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("FORSA_STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it even before collectstatic
MEDIA_ROOT = VAR_DIR / "media"  # outside the web root, served only through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Without FORSA_DEBUG, pages name their static files through the manifest `collectstatic` writes: without
# it every page would be a 500, so serving refuses to start (forsa/wsgi.py) and `check --deploy` reports
# it (forsa.E010 in forsa/core/checks.py).

EMAIL_BACKEND = os.environ.get(
    "FORSA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("FORSA_FROM_EMAIL", "forsa@localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "FORSA_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FORSA_LOG_LEVEL", "WARNING")},
}

FORSA_PAGE_SIZE = 25
# Aggregates shown to partner viewers: a figure fewer people than this stand behind is hidden
# (forsa/core/disclosure.py).
FORSA_SMALL_CELL = 5
