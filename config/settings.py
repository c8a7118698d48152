"""All settings in one place, read from environment variables.

The defaults are the embedded mode (SQLite file under var/, in-memory channel layer,
local-memory cache); DATABASE_URL and REDIS_URL switch to the scale-out path.
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LIANBING_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Demo mode: the login page lists the demo accounts. Never on in production.
DEMO_MODE = env_bool("LIANBING_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    "lianbing",  # no models: the page cache's connection hook (lianbing/page_cache.py)
    "accounts",
    "training",
    "quizzes",
    "simulations",
    "competitions",
    "leaderboard",
    "reports",
    "ops",
]
# daphne only gives `manage.py runserver` its ASGI mode in development (a dev dependency); production runs
# uvicorn (docs/deployment.md) and does not have it installed.
if importlib.util.find_spec("daphne") is not None:
    INSTALLED_APPS.insert(0, "daphne")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionIdleTimeout",
    # No LocaleMiddleware: the product speaks one language (LANGUAGES), which Django uses without it;
    # it only parsed Accept-Language on every request to pick zh-hans again (0.08 ms, bench/render.py
    # BENCH_RENDER_STACK=1) and sent Vary: Accept-Language. Put it back with a second language.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_sqlite_path = VAR_DIR / "lianbing.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_sqlite_path}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on the busy timeout instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000;"
        ),
    }
    # Tests use a file too, so that a live server in another thread sees committed rows.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    # Under ASGI each request runs in a thread of its own, so CONN_MAX_AGE keeps nothing; this
    # backend hands "closed" connections to a per-file pool instead (config/sqlite_pool/base.py).
    DATABASES["default"]["ENGINE"] = "config.sqlite_pool"
    DATABASES["default"]["OPTIONS"]["pool_size"] = int(os.environ.get("DB_POOL_MAX_SIZE", "20"))
elif (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    and env_bool("DB_POOL", True)
    and DATABASES["default"].get("CONN_MAX_AGE", 0) == 0  # Django refuses a pool with persistent connections
):
    # Under ASGI every database step of a socket runs in a fresh thread-sensitive call and Django
    # closes its connection afterwards; without a pool each step starts a PostgreSQL backend
    # (bench/live_drill.py measured ack latency 40x the SQLite figure at 200 players).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "20")),
        "timeout": 10,
    }

# Fail fast when PostgreSQL does not answer (issue 12, hole 6): without a connect timeout libpq waits for
# a silent host forever, and a request waited the pool's 10 s; /healthz then tells the proxy. SQLite has no
# connection to make: its 20 s is the busy timeout for queued writers, which a live drill needs.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "3"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DB_CONNECT_TIMEOUT
    if "pool" in DATABASES["default"]["OPTIONS"]:
        DATABASES["default"]["OPTIONS"]["pool"]["timeout"] = int(os.environ.get("DB_POOL_TIMEOUT", "5"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# The address phones use to join a live drill (QR code and link on the big screen), e.g.
# http://192.168.1.20:8000 on the center's network; empty: the address the console was opened on.
LIANBING_PUBLIC_URL = os.environ.get("LIANBING_PUBLIC_URL", "").strip()

# --- Channels and cache ---------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    _no_retry = Retry(NoBackoff(), 0)
    # The pub/sub layer: a group send is one PUBLISH that each worker receives once and hands to
    # its own members (the list-based RedisChannelLayer sends one Redis message per member).
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lianbing",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lianbing:pages",
            # Every committed write bumps a version here: when Redis is away a write must not wait
            # through redis-py's retries (a live drill's answers); the page cache makes up a lost bump.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry": _no_retry},
        },
    }
else:
    # In-process fan-out without a deep copy per member (competitions/layers.py).
    CHANNEL_LAYERS = {"default": {"BACKEND": "competitions.layers.SharedMemoryChannelLayer"}}
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Pages and table versions apart from sessions and users, so that 80 clerks' pages do not push
        # sessions out of the default cache's 300 entries (and a culled version only costs a render).
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
    }
# How often each worker's hub of a live game checks that it missed nothing (a probe through the
# layer, the game's version; competitions/hub.py). Tests shorten it.
LIVE_HEAL_SECONDS = float(os.environ.get("LIVE_HEAL_SECONDS", "5"))

# --- Sessions and the logged-in user from the cache --------------------------------------
# A request used to read its session and its user from the database. Both now come from the cache
# (sessions write through to the database, so a restart or a cache flush logs nobody out), but
# only where every process sees the same cache: Redis (REDIS_URL), or a single process (the
# embedded default). With several workers and no Redis, a worker's local-memory cache would keep
# serving a session that another worker logged out, or a user another worker deactivated: there
# the plain database paths stay. Several workers: WEB_CONCURRENCY > 1 (uvicorn's --workers
# default, set by `make run WORKERS=n`), or, when it is unset, a process started by a supervisor
# (uvicorn --workers, --reload) rather than from a shell.
if os.environ.get("WEB_CONCURRENCY"):
    SEVERAL_WORKERS = int(os.environ["WEB_CONCURRENCY"]) > 1
else:
    import multiprocessing

    SEVERAL_WORKERS = multiprocessing.parent_process() is not None
SHARED_CACHE = bool(REDIS_URL) or not SEVERAL_WORKERS
if SHARED_CACHE:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
AUTH_USER_CACHE_SECONDS = 300 if SHARED_CACHE else 0
# Whole pages per person, kept while no table they read has changed (lianbing/page_cache.py,
# docs/caching.md): under the same rule as the sessions, and PAGE_CACHE=0 turns it off.
PAGE_CACHE = SHARED_CACHE and env_bool("PAGE_CACHE", True)
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))  # the time bucket: "today", due cards
# Tables whose versions are also kept per person: the writes of one person's rows go through services that
# say so (page_cache.writes_of), so one clerk's lesson heartbeats leave the others' lesson pages alone.
PAGE_CACHE_PERSONAL = ["training.LessonProgress"]
# Tables written on a live drill's hot path, which no cached page reads: their writes bump nothing, so an
# answer's acknowledgement never waits for the cache (tests/competitions/test_faults.py failed with them
# tracked); a page that read one would not be stored.
PAGE_CACHE_UNTRACKED = ["competitions.Answer", "competitions.Buzz", "competitions.Wager"]
AUTHENTICATION_BACKENDS = ["accounts.backends.CachedModelBackend"]

# --- Requests in threads ----------------------------------------------------------------
# Each HTTP request runs its (sync) middleware and view in a thread; at most this many at once per
# process, the others wait in the event loop (config/handlers.py; 0 = no limit). Sockets are not
# affected. A slow view (an Excel export) holds one of them while it runs.
REQUEST_THREADS = int(os.environ.get("REQUEST_THREADS", "4"))

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, compressed copies, far-future cache headers (config/storage.py).
    "staticfiles": {"BACKEND": "config.storage.StaticStorage"},
}
# Serve straight from the apps' static folders as well, so a fresh checkout works without
# collectstatic; the finders are scanned once at start-up, not per request.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security -------------------------------------------------------------------------
# HTTPS=1 is the production switch: secure cookies, HSTS and the redirect to https.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)  # also: the login throttle reads X-Forwarded-For
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx and fetch take the token from <body hx-headers>.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Shared counter PCs (docs/security.md): logged out after 30 idle minutes, at browser close, and after
# a working day at the latest; a live drill's open socket is not cut, only the next page load asks again.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "12")) * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Product --------------------------------------------------------------------------
# Every app's demo loader, run in this order by `manage.py load_demo`.
DEMO_LOADERS = [
    "accounts.demo.load",
    "training.demo.load",
    "quizzes.demo.load",
    "simulations.demo.load",
    "competitions.demo.load",
    "leaderboard.demo.load",
    "reports.demo.load",
]
# The apps whose models content admins (role admin) may edit in the Django admin.
# Mastery (leaderboard/mastery.py): 0-100 per person and business area, recent results weighing more.
MASTERY_HALF_LIFE_DAYS = float(os.environ.get("MASTERY_HALF_LIFE_DAYS", 30))
MASTERY_MIN_RESULTS = int(os.environ.get("MASTERY_MIN_RESULTS", 3))  # fewer results: 证据不足
MASTERY_WEAK_BELOW = int(os.environ.get("MASTERY_WEAK_BELOW", 60))
MASTERY_GOOD_FROM = int(os.environ.get("MASTERY_GOOD_FROM", 85))
# How often an open 比学赶超 board asks for news (a not-modified answer costs two index lookups).
LEADERBOARD_POLL_SECONDS = int(os.environ.get("LEADERBOARD_POLL_SECONDS", 15))
CONTENT_APP_LABELS = frozenset({"training", "quizzes", "simulations"})
DEMO_PASSWORD = os.environ.get("LIANBING_DEMO_PASSWORD", "lianbing2026")

# LOG_FORMAT=json: one JSON object a line (config/logs.py), for a log shipper; plain text otherwise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "config.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if os.environ.get("LOG_FORMAT", "").lower() == "json" else {})
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
