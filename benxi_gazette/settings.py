"""Settings for Benxi Gazette (本溪市人民政府公报), read from the environment.

One module for every environment: development defaults are safe and need no configuration
(embedded SQLite, in-process jobs, console mail); production values come from environment
variables or a `.env` file and pass `manage.py check --deploy`. README.md lists the variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from benxi_gazette.schedule import BEAT_SCHEDULE
from core.dates import parse_demo_as_of

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Real environment variables win over the file (django-environ never overwrites them).
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))

# pytest (>= 8.2) sets PYTEST_VERSION before any plugin loads the settings. Under pytest the
# development defaults apply unless DEBUG is given explicitly, so a bare `pytest` needs no
# configuration; pytest-django still runs the tests themselves with DEBUG = False.
TESTING = "PYTEST_VERSION" in os.environ

DEBUG = env.bool("DEBUG", default=TESTING)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random SECRET_KEY in "
            'the environment or in .env, e.g. generate one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))". For local development set DEBUG=1 instead.'
        )
    SECRET_KEY = "django-insecure-dev-only-key-do-not-use-in-production-benxi-gazette"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Applications -----------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "core",
    "departments",
    "notifications",
    "workdays",
    "documents",
    "tasks",
    "disclosure",
    "search",
    "public",
    "staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on GET responses and 304 for If-None-Match (public reads are cacheable)
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

# Task's covering index (INCLUDE status, next_due, document) is for PostgreSQL; SQLite, the
# embedded default, builds it without the included columns, which is harmless.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "benxi_gazette.urls"
WSGI_APPLICATION = "benxi_gazette.wsgi.application"
ASGI_APPLICATION = "benxi_gazette.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.demo",
            ],
            # {{ day|cn_date }} in every template, without a {% load %}
            "builtins": ["core.templatetags.gazette_dates"],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

# Unset (or empty) DATABASE_URL means the embedded SQLite file, so `make run` needs no server.
DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # An unreachable host fails a request in seconds instead of holding a worker.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Wait for a concurrent writer (the embedded scheduler) instead of failing at once.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery, cache ----------------------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
if not CELERY_BROKER_URL:
    # No broker: `.delay()` runs the job in-process and its exceptions propagate.
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TIMEZONE = "Asia/Shanghai"
# Longer than the longest task, so a slow job is not redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# Last run of each job, for the embedded scheduler (`manage.py run_schedule`).
SCHEDULE_STATE_FILE = env.path("SCHEDULE_STATE_FILE", default=VAR_DIR / "run_schedule.json")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but Redis being down means cache misses, not error pages.
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "benxi",
            # An unreachable (not just stopped) Redis must not hold a request for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Mail -------------------------------------------------------------------------------------

# EMAIL_URL uses django-environ's schemes (smtp://, smtp+tls://, consolemail://, ...). Django
# 6.1 deprecates the EMAIL_* settings in favour of MAILERS, so the URL is turned into a MAILERS
# entry. Production defaults to a local MTA rather than the console, so forgotten mail
# configuration fails loudly instead of printing reminders to a log nobody reads.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_backend = _email.pop("EMAIL_BACKEND")
if _email_backend == "django.core.mail.backends.smtp.EmailBackend":
    _email_options = {
        "host": _email.get("EMAIL_HOST") or "localhost",
        "port": _email.get("EMAIL_PORT"),
        "username": _email.get("EMAIL_HOST_USER") or None,
        "password": _email.get("EMAIL_HOST_PASSWORD") or None,
        "use_tls": _email.get("EMAIL_USE_TLS", False),
        "use_ssl": _email.get("EMAIL_USE_SSL", False),
        "timeout": env.int("EMAIL_TIMEOUT", default=30),
    }
elif _email_backend == "django.core.mail.backends.filebased.EmailBackend":
    _email_options = {"file_path": "/" + _email["EMAIL_FILE_PATH"]}
else:
    _email_options = {}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="本溪市人民政府公报 <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[本溪市人民政府公报] "

# --- Background jobs: reminders, their email, the job log ---------------------------------------
# (Times of the periodic jobs are in benxi_gazette/schedule.py, read from the environment there.)

# Reminders go out this many working days before a deadline (then on the day, then weekly
# once overdue). "5,1" = five working days before and one working day before.
REMINDER_THRESHOLDS = sorted(set(env.list("REMINDER_THRESHOLDS", cast=int, default=[5, 1])))
if any(n < 1 for n in REMINDER_THRESHOLDS):
    raise ImproperlyConfigured("REMINDER_THRESHOLDS must be positive numbers of working days")
# A reminder email that fails is retried after REMINDER_RETRY_BACKOFF seconds, doubling up to
# REMINDER_RETRY_BACKOFF_MAX, and given up (status failed, shown in the admin) after
# REMINDER_EMAIL_MAX_ATTEMPTS attempts.
REMINDER_EMAIL_MAX_ATTEMPTS = env.int("REMINDER_EMAIL_MAX_ATTEMPTS", default=8)
REMINDER_RETRY_BACKOFF = env.int("REMINDER_RETRY_BACKOFF", default=60)
REMINDER_RETRY_BACKOFF_MAX = env.int("REMINDER_RETRY_BACKOFF_MAX", default=3600)
# How long a worker owns an email it is sending; a killed worker's emails are sent again after
# it. Longer than a job may run, so a live worker never loses its claim.
REMINDER_EMAIL_LEASE = env.int("REMINDER_EMAIL_LEASE", default=CELERY_TASK_TIME_LIMIT + 60)
# One email lists at most this many items (the inbox has them all).
REMINDER_EMAIL_MAX_ITEMS = env.int("REMINDER_EMAIL_MAX_ITEMS", default=200)
# A group robot (WeCom, DingTalk) that has not answered within this many seconds has failed
# (the message is retried like a failed e-mail, with the same backoff and attempts).
NOTIFY_WEBHOOK_TIMEOUT = env.float("NOTIFY_WEBHOOK_TIMEOUT", default=5.0)
# The site's address for links in emails, e.g. https://gazette.example.gov.cn (none if unset).
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
# Successful job runs are kept this many days in the job log (failures until deleted).
JOB_LOG_DAYS = env.int("JOB_LOG_DAYS", default=30)

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

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

FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_PERMISSIONS = 0o640
# Largest gazette text (or .docx) the importer accepts.
GAZETTE_IMPORT_MAX_BYTES = env.int("GAZETTE_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Authentication ---------------------------------------------------------------------------

if TESTING:
    # Strong hashing is deliberately slow; tests create many users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Demo accounts (manage.py seed_demo) exist only in the demo: production neither creates nor
# accepts them. On by default only when DEBUG is on.
DEMO_ACCOUNTS_ENABLED = env.bool("DEMO_ACCOUNTS_ENABLED", default=DEBUG)
# The demo's fixed "today" (DEMO_AS_OF=2018-11-20, set by `make run`): core.dates.today()
# answers it, so the 2018 seed reads as live. Only with the demo flags; production refuses it.
DEMO_AS_OF = parse_demo_as_of(
    env.str("DEMO_AS_OF", default=""), demo=DEBUG or DEMO_ACCOUNTS_ENABLED
)
# django-axes first: it refuses a locked-out username+IP before any password is checked; it
# authenticates no one itself.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "departments.backends.DemoAwareModelBackend",
]

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one IP address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (the login page, the
# admin login and POST /api/auth/token/ answer 429). Other users and other addresses are not
# affected. The attempts and lockouts are listed in the admin (Axes › Access attempts), where
# deleting one unlocks it (or: manage.py axes_reset_username <name>).
# Off by default under pytest only: Django's test Client.login() calls authenticate() without a
# request, which axes refuses; tests/security/test_login_throttling.py turns it on.
AXES_ENABLED = env.bool("AXES_ENABLED", default=not TESTING)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
_lockout_minutes = int(AXES_COOLOFF_TIME.total_seconds() // 60)
AXES_COOLOFF_MESSAGE = f"登录失败次数过多，该账户已在本机暂时锁定，请{_lockout_minutes}分钟后再试。"
AXES_PERMALOCK_MESSAGE = "登录失败次数过多，该账户已被锁定，请联系管理员解锁。"
# Behind reverse proxies the client address comes from X-Forwarded-For (their number given),
# otherwise from the connection itself (a forged header must not dodge the lockout).
_proxies = env.int("TRUSTED_PROXY_COUNT", default=0)
if _proxies:
    AXES_IPWARE_PROXY_COUNT = _proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

LOGIN_URL = "/accounts/login/"
# The staff landing page sends each role on to its own page (staff/views.py landing).
LOGIN_REDIRECT_URL = "staff:landing"
LOGOUT_REDIRECT_URL = "/"

# --- API --------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so an anonymous request to a protected endpoint gets 401 with a
    # WWW-Authenticate header (session auth alone would answer 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Django's ValidationError → 400, a stale version → 409 (core/exceptions.py)
    "EXCEPTION_HANDLER": "core.exceptions.api_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "本溪市人民政府公报 API",
    "DESCRIPTION": "公报期次、文件、任务督办与主动公开目录的数据接口。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN, so the strict CSP below holds and
    # the docs work on networks without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "IssueStatusEnum": "documents.models.GazetteIssue.Status",
        "TaskStatusEnum": "tasks.models.Task.Status",
    },
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security ---------------------------------------------------------------------------------

# Self-only Content Security Policy. Inline <script>/<style> need the per-request nonce
# (`{{ csp_nonce }}`, which the admin already uses). Enforced in production; in DEBUG it is
# report-only so Django's debug pages (inline styles without a nonce) still render, while the
# browser console shows what production would block.
_CSP_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if DEBUG:
    SECURE_CSP_REPORT_ONLY = _CSP_POLICY
else:
    SECURE_CSP = _CSP_POLICY

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # The container health check talks plain HTTP to the app server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^ping$"]
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
    # (only when the proxy always sets or strips that header).
    _proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
    if _proxy_ssl_header:
        if len(_proxy_ssl_header) != 2:
            raise ImproperlyConfigured(
                "SECURE_PROXY_SSL_HEADER must be 'HEADER,value', e.g. HTTP_X_FORWARDED_PROTO,https"
            )
        SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)

# --- Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "console": {
            "format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "console"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # SQL at DEBUG only when asked for explicitly.
        "django.db.backends": {"level": env.str("SQL_LOG_LEVEL", default="INFO").upper()},
        # django-axes announces itself at INFO on every start, also in front of a command's
        # own output; lockouts are logged at WARNING.
        "axes": {"level": "WARNING"},
    },
}
