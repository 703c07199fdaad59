"""Coécrire settings: one module, read from the environment (see README's configuration table)."""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "The environment variable SECRET_KEY must be set when DEBUG is off "
            "(set DEBUG=1 for development, where a development key is used)."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Unset in production, every emailed link, join link and QR code points at the default above:
# config/checks.py warns at start-up (and in `check --deploy`).
SITE_URL_IS_SET = bool(env_str("SITE_URL"))

INSTALLED_APPS = [
    "daphne",
    "config.apps.SiteConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "manifesto",
    "agora",
    "deliberation",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.db_router.ReplicaReadsMiddleware",
    "manifesto.refusals.ExplainMethodRefusal",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page (docs/people.md).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

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
        },
    },
]

# --- Database: SQLite (WAL, busy timeout) by default, PostgreSQL through DATABASE_URL.
_database_url = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
# A read replica (docs/operations.md, "Beyond one machine"): the public reading pages and the API
# read from it, inside the scope config/db_router.py enters; everything else uses `default`.
# In tests it is a mirror of `default`, so the test database is never a second one.
_replica_url = env_url("DATABASE_REPLICA_URL", schemes=("postgres", "postgresql", "sqlite"))
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(_replica_url, conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]
# After a write (a POST), that browser reads from the primary this long: it sees what it wrote.
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 5, minimum=0)
for _database in DATABASES.values():
    if _database["ENGINE"].endswith("sqlite3"):
        _database.setdefault("OPTIONS", {}).update(
            {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
            }
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channel layer and cache: in memory by default, Redis through REDIS_URL.
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))
CHANNEL_CAPACITY = env_int("CHANNEL_CAPACITY", 1000, minimum=1)
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8's 5 s socket timeout kills the layer's receive loop and its
                # 100-connection pool overflows in a join burst (measured: 13 of 200 idle clients
                # lost after 30 s; "Too many connections" while hundreds join at once).
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 10000}],
                "capacity": CHANNEL_CAPACITY,
                "prefix": env_str("CHANNEL_PREFIX", "coecrire"),
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", ""),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# REQUIRE_SERVICES=1 (production, CI): refuse to start on the embedded default, so a missing
# variable never turns a deployment into SQLite and an in-memory layer that only one process sees.
if env_bool("REQUIRE_SERVICES", default=False):
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured(
            "REQUIRE_SERVICES is on, so the environment variable DATABASE_URL must name a PostgreSQL database "
            "(postgres://…); the database would be SQLite."
        )
    if not REDIS_URL:
        raise ImproperlyConfigured(
            "REQUIRE_SERVICES is on, so the environment variable REDIS_URL must be set (redis://…); "
            "the channel layer would be in memory, which processes do not share."
        )

# --- Background tasks (email): immediate in the embedded default, database worker in production.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Email.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("The environment variables EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Coécrire <ne-pas-repondre@coecrire.localhost>")

# --- Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files, served by whitenoise in production.
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MANIFEST_STRICT = False

# Passwords people choose (invitation, reset, change): Django's validators (docs/people.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes, docs/people.md): 5 failures for one username from one address
# lock that pair for 15 minutes; a success resets the count. Counted in the database.
AUTHENTICATION_BACKENDS = [
    "manifesto.people.throttling.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "manifesto.people.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "manifesto.people.throttling.lockout_response"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "manifesto:home"
LOGOUT_REDIRECT_URL = "manifesto:home"

# A keyed hash of each signatory's normalised address outlives erasure, so that one mailbox is
# never counted twice while nothing readable remains (docs/privacy in the README). A dedicated
# secret: rotating SECRET_KEY must not let erased signatories sign again.
EMAIL_DIGEST_KEY = env_str("EMAIL_DIGEST_KEY") or f"email-digest:{SECRET_KEY}"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Behind a TLS proxy, plain HTTP is redirected and browsers are told to use HTTPS only (HSTS).
# Health and metrics probes come from inside, over HTTP: they are never redirected.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if BEHIND_TLS_PROXY else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=BEHIND_TLS_PROXY)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)

# Breakdowns of opinions (supports, votes) by ESS family or territory leave out groups of fewer
# voices than this, so that a small group's opinion cannot be read off (docs/privacy.md).
MIN_PUBLISHED_GROUP = env_int("MIN_PUBLISHED_GROUP", 5, minimum=1)

# --- Live room.
LIVE_MAX_FRAME_BYTES = env_int("LIVE_MAX_FRAME_BYTES", 64 * 1024, minimum=1024)
LIVE_COMMANDS_PER_SECOND = env_int("LIVE_COMMANDS_PER_SECOND", 10, minimum=1)
LIVE_RESUME_LIMIT = env_int("LIVE_RESUME_LIMIT", 500, minimum=1)
# Seconds during which a facilitator may undo an accepted amendment (0: no undo). The accept
# applies at once; the undo restores the previous text (docs/realtime-deliberation.md).
ACCEPT_UNDO_SECONDS = env_int("ACCEPT_UNDO_SECONDS", 10, minimum=0)

# /metrics (agora.health): with a token set, scrapes must send `Authorization: Bearer <token>`.
METRICS_TOKEN = env_str("METRICS_TOKEN")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_refusals": {"()": "config.logfilters.OneLineRefusals"},
        "ballot_secrecy": {"()": "deliberation.adoption.logfilter.BallotSecrecyFilter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # SQL logged at DEBUG must never show the ballot box (docs/process.md, "Le secret du vote").
    "loggers": {
        "django.request": {"filters": ["one_line_refusals"]},
        "django.db.backends": {"filters": ["ballot_secrecy"]},
    },
}
# A connection not refreshed for this long (its process died) no longer counts as present.
LIVE_PRESENCE_TIMEOUT = env_int("LIVE_PRESENCE_TIMEOUT", 60, minimum=5)
# Each process renews its membership of the groups it listens to this often (group expiry: 24 h).
LIVE_GROUP_RENEW_SECONDS = env_int("LIVE_GROUP_RENEW_SECONDS", 3600, minimum=1)
# A frame that reaches a process ahead of a missing seq waits this long for it before the hub
# reads the missing events from the journal (after-commit broadcasts race each other).
LIVE_REORDER_WAIT_MS = env_int("LIVE_REORDER_WAIT_MS", 150, minimum=0)
# How long a process reuses a session's shared snapshot piece while the journal's seq stays the
# same (the piece is rebuilt at once when the seq moves). Bounds how stale the unjournaled
# presence count of a snapshot can be; a presence frame follows every join anyway.
LIVE_SNAPSHOT_SHARE_MS = env_int("LIVE_SNAPSHOT_SHARE_MS", 2000, minimum=0)
# Each process compares the journals it serves with what it delivered this often (a lost last
# event leaves no later frame to reveal the gap).
LIVE_HUB_CHECK_SECONDS = env_int("LIVE_HUB_CHECK_SECONDS", 2, minimum=1)

# --- Drafts imported from a file (docs/drafting.md): the largest upload read, in bytes.
DRAFT_IMPORT_MAX_BYTES = env_int("DRAFT_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# --- Signatures.
import ipaddress  # noqa: E402  (kept with the block that uses it)

SIGNATURE_TOKEN_DAYS = env_int("SIGNATURE_TOKEN_DAYS", 7, minimum=1)
SIGNATURE_MAX_EMAILS = env_int("SIGNATURE_MAX_EMAILS", 5, minimum=1)
# Invitations to a role on a text (docs/people.md): days a link stays valid, emails per invitation at most.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14, minimum=1)
INVITATION_MAX_EMAILS = env_int("INVITATION_MAX_EMAILS", 5, minimum=1)
INVITATION_RETENTION_DAYS = env_int("INVITATION_RETENTION_DAYS", 30, minimum=1)
SIGNATURE_RATE_LIMIT = env_int("SIGNATURE_RATE_LIMIT", 20, minimum=1)
SIGNATURE_RATE_WINDOW_SECONDS = env_int("SIGNATURE_RATE_WINDOW_SECONDS", 3600, minimum=1)
# The open read-only API (/api/v1/): requests per address and window (docs/api.md).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 300, minimum=1)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60, minimum=1)
SIGNATURE_RATE_ALLOWLIST = env_list("SIGNATURE_RATE_ALLOWLIST", [])
for _network in SIGNATURE_RATE_ALLOWLIST:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            "The environment variable SIGNATURE_RATE_ALLOWLIST must be a comma-separated list of IP networks "
            f"(such as 192.0.2.0/24 or 2001:db8::/32); got {_network!r}."
        ) from None
SIGNATURE_RETENTION_MONTHS = env_int("SIGNATURE_RETENTION_MONTHS", 12, minimum=1)
# Agora registrations (name, email, needs) go this long after the agora ends; live-session
# participants' names are erased this long after their session closed (apply_retention, daily).
REGISTRATION_RETENTION_MONTHS = env_int("REGISTRATION_RETENTION_MONTHS", 6, minimum=1)
PARTICIPANT_RETENTION_MONTHS = env_int("PARTICIPANT_RETENTION_MONTHS", 12, minimum=1)
# The voters' roll of an adoption vote (names, addresses, who voted) is deleted this long after
# the vote closed; the results and the anonymous ballots stay (apply_retention, daily).
VOTER_ROLL_RETENTION_MONTHS = env_int("VOTER_ROLL_RETENTION_MONTHS", 6, minimum=1)
SIGNATURE_COUNT_CACHE_SECONDS = env_int("SIGNATURE_COUNT_CACHE_SECONDS", 2, minimum=0)
SIGNATURE_PAGE_SIZE = env_int("SIGNATURE_PAGE_SIZE", 50, minimum=1)
SIGNATURE_COUNTER_COALESCE_MS = env_int("SIGNATURE_COUNTER_COALESCE_MS", 500, minimum=0)

# A PostgreSQL connection pool (psycopg_pool, Django's "pool" option). Under daphne each request
# runs in its own thread, so DB_CONN_MAX_AGE cannot reuse connections (it leaks them); without a
# pool every request opens a new connection, which dominates the cost of the signing endpoint.
DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0, minimum=0)
# How long a request waits for a pooled connection before the database counts as unavailable.
# While PostgreSQL is down every live command waits this long on its process's single database
# thread, so commands queued behind each other answer `unavailable` late; just after a restart,
# the pool's reconnection back-off means a short wait answers `unavailable` once more.
DB_POOL_TIMEOUT = env_int("DB_POOL_TIMEOUT", 10, minimum=1)
for _database in DATABASES.values():  # the replica, when set, gets the same pool as the primary
    if not (DB_POOL_SIZE and _database["ENGINE"].endswith("postgresql")):
        continue
    if _database.get("CONN_MAX_AGE"):
        raise ImproperlyConfigured("The environment variables DB_POOL_SIZE and DB_CONN_MAX_AGE cannot both be set.")
    # DB_POOL_TIMEOUT: how long a database hop waits for a connection. While PostgreSQL is down
    # every hop waits this long before failing (`unavailable`), and a process's hops queue on
    # its single database thread: at 10 s, commands during an outage were not answered within
    # 2 minutes (tests/e2e/test_faults.py); at 2 s they are refused within seconds.
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_SIZE,
        "timeout": DB_POOL_TIMEOUT,
    }
    # After a PostgreSQL restart every pooled connection is dead, and without a check each one
    # was handed out once more and failed a command before being replaced. With health checks
    # Django gives the pool `check=ConnectionPool.check_connection`: a connection is checked (an
    # empty query, one round trip) before it is lent and a dead one replaced at once
    # (docs/operations.md). DB_POOL_CHECK=0 turns it off.
    _database["CONN_HEALTH_CHECKS"] = env_bool("DB_POOL_CHECK", default=True)
# Behind PgBouncer in transaction mode, a server-side cursor (`.iterator()` outside a
# transaction, the exports) outlives the transaction that declared it, and its next rows are asked
# of another server connection: "cursor does not exist" (docs/operations.md, "Beyond one machine").
# DB_SERVER_SIDE_CURSORS=0 reads those rows client-side instead.
DB_SERVER_SIDE_CURSORS = env_bool("DB_SERVER_SIDE_CURSORS", default=True)
for _database in DATABASES.values():
    _database["DISABLE_SERVER_SIDE_CURSORS"] = not DB_SERVER_SIDE_CURSORS
