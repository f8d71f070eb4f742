"""Settings, every one read from the environment with a safe local default.

The defaults run the app locally (`make dev`): DEBUG on, SQLite under `.data/`, and the local
SeaweedFS S3 server on 127.0.0.1:8333 with local-only credentials. Production sets
`DJANGO_DEBUG=false`, which turns the local S3 defaults off and makes `DJANGO_SECRET_KEY`
mandatory. The README documents every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# A fixed key is fine for local development only; production must provide its own.
_LOCAL_SECRET_KEY = "local-development-only-secret-key-never-use-in-production-0f9a8c7e"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or (_LOCAL_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is false.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "storages",
    "direct_to_s3",
    "demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
            ],
        },
    },
]

_default_database_url = f"sqlite:///{DATA_DIR / 'db.sqlite3'}"
DATABASE_URL = env_str("DATABASE_URL", _default_database_url)
if _default_database_url == DATABASE_URL:
    DATA_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes or threads writing at once (gunicorn workers, the browser's parallel
    # requests): WAL lets readers go on during a write, IMMEDIATE takes the write lock up front
    # instead of failing with "database is locked" half-way, and writers wait up to 20 s.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Rate limits count in this cache. The default is private to each process: fine for `make dev`,
# wrong for several gunicorn workers or servers, so `check --deploy` refuses it with DEBUG off.
# Point DJANGO_CACHE_BACKEND/DJANGO_CACHE_LOCATION at a cache they all share (PostgreSQL's
# DatabaseCache, Redis).
CACHES = {
    "default": {
        "BACKEND": env_str("DJANGO_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env_str("DJANGO_CACHE_LOCATION", "uploads"),
    }
}
_PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions read from the cache, written through to the database: one query less per request.
# Only with a shared cache: in a per-process one, a logout would leave the session alive in the
# cache of every other worker.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if CACHES["default"]["BACKEND"] in _PROCESS_LOCAL_CACHES
    else "django.contrib.sessions.backends.cached_db"
)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "direct_to_s3:index"
LOGOUT_REDIRECT_URL = "login"

# Failed logins are throttled by django-axes, counted in the database (so every worker and
# server sees them) per account and per address: at DJANGO_LOGIN_FAILURE_LIMIT failures, logins
# for that account, or from that address, are refused (the right password too) until
# DJANGO_LOGIN_LOCKOUT_MINUTES pass without another attempt. A successful login clears both
# counts; successful logins never count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
_LOGIN_LOCKOUT_MINUTES = env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _LOGIN_LOCKOUT_MINUTES < 1:
    # A limit of 0 would lock everyone out; a lockout of 0 minutes would throttle nothing.
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT and DJANGO_LOGIN_LOCKOUT_MINUTES must be at least 1."
    )
AXES_COOLOFF_TIME = timedelta(minutes=_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.login_throttle.locked_out"
AXES_CLIENT_IP_CALLABLE = "config.login_throttle.client_ip"
# Failures are recorded; a row per successful login (axes' access log) would only grow.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged
# Proxies in front of the app that append the client's address to X-Forwarded-For (one ALB: 1).
# Failed logins count per address, and that must be the client's, not the proxy's.
TRUSTED_PROXY_COUNT = env_int(
    "DJANGO_TRUSTED_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_TLS_PROXY", False) else 0
)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- S3 -------------------------------------------------------------------------------------
# Local-only credentials of the local SeaweedFS started by `make dev` and the tests. They open
# nothing but that server on 127.0.0.1; they are not secrets.
LOCAL_S3_ACCESS_KEY = "local-dev-access-key"
LOCAL_S3_SECRET_KEY = "local-dev-secret-key-not-a-secret"  # noqa: S105
LOCAL_S3_ENDPOINT_URL = "http://127.0.0.1:8333"

# The environment's AWS_* variables become the options of the S3 storages below (STORAGES is
# where the app finds its bucket); they are not settings of their own.
# Where the app server reaches S3; empty means AWS itself.
_s3_endpoint_url = env_str("AWS_S3_ENDPOINT_URL", LOCAL_S3_ENDPOINT_URL if DEBUG else "") or None
_s3_options = {
    "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", "uploads-dev"),
    "region_name": env_str("AWS_S3_REGION_NAME", "us-east-1"),
    "endpoint_url": _s3_endpoint_url,
    # Empty keys in production mean boto3's own chain (instance role, AWS_PROFILE, ...).
    "access_key": env_str("AWS_ACCESS_KEY_ID", LOCAL_S3_ACCESS_KEY if DEBUG else "") or None,
    "secret_key": env_str("AWS_SECRET_ACCESS_KEY", LOCAL_S3_SECRET_KEY if DEBUG else "") or None,
    "signature_version": "s3v4",
    "addressing_style": "path" if _s3_endpoint_url else "auto",
    "default_acl": None,  # no object ACLs: public reading comes from the bucket policy
}
# A CDN or custom domain (e.g. d123.cloudfront.net) for public media and static files only.
_public_s3_options = {**_s3_options, "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None}

# --- Uploads (the direct_to_s3 app; its keys and defaults are in the README) -----------------
# Abuse limits per user: a token bucket of BURST requests at once, refilled at RATE_PER_MINUTE
# (0 = off); quotas in bytes / uploads. A dropped folder of 3,000 small files (the page starts
# about 20 a second) waits about 4 min on top of its own ~2.5 min; the page and the CLI wait
# out each 429 on their own.
_UPLOAD_ENV = {
    "MAX_SIZE": "UPLOAD_MAX_SIZE",
    "MULTIPART_THRESHOLD": "UPLOAD_MULTIPART_THRESHOLD",
    "TICKET_EXPIRES": "UPLOAD_TICKET_EXPIRES",
    "SIGNED_URL_EXPIRES": "SIGNED_URL_EXPIRES",
    "CREATE_RATE_PER_MINUTE": "UPLOAD_CREATE_RATE_PER_MINUTE",
    "CREATE_BURST": "UPLOAD_CREATE_BURST",
    "SIGN_RATE_PER_MINUTE": "UPLOAD_SIGN_RATE_PER_MINUTE",
    "SIGN_BURST": "UPLOAD_SIGN_BURST",
    "QUOTA_BYTES": "UPLOAD_QUOTA_BYTES",
    "QUOTA_PENDING_BYTES": "UPLOAD_QUOTA_PENDING_BYTES",
    "QUOTA_PENDING_COUNT": "UPLOAD_QUOTA_PENDING_COUNT",
    "PENDING_MAX_AGE": "UPLOAD_PENDING_MAX_AGE",
    "PURGE_AFTER": "UPLOAD_PURGE_AFTER",
    "S3_CONNECT_TIMEOUT": "UPLOAD_S3_CONNECT_TIMEOUT",
    "S3_READ_TIMEOUT": "UPLOAD_S3_READ_TIMEOUT",
    "S3_MAX_ATTEMPTS": "UPLOAD_S3_MAX_ATTEMPTS",
}
DIRECT_TO_S3 = {
    # Only the variables that are set: the app's own defaults apply to the rest.
    **{key: env_int(name, 0) for key, name in _UPLOAD_ENV.items() if env_str(name)},
    # Browser origins allowed to POST to the bucket (CORS), set by `manage.py s3_setup`.
    "CORS_ORIGINS": env_list(
        "S3_CORS_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"] if DEBUG else []
    ),
    # Where browsers reach S3, when that differs from the app server's view (inside compose).
    "BROWSER_ENDPOINT_URL": env_str("AWS_S3_PUBLIC_ENDPOINT_URL") or None,
    "PUBLIC_STORAGE": "public_media",
    "PRIVATE_STORAGE": "private_media",
}
for _key, _name in (
    ("ALLOWED_CONTENT_TYPES", "UPLOAD_ALLOWED_CONTENT_TYPES"),
    ("PRIVATE_ALLOWED_CONTENT_TYPES", "UPLOAD_PRIVATE_ALLOWED_CONTENT_TYPES"),
):
    if env_str(_name):
        DIRECT_TO_S3[_key] = env_list(_name, [])

# --- Static and media storage ---------------------------------------------------------------
USE_S3_STATIC = env_bool("USE_S3_STATIC", False)
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_URL = "/static/"

# One bucket: public media under media/, private media under private/ (the storages'
# locations), static files under static/ with USE_S3_STATIC.
STORAGES = {
    "default": {
        "BACKEND": "direct_to_s3.storages.PublicMediaStorage",
        "OPTIONS": _public_s3_options,
    },
    "public_media": {
        "BACKEND": "direct_to_s3.storages.PublicMediaStorage",
        "OPTIONS": _public_s3_options,
    },
    "private_media": {
        "BACKEND": "direct_to_s3.storages.PrivateMediaStorage",
        "OPTIONS": _s3_options,
    },
    "staticfiles": (
        {"BACKEND": "direct_to_s3.storages.StaticStorage", "OPTIONS": _public_s3_options}
        if USE_S3_STATIC
        else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    ),
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preloading is a one-way commitment for a whole domain; the operator opts in with
    # DJANGO_HSTS_PRELOAD=true rather than this app deciding it for them.
    "security.W021",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Failed logins and lockouts are warnings; django-axes' INFO lines repeat them on each login.
    "loggers": {"axes": {"level": "WARNING"}},
}
