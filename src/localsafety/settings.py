"""LocalSafety settings, read from environment variables.

Development and the demo run with ``LOCALSAFETY_DEBUG=1`` on SQLite. Production sets
``LOCALSAFETY_DEBUG=0``, ``DATABASE_URL``, ``LOCALSAFETY_SECRET_KEY`` (or ``_FILE``) and
``LOCALSAFETY_ALLOWED_HOSTS``; see README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from localsafety.env import (
    ConfigurationError,
    cache_from_url,
    database_from_url,
    envbool,
    envcap,
    envint,
    envlist,
    envsecret,
    envstr,
)

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(envstr("LOCALSAFETY_VAR_DIR", str(REPO_DIR / "var")) or REPO_DIR / "var")

DEBUG = envbool("LOCALSAFETY_DEBUG", False)

_secret = envsecret("LOCALSAFETY_SECRET_KEY")
if not _secret:
    if not DEBUG:
        raise ConfigurationError(
            "LOCALSAFETY_SECRET_KEY (or LOCALSAFETY_SECRET_KEY_FILE) must be set when DEBUG is off"
        )
    _secret = "insecure-development-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY: str = _secret

ALLOWED_HOSTS = envlist(
    "LOCALSAFETY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = envlist("LOCALSAFETY_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "localsafety.core",
    "localsafety.territory",
    "localsafety.organisations",
    "localsafety.contracts",
    "localsafety.diagnosis",
    "localsafety.plans",
    "localsafety.activities",
    "localsafety.portal",
    "localsafety.api",
    "localsafety.devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "localsafety.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "localsafety.core.middleware.PrivateResponseMiddleware",
    "localsafety.organisations.middleware.PrivilegedSessionIdleMiddleware",
    "localsafety.contracts.middleware.FragmentAudienceMiddleware",
    "localsafety.core.middleware.UserLanguageMiddleware",
    "localsafety.organisations.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "localsafety.core.middleware.DomainErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "localsafety.urls"
WSGI_APPLICATION = "localsafety.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "localsafety.contracts.context_processors.site",
            ],
        },
    }
]

DATABASES = {
    "default": database_from_url(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'localsafety.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default lives under var/, which a fresh checkout does not have yet.
    _sqlite_path = str(DATABASES["default"]["NAME"])
    if _sqlite_path != ":memory:":
        Path(_sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cached page fragments (core.fragments) live in a store every web worker shares, so N
# gunicorn workers do not each rebuild them: the database by default (``migrate`` creates the
# table), Redis or Memcached through LOCALSAFETY_CACHE_URL (see env.cache_from_url).
CACHES = {"default": cache_from_url("LOCALSAFETY_CACHE_URL", envstr("LOCALSAFETY_CACHE_URL"))}

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"  # a person's own work; the overview is one click away
LOGOUT_REDIRECT_URL = "portal:overview"

# django-axes: lock an account/address pair after repeated failures.
AXES_FAILURE_LIMIT = envint("LOCALSAFETY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "LocalSafety"
# Police and national sessions end after this long without a request (others keep
# SESSION_COOKIE_AGE); sensitive actions (stage decisions, rights changes, API tokens) ask
# people with two-factor for a code confirmed within the last
# LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS; enrolment links expire after the hours given.
LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS = envint(
    "LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS", 12 * 60 * 60
)
LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS = envint(
    "LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS", 15 * 60
)
LOCALSAFETY_ENROLMENT_LINK_HOURS = envint("LOCALSAFETY_ENROLMENT_LINK_HOURS", 24)
for _name in (
    "LOCALSAFETY_PRIVILEGED_SESSION_IDLE_SECONDS",
    "LOCALSAFETY_RECENT_SECOND_FACTOR_SECONDS",
    "LOCALSAFETY_ENROLMENT_LINK_HOURS",
):
    if globals()[_name] <= 0:
        raise ConfigurationError(f"{_name} must be a positive number")
# The site's address for links made outside a request (``localsafety enrolment-link``).
LOCALSAFETY_BASE_URL = envstr("LOCALSAFETY_BASE_URL", "http://127.0.0.1:8000") or ""

LANGUAGE_CODE = "pt-pt"
LANGUAGES = [("pt-pt", "Português"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["localsafety.formats"]
TIME_ZONE = "Europe/Lisbon"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("LOCALSAFETY_MEDIA_ROOT", str(VAR_DIR / "media")) or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Leaflet and Leaflet.draw ship inside django-leaflet; its app is not installed (its admin
# imports GeoDjango, which needs system GDAL), so its static folder is served directly. The
# package is located, not imported: importing it reads these settings.
_leaflet_spec = importlib.util.find_spec("leaflet")
if _leaflet_spec is None or not _leaflet_spec.submodule_search_locations:
    raise ConfigurationError("django-leaflet is not installed: pip install -e .")
STATICFILES_DIRS = [Path(next(iter(_leaflet_spec.submodule_search_locations))) / "static"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Upload limits are enforced in bytes and stated in MB of 1,000,000 bytes
# (core.sizes.format_file_size): the defaults are whole MB, so the page says exactly what
# is enforced.
LOCALSAFETY_MAX_DOCUMENT_BYTES = envcap("LOCALSAFETY_MAX_DOCUMENT_BYTES", 20_000_000)
LOCALSAFETY_MAX_AREA_FILE_BYTES = envcap("LOCALSAFETY_MAX_AREA_FILE_BYTES", 100_000_000)
# Boundary and zone imports: a contract's zone file is smaller than an official boundary file;
# the feature count is read before any geometry is parsed; a refused file lists only its first
# problems (and how many there were).
LOCALSAFETY_MAX_ZONE_FILE_BYTES = envcap("LOCALSAFETY_MAX_ZONE_FILE_BYTES", 10_000_000)
LOCALSAFETY_MAX_IMPORT_FEATURES = envcap("LOCALSAFETY_MAX_IMPORT_FEATURES", 10_000)
LOCALSAFETY_MAX_ZONES_PER_CONTRACT = envcap("LOCALSAFETY_MAX_ZONES_PER_CONTRACT", 200)
LOCALSAFETY_IMPORT_PROBLEMS_SHOWN = envcap("LOCALSAFETY_IMPORT_PROBLEMS_SHOWN", 100)
# Tables (incident records, published statistics: core.tabular): refused by size before a byte
# is read, and by rows once read. A million-row police export is about 80 MB of CSV.
LOCALSAFETY_MAX_TABLE_FILE_BYTES = envcap("LOCALSAFETY_MAX_TABLE_FILE_BYTES", 500_000_000)
LOCALSAFETY_MAX_TABLE_ROWS = envcap("LOCALSAFETY_MAX_TABLE_ROWS", 5_000_000)
# Every archive the app opens (office documents, zipped shapefiles) is read in chunks against
# these caps (core.archives): members, bytes once unpacked (in all and per member) and the
# unpacked/packed ratio of a member (checked above 1 MB unpacked).
LOCALSAFETY_ARCHIVE_MAX_MEMBERS = envcap("LOCALSAFETY_ARCHIVE_MAX_MEMBERS", 1000)
LOCALSAFETY_ARCHIVE_MAX_UNPACKED_BYTES = envcap(
    "LOCALSAFETY_ARCHIVE_MAX_UNPACKED_BYTES", 500_000_000
)
LOCALSAFETY_ARCHIVE_MAX_MEMBER_BYTES = envcap("LOCALSAFETY_ARCHIVE_MAX_MEMBER_BYTES", 250_000_000)
LOCALSAFETY_ARCHIVE_MAX_RATIO = envcap("LOCALSAFETY_ARCHIVE_MAX_RATIO", 100)

# Real reference data (municipalities, parishes, boundaries). Read in place, never copied.
_default_reference = REPO_DIR.parent / "shared" / "domain" / "data"
LOCALSAFETY_REFERENCE_DIR = Path(
    envstr("LOCALSAFETY_REFERENCE_DIR", str(_default_reference)) or _default_reference
)
# Optional base-map tiles; maps work without them (boundaries only).
LOCALSAFETY_TILE_URL = envstr("LOCALSAFETY_TILE_URL", "") or ""
LOCALSAFETY_TILE_ATTRIBUTION = envstr("LOCALSAFETY_TILE_ATTRIBUTION", "") or ""
LOCALSAFETY_SMALL_COUNT_THRESHOLD = envint("LOCALSAFETY_SMALL_COUNT_THRESHOLD", 10)
LOCALSAFETY_SITE_NAME = "LocalSafety"

# E-mail: console in development and the demo; SMTP in production.
EMAIL_BACKEND = envstr(
    "LOCALSAFETY_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("LOCALSAFETY_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("LOCALSAFETY_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("LOCALSAFETY_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("LOCALSAFETY_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("LOCALSAFETY_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("LOCALSAFETY_DEFAULT_FROM_EMAIL", "LocalSafety <noreply@localhost>")

# Security: strict in production, relaxed only where DEBUG must run over plain HTTP.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("LOCALSAFETY_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("LOCALSAFETY_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("LOCALSAFETY_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if envbool("LOCALSAFETY_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"]
    + ([LOCALSAFETY_TILE_URL.split("/{")[0]] if LOCALSAFETY_TILE_URL else []),
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: a view meant for anonymous readers says so (api.permissions.PUBLIC_READ).
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "localsafety.api.permissions.TwoFactorSatisfied",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "localsafety.api.exception_handlers.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LocalSafety API",
    "DESCRIPTION": "Territories, organisations and Local Safety Contracts. Same access rules as the pages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No link inside each operation's toggle button (axe: nested-interactive); the docs stay
    # navigable by their headings and buttons.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ActivityKindEnum": "localsafety.activities.models.ActivityKind",
        "ActivityStatusEnum": "localsafety.activities.models.ActivityStatus",
        "EvidenceKindEnum": "localsafety.diagnosis.models.EvidenceKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "localsafety.api.schema.bound_path_ids",
    ],
}

TASKS = {
    "default": {"BACKEND": envstr("LOCALSAFETY_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOCALSAFETY_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
