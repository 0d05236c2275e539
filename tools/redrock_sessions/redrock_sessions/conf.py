"""Settings of the hash session engine and the shared redis-py clients built from them.

All settings live in one dict in the Django settings module:

    SESSION_REDROCK = {
        "URL": "redis://:password@127.0.0.1:6379/0",   # redis:// rediss:// or unix://
        "DB": None,                  # overrides the db number of the URL
        "PASSWORD": None,            # overrides the password of the URL
        "KEY_PREFIX": "session:",    # Redis key = prefix + Django session key
        "SOCKET_TIMEOUT": 5.0,       # seconds for one command
        "SOCKET_CONNECT_TIMEOUT": 5.0,
        "MAX_CONNECTIONS": None,     # pool size limit per process (None: unlimited)
    }

One client (with its connection pool) is kept per distinct connection configuration and
process, so every request reuses pooled connections instead of connecting again.
"""

import threading

import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULTS = {
    "URL": "redis://127.0.0.1:6379/0",
    "DB": None,
    "PASSWORD": None,
    "KEY_PREFIX": "session:",
    "SOCKET_TIMEOUT": 5.0,
    "SOCKET_CONNECT_TIMEOUT": 5.0,
    "MAX_CONNECTIONS": None,
}

# The settings that select a connection; KEY_PREFIX does not.
_CONNECTION_KEYS = ("URL", "DB", "PASSWORD", "SOCKET_TIMEOUT", "SOCKET_CONNECT_TIMEOUT",
                    "MAX_CONNECTIONS")

_clients = {}
_clients_lock = threading.Lock()


def options():
    """SESSION_REDROCK merged over DEFAULTS; unknown keys are a configuration error."""
    user = getattr(settings, "SESSION_REDROCK", None) or {}
    if not isinstance(user, dict):
        raise ImproperlyConfigured("SESSION_REDROCK must be a dict")
    unknown = sorted(set(user) - set(DEFAULTS))
    if unknown:
        raise ImproperlyConfigured("SESSION_REDROCK: unknown option(s) %s; known: %s"
                                   % (", ".join(unknown), ", ".join(sorted(DEFAULTS))))
    merged = dict(DEFAULTS)
    merged.update(user)
    if not isinstance(merged["KEY_PREFIX"], str):
        raise ImproperlyConfigured("SESSION_REDROCK['KEY_PREFIX'] must be a str")
    return merged


def _build_client(opts):
    kwargs = {
        "socket_timeout": opts["SOCKET_TIMEOUT"],
        "socket_connect_timeout": opts["SOCKET_CONNECT_TIMEOUT"],
    }
    if opts["MAX_CONNECTIONS"] is not None:
        kwargs["max_connections"] = int(opts["MAX_CONNECTIONS"])
    try:
        pool = redis.ConnectionPool.from_url(opts["URL"], **kwargs)
    except ValueError as e:
        raise ImproperlyConfigured("SESSION_REDROCK['URL']: %s" % e) from e
    # from_url lets the URL win over keyword arguments; DB and PASSWORD are meant to win
    # over the URL, so they go in afterwards (no connection exists yet).
    if opts["DB"] is not None:
        pool.connection_kwargs["db"] = int(opts["DB"])
    if opts["PASSWORD"] is not None:
        pool.connection_kwargs["password"] = opts["PASSWORD"]
    return redis.Redis(connection_pool=pool)


def get_client(opts=None):
    """The process-wide redis.Redis for the current settings (created on first use)."""
    opts = opts or options()
    key = tuple(opts[k] for k in _CONNECTION_KEYS)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _build_client(opts)
                _clients[key] = client
    return client


def close_clients():
    """Disconnects and forgets every cached client (tests, or after changing servers)."""
    with _clients_lock:
        clients = list(_clients.values())
        _clients.clear()
    for c in clients:
        c.connection_pool.disconnect()
