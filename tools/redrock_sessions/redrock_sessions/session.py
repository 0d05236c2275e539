"""A Django SessionStore that keeps each session as one Redis hash.

Layout of the hash stored at KEY_PREFIX + session key:

    "@"       -> "1"                          format marker, always present
    "d:" + k  -> serializer().dumps(value)    one field per session key k

The marker keeps an empty session a real, existing key (Redis has no empty hashes, and HSET
with no fields is an error), and the "d:" prefix keeps session keys from ever colliding with
it. Values go through Django's SESSION_SERIALIZER one by one, so a field can be read with
HGET. The key carries a TTL of get_expiry_age() seconds, set again by every save, so expired
sessions vanish by themselves and clear_expired() has nothing to do.

Every write is one MULTI/EXEC transaction guarded by WATCH on the session key:
  - a new session (must_create) is written only if the key does not exist when EXEC runs;
    otherwise CreateError, and create() draws another key: no session is ever overwritten;
  - an update rewrites the fields, removes the ones the session no longer has and sets the
    expiry in one step, and only while the key still exists: a session deleted meanwhile
    (logout in another tab, expiry) raises UpdateError instead of coming back to life;
  - cycle_key() creates the new key and deletes the old one in the same transaction.
No Lua is needed, so the engine runs on redrock and on Redis alike.
"""

import logging

import redis
from django.contrib.sessions.backends.base import (
    VALID_KEY_CHARS, CreateError, SessionBase, UpdateError,
)
from django.utils.crypto import get_random_string

from . import conf

# Django's own logger for damaged session data, so existing alerting sees it.
logger = logging.getLogger("django.security.SuspiciousSession")

MARKER_FIELD = b"@"
FORMAT_VERSION = b"1"
DATA_PREFIX = b"d:"

# WATCH conflicts are retried this often before an update gives up (UpdateError). Conflicts
# come from concurrent requests of the same session, so a handful of retries is plenty.
MAX_UPDATE_ATTEMPTS = 16
# create() draws this many random keys before giving up; one collision is already unlikely.
MAX_CREATE_ATTEMPTS = 100


class CorruptSession(ValueError):
    """The stored hash is not a session this engine wrote."""


class SessionStore(SessionBase):
    """Sessions as Redis hashes; see the module documentation for the layout."""

    def __init__(self, session_key=None):
        self._options = conf.options()
        self._redis = conf.get_client(self._options)
        super().__init__(session_key)

    # -- key and field encoding

    def redis_key(self, session_key):
        """The Redis key holding the session `session_key`."""
        return self._options["KEY_PREFIX"] + session_key

    def encode_fields(self, session_dict):
        """The hash fields (bytes -> bytes) of a session dict, marker included."""
        serializer = self.serializer()
        fields = {MARKER_FIELD: FORMAT_VERSION}
        for name, value in session_dict.items():
            if not isinstance(name, str):
                raise TypeError("session keys must be str, not %s" % type(name).__name__)
            fields[DATA_PREFIX + name.encode("utf-8")] = serializer.dumps(value)
        return fields

    def decode_fields(self, fields):
        """The session dict of a stored hash; CorruptSession when it cannot be read."""
        if fields.get(MARKER_FIELD) != FORMAT_VERSION:
            raise CorruptSession("format marker missing or unknown: %r"
                                 % fields.get(MARKER_FIELD))
        serializer = self.serializer()
        session = {}
        for field, value in fields.items():
            if field == MARKER_FIELD:
                continue
            if not field.startswith(DATA_PREFIX):
                raise CorruptSession("unexpected field %r" % field[:40])
            try:
                session[field[len(DATA_PREFIX):].decode("utf-8")] = serializer.loads(value)
            except Exception as e:  # any serializer: json, pickle, or a custom one
                raise CorruptSession("field %r: %s: %s"
                                     % (field[:40], type(e).__name__, e)) from e
        return session

    # -- SessionBase interface

    def load(self):
        try:
            fields = self._redis.hgetall(self.redis_key(self.session_key))
        except redis.ResponseError as e:
            # WRONGTYPE: another program owns this key. Never write over it: start afresh
            # under a new key.
            logger.warning("Session data corrupted (redrock_sessions: %s); new session", e)
            self._session_key = None
            return {}
        if not fields:
            self._session_key = None  # missing or expired: the next save creates a new key
            return {}
        try:
            return self.decode_fields(fields)
        except CorruptSession as e:
            # Keep the key: the next save replaces the damaged fields.
            logger.warning("Session data corrupted (redrock_sessions: %s)", e)
            return {}

    def exists(self, session_key):
        return bool(session_key) and self._redis.exists(self.redis_key(session_key)) == 1

    def _get_new_session_key(self):
        # No EXISTS round trip per candidate (the base class does one): the create
        # transaction itself refuses a key that exists, and create() draws again.
        return get_random_string(32, VALID_KEY_CHARS)

    def create(self):
        self._create(old_redis_key=None)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if must_create:
            self._save_new(old_redis_key=None)
        else:
            self._save_existing()

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._redis.delete(self.redis_key(session_key))

    def cycle_key(self):
        data = self._session
        old = self.session_key
        self._create(old_redis_key=self.redis_key(old) if old else None)
        self._session_cache = data

    @classmethod
    def clear_expired(cls):
        # Every session key has a TTL; the server drops expired ones itself.
        pass

    # -- writing

    def _create(self, old_redis_key):
        for _ in range(MAX_CREATE_ATTEMPTS):
            self._session_key = self._get_new_session_key()
            try:
                self._save_new(old_redis_key)
            except CreateError:
                continue
            self.modified = True
            return
        raise RuntimeError("redrock_sessions: no unused session key after %d attempts"
                           % MAX_CREATE_ATTEMPTS)

    def _save_new(self, old_redis_key):
        """Writes the session under a key that must not exist yet (CreateError otherwise),
        deleting old_redis_key in the same transaction when given."""
        fields = self.encode_fields(self._get_session(no_load=True))
        age = self.get_expiry_age()
        key = self.redis_key(self._session_key)
        with self._redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(key)
                if pipe.exists(key):
                    raise CreateError
                pipe.multi()
                pipe.hset(key, mapping=fields)
                pipe.expire(key, age)
                if old_redis_key is not None:
                    pipe.delete(old_redis_key)
                pipe.execute()
            except redis.WatchError:
                raise CreateError from None  # someone wrote the key between WATCH and EXEC

    def _save_existing(self):
        """Replaces the fields of an existing session and refreshes its TTL; UpdateError when
        the session no longer exists."""
        fields = self.encode_fields(self._get_session())
        age = self.get_expiry_age()
        key = self.redis_key(self._session_key)
        for _ in range(MAX_UPDATE_ATTEMPTS):
            with self._redis.pipeline(transaction=True) as pipe:
                try:
                    pipe.watch(key)
                    stored = pipe.hkeys(key)
                    if not stored:
                        raise UpdateError
                    removed = [f for f in stored if f not in fields]
                    pipe.multi()
                    if removed:
                        pipe.hdel(key, *removed)
                    pipe.hset(key, mapping=fields)
                    pipe.expire(key, age)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue  # a concurrent write of this session; read again and retry
        raise UpdateError
