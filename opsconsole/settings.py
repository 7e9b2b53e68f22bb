"""Settings, all driven by environment variables with embedded defaults (SQLite, local Redis)."""
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPSCONSOLE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_secret(name: str, default: str | None = None) -> str:
    """A secret from NAME, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = env_secret("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else None)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    # Node push secrets are encrypted with a key derived from SECRET_KEY: the published one would unseal them.
    raise ImproperlyConfigured("SECRET_KEY is the development key; with DEBUG=false set a real one")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# The participants' connectivity self-test fetches a tiny resource from the console under each of these origins
# (scheme://name[:port]); DNS gives each name only the records its probe needs: an IPv6-only name (AAAA), an
# IPv4-only name (A), a dual-stack name (both; it also serves the large-packet fetch), a name only DNS64 can reach
# (an A record routed only from the NAT64 pool) and an IPv4 literal. Unset: that probe is not run.
SELFTEST_URLS = {probe: os.environ.get(f"SELFTEST_{probe.upper()}_URL", "").rstrip("/")
                 for probe in ("ipv6", "ipv4", "dual_stack", "dns64", "ipv4_literal")}
ALLOWED_HOSTS += [urlsplit(url).hostname for url in SELFTEST_URLS.values() if url]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "axes",
    "opsconsole.core",
    "opsconsole.accounts",
    "opsconsole.audit",
    "opsconsole.plan",
    "opsconsole.nodes",
    "opsconsole.transition",
    "opsconsole.registration",
    "opsconsole.certificates",
    "opsconsole.radius",
    "opsconsole.monitoring",
    "opsconsole.selftest",
    "opsconsole.guides",
    "opsconsole.support",
    "opsconsole.survey",
    "opsconsole.timeline",
    "opsconsole.alerts",
    "opsconsole.metrics",
    "opsconsole.diagnostics",
    "opsconsole.dashboard",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "opsconsole.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "opsconsole.accounts.signed_in.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "opsconsole.audit.middleware.AuditContextMiddleware",
    "opsconsole.accounts.error_pages.ConsoleNotFoundMiddleware",
    "opsconsole.core.outages.OutageMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "opsconsole.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "opsconsole.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'opsconsole.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A pool per process, not CONN_MAX_AGE: Django keeps a connection per asgiref context, and every request under
    # daphne has a context of its own, so a kept connection was never reused and stayed open until PostgreSQL refused
    # new ones. Connecting costs more than most pages, so a request takes an open connection from the pool and gives it
    # back when it ends. One web process runs about as many requests at once as the machine has cores; 10 covers
    # bursts, and the pool waits up to 10 s for a free connection (then the page answers 503). Processes x
    # DATABASE_POOL_SIZE must stay under max_connections (100): two web processes, the workers, beat and the pollers
    # use about 30. The pool's check drops a connection the server closed (pg_terminate_backend, a restart) before a
    # request gets it, without the round trip per request of Django's health check (opsconsole/core/postgresql/base.py).
    DATABASES["default"].update(ENGINE="opsconsole.core.postgresql", CONN_HEALTH_CHECKS=False)
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")), "timeout": 10,
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # a fresh clone has no var/ yet, and SQLite will not create it
    # Web, worker and beat write at the same time: wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    # A file, not memory: browser and end-to-end tests run the ASGI server in a second process on the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-opsconsole-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [BASE_DIR / "opsconsole" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
STATIC_ROOT = VAR_DIR / "static"
# The ASGI server serves static files itself unless a front proxy does (SERVE_STATIC=false).
SERVE_STATIC = env_bool("SERVE_STATIC", True)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # channels_redis waits for messages with a 5 s BZPOPMIN; redis-py 8's default 5 s socket timeout fires
        # first when Redis answers a hair late, and the consumer dies (every idle live page, every few seconds).
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                   "prefix": os.environ.get("CHANNEL_PREFIX", "opsconsole")},
    }
}

CACHES = {
    "default": {
        "BACKEND": "opsconsole.core.cache.SharedPoolRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.environ.get("CHANNEL_PREFIX", "opsconsole"),
    }
}
# Sessions are read on every request: from Redis, with the database behind it so a Redis flush signs nobody out.
SESSION_ENGINE = "opsconsole.accounts.sessions"  # cached_db, each session kept in memory for 2 s

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
RECONCILE_SECONDS = float(os.environ.get("RECONCILE_SECONDS", "5"))
CELERY_BEAT_SCHEDULE = {
    "reconcile-nodes": {"task": "opsconsole.nodes.tasks.reconcile_nodes", "schedule": RECONCILE_SECONDS},
    "expire-registrations": {"task": "opsconsole.registration.tasks.expire_registrations", "schedule": 60.0},
    "revoke-certificates-of-ended-events": {"task": "opsconsole.certificates.tasks.revoke_certificates_of_ended_events", "schedule": 300.0},
    "close-silent-radius-sessions": {"task": "opsconsole.radius.tasks.close_silent_sessions", "schedule": 60.0},
    "disconnect-expired-devices": {"task": "opsconsole.radius.tasks.disconnect_expired_devices", "schedule": 60.0},
    # Hourly, so the day's CRL reaches RADIUS nodes within an hour of midnight UTC (nothing is pushed otherwise).
    "refresh-radius-crl": {"task": "opsconsole.radius.tasks.refresh_crl", "schedule": 3600.0},
    "prune-radius-answers": {"task": "opsconsole.radius.tasks.prune_answers", "schedule": 3600.0},
    "roll-up-monitoring-samples": {"task": "opsconsole.monitoring.tasks.roll_up_and_prune", "schedule": 60.0},
}
# A RADIUS session with no accounting packet for this long is closed (3 x a 5-minute interim interval).
RADIUS_STALE_SESSION_SECONDS = int(os.environ.get("RADIUS_STALE_SESSION_SECONDS", "900"))
# FreeRADIUS's answers (radpostauth, one row per Access-Request) are kept this many days.
RADIUS_ANSWER_RETENTION_DAYS = int(os.environ.get("RADIUS_ANSWER_RETENTION_DAYS", "30"))
# How often relay_radius looks for rows FreeRADIUS wrote (a reject reaches an open helpdesk page within this).
RADIUS_RELAY_SECONDS = float(os.environ.get("RADIUS_RELAY_SECONDS", "1"))
# A Disconnect-Request (RFC 5176) waits this long for the NAS's answer, and is sent again at most this many times.
RADIUS_DISCONNECT_TIMEOUT_SECONDS = float(os.environ.get("RADIUS_DISCONNECT_TIMEOUT_SECONDS", "2"))
RADIUS_DISCONNECT_RETRIES = int(os.environ.get("RADIUS_DISCONNECT_RETRIES", "4"))
# PostgreSQL: the login FreeRADIUS uses, which may read only the RADIUS views and write only radacct and radpostauth
# (`manage.py radius_database_role` creates it and grants that; every migrate grants it again). Empty: the console's.
RADIUS_DATABASE_USER = os.environ.get("RADIUS_DATABASE_USER", "")
RADIUS_DATABASE_PASSWORD = os.environ.get("RADIUS_DATABASE_PASSWORD", "")

# Alert e-mail goes through this SMTP server (Django's EMAIL_* settings); webhooks need nothing here.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "opsconsole@localhost")
# Addresses or networks that may read /metrics without a scrape token (comma-separated), e.g. the Prometheus server.
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES")
# DNS diagnostics walk delegations down from these servers (a lab or an isolated event network names its own), on
# this port, waiting this long for each answer.
DIAGNOSTICS_ROOT_SERVERS = env_list(
    "DIAGNOSTICS_ROOT_SERVERS",
    "198.41.0.4,2001:503:ba3e::2:30,199.9.14.201,2001:500:200::b,192.33.4.12,2001:500:2::c,199.7.91.13,2001:500:2d::d",
)
DIAGNOSTICS_DNS_PORT = int(os.environ.get("DIAGNOSTICS_DNS_PORT", "53"))
DIAGNOSTICS_TIMEOUT = float(os.environ.get("DIAGNOSTICS_TIMEOUT", "2"))

# Fernet key material for secrets stored in the database (node secrets); derived from SECRET_KEY unless given
# (never from the development key once DEBUG is off: see SECRET_KEY above).
FIELD_ENCRYPTION_KEY = env_secret("FIELD_ENCRYPTION_KEY", "")

# Behind a reverse proxy: the proxies' addresses or networks. A request from one of them is taken to come from the
# rightmost X-Forwarded-For hop that is not a trusted proxy (sign-in throttling, the audit trail, MAC detection),
# and X-Forwarded-Proto says whether the client used HTTPS. Empty: the direct peer is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None

# Production runs over HTTPS (directly or behind a TLS proxy); make run's plain http://127.0.0.1 keeps DEBUG on.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages send the token from the template (hx-headers), never read the cookie
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# Preloading commits the whole domain to HTTPS in browsers' lists: the domain owner's choice, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Every page works under this policy: no inline script or style (htmx's indicator style is in console.css), and
# WebSockets to the same host ('self' covers ws: and wss: of the page's own host).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# The REST API (/api/v1/): personal tokens or the console's own session, JSON only, the pages' role rules per view.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "opsconsole.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],  # each view names its roles
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["opsconsole.api.parsers.ConsoleJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "opsconsole.api.schema.ConsoleSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Transition-network operations console API",
    "DESCRIPTION": "The console's plan, participants and devices, sign-in codes and registration limits, gateway "
                   "nodes, RADIUS, certificates and SNMP inventory, alerts and the events timeline. "
                   "Send a personal API token (made on your account's API tokens page) as `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Alerts and alert rules share one choice set of kinds.
    "ENUM_NAME_OVERRIDES": {"AlertKindEnum": "opsconsole.alerts.models.Kind"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
}

# Sign-in throttling (django-axes) on /login/, /admin/login/ and the portal's code sign-in: a user name or an
# address with AXES_FAILURE_LIMIT failures is locked for the cool-off time; the NOC unlocks at /lockouts/.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SIGN_IN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = "opsconsole.accounts.lockouts.lockout_parameters"
AXES_CLIENT_IP_CALLABLE = "opsconsole.core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "opsconsole.accounts.lockouts.lockout_page"
AXES_ENABLE_ADMIN = False  # unlocking goes through the audited /lockouts/ page
AXES_VERBOSE = False  # no banner on every manage.py command
AXES_SENSITIVE_PARAMETERS = ["code"]  # with the password, masked in the stored attempts

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"one_line_forbidden": {"()": "opsconsole.accounts.error_pages.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["one_line_forbidden"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own DEBUG console handler would print each request error a second time, with its traceback.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True},
                # httpx logs every request's full URL at INFO, and a webhook's URL carries its secret.
                "httpx": {"level": "WARNING"}},
}
