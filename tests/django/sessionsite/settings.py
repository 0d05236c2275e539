"""Settings of the small Django site the session tests and the benchmark drive.

The session store is chosen by environment variables, so one site serves every setup:

  RR_SETUP        sqlite | cache | cached_db | redis_sessions | hash
  RR_REDIS_URL    redis://127.0.0.1:PORT/0 (all setups but sqlite)
  RR_DB_PATH      SQLite file (auth users; sessions too for sqlite and cached_db)
  RR_COOKIE_AGE   SESSION_COOKIE_AGE in seconds (default two weeks)
"""

import os

SETUP = os.environ.get("RR_SETUP", "sqlite")
REDIS_URL = os.environ.get("RR_REDIS_URL", "redis://127.0.0.1:6379/0")

SECRET_KEY = "redrock-test-site-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "sessionsite.urls"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("RR_DB_PATH", "/tmp/redrock-sessionsite.sqlite3"),
        # Concurrent session writes wait for SQLite's single writer lock.
        "OPTIONS": {"timeout": 30},
    }
}

# A fast hasher: the tests log in many times; this site guards nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_AGE = int(os.environ.get("RR_COOKIE_AGE", 1209600))

_redis_cache = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 5,
            "SOCKET_TIMEOUT": 5,
        },
    }
}

if SETUP == "sqlite":
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
elif SETUP == "cache":
    CACHES = _redis_cache
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
elif SETUP == "cached_db":
    CACHES = _redis_cache
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif SETUP == "redis_sessions":
    SESSION_ENGINE = "redis_sessions.session"
    # The package's default socket timeout is 0.1 s, and its load() turns any error into an
    # empty session: too tight for fsync-per-write servers under load.
    SESSION_REDIS = {"url": REDIS_URL, "prefix": "rs", "socket_timeout": 5}
elif SETUP == "hash":
    SESSION_ENGINE = "redrock_sessions.session"
    SESSION_REDROCK = {"URL": REDIS_URL, "KEY_PREFIX": "session:"}
else:
    raise RuntimeError("unknown RR_SETUP %r" % SETUP)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {
        # One line per request would dominate the benchmark.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django": {"handlers": ["stderr"], "level": "WARNING"},
    },
}
