"""The hash session engine (tools/redrock_sessions) in detail, against real servers.

Django (Debian's python3-django) runs in this process with settings made here; every store
talks to a real redrock (and the same tests to a real Debian redis-server): the empty
session, the field layout, removed fields, must_create collisions (also a write slipped in
between WATCH and EXEC), updates of deleted sessions, TTL refresh, corrupt data, the
MULTI/EXEC shape of a save seen through MONITOR, cycle_key/flush, and the settings.
"""

import logging
import os
import sys
import threading
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "redrock_sessions"))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(SECRET_KEY="engine-tests", USE_TZ=True, INSTALLED_APPS=[],
                   SESSION_COOKIE_AGE=1000)
django.setup()

from django.contrib.sessions.backends.base import CreateError, UpdateError  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from redrock_sessions import conf  # noqa: E402
from redrock_sessions.session import SessionStore  # noqa: E402

PREFIX = "t:sess:"
SECURITY_LOGGER = "django.security.SuspiciousSession"


class _Interfering:
    """Stands in for a store's redis client; the first transaction it hands out runs
    `action` (another client's write) right before MULTI, i.e. after WATCH and the reads."""

    def __init__(self, real, action):
        self.real = real
        self.action = action
        self.fired = 0

    def pipeline(self, *args, **kwargs):
        pipe = self.real.pipeline(*args, **kwargs)
        real_multi = pipe.multi

        def multi():
            if not self.fired:
                self.fired += 1
                self.action()
            real_multi()

        pipe.multi = multi
        return pipe

    def __getattr__(self, name):
        return getattr(self.real, name)


class EngineTests:
    """Mixed into one TestCase per server kind; start_server() returns a started server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls.start_server()
        cls.addClassCleanup(cls.server.close)
        cls.r = cls.server.client()
        cls.addClassCleanup(cls.r.close)
        cls.settings = override_settings(SESSION_REDROCK={
            "URL": "redis://127.0.0.1:%d/0" % cls.server.port, "KEY_PREFIX": PREFIX})
        cls.settings.enable()
        cls.addClassCleanup(cls.settings.disable)
        cls.addClassCleanup(conf.close_clients)

    def setUp(self):
        self.r.flushall()

    def key(self, session_key):
        return PREFIX + session_key

    def test_empty_session_is_a_marker_only_hash(self):
        s = SessionStore()
        s.create()
        k = self.key(s.session_key)
        self.assertEqual(self.r.hgetall(k), {b"@": b"1"})
        self.assertTrue(990 <= self.r.ttl(k) <= 1000, self.r.ttl(k))
        loaded = SessionStore(s.session_key)
        self.assertEqual(dict(loaded.items()), {})
        self.assertEqual(loaded.session_key, s.session_key)  # an empty session still exists
        self.assertTrue(loaded.exists(s.session_key))
        # Emptying a session with fields removes them and keeps the key.
        loaded["a"] = 1
        loaded.save()
        self.assertEqual(set(self.r.hkeys(k)), {b"@", b"d:a"})
        again = SessionStore(s.session_key)
        del again["a"]
        again.save()
        self.assertEqual(self.r.hgetall(k), {b"@": b"1"})

    def test_one_field_per_session_key(self):
        s = SessionStore()
        s["visits"] = 3
        s["name"] = "Zoë"
        s["nested"] = {"a": [1, 2, None]}
        s.save()
        k = self.key(s.session_key)
        self.assertEqual(self.r.hget(k, "d:visits"), b"3")
        self.assertEqual(self.r.hget(k, "d:nested"), b'{"a":[1,2,null]}')
        self.assertEqual(set(self.r.hkeys(k)), {b"@", b"d:visits", b"d:name", b"d:nested"})
        loaded = SessionStore(s.session_key)
        self.assertEqual(dict(loaded.items()),
                         {"visits": 3, "name": "Zoë", "nested": {"a": [1, 2, None]}})

    def test_removed_fields_are_deleted(self):
        s = SessionStore()
        s.update({"a": 1, "b": 2, "c": 3})
        s.save()
        t = SessionStore(s.session_key)
        del t["b"]
        t.pop("c")
        t["d"] = 4
        t.save()
        self.assertEqual(set(self.r.hkeys(self.key(s.session_key))), {b"@", b"d:a", b"d:d"})

    def test_must_create_never_overwrites(self):
        s = SessionStore()
        s["owner"] = "first"
        s.create()
        intruder = SessionStore(s.session_key)
        intruder["owner"] = "second"
        with self.assertRaises(CreateError):
            intruder.save(must_create=True)
        self.assertEqual(self.r.hget(self.key(s.session_key), "d:owner"), b'"first"')

    def test_must_create_loses_to_a_write_between_watch_and_exec(self):
        s = SessionStore()
        s["owner"] = "mine"
        s._session_key = "collidingkey0001"
        k = self.key("collidingkey0001")
        s._redis = _Interfering(s._redis, lambda: self.r.hset(k, mapping={
            "@": "1", "d:owner": '"theirs"'}))
        with self.assertRaises(CreateError):
            s.save(must_create=True)
        self.assertEqual(s._redis.fired, 1)
        self.assertEqual(self.r.hget(k, "d:owner"), b'"theirs"')
        # create() draws another key and succeeds; the other session stays as it was.
        s.create()
        self.assertNotEqual(s.session_key, "collidingkey0001")
        self.assertEqual(self.r.hget(self.key(s.session_key), "d:owner"), b'"mine"')
        self.assertEqual(self.r.hget(k, "d:owner"), b'"theirs"')

    def test_concurrent_must_create_has_one_winner(self):
        rounds_done = 0
        for rnd in harness.bounded(10, 20):
            key = "racekey%09d" % rnd
            results = []
            barrier = threading.Barrier(8, timeout=10)

            def worker(i):
                s = SessionStore()
                s["who"] = i
                s._session_key = key
                barrier.wait()
                try:
                    s.save(must_create=True)
                    results.append(("won", i))
                except CreateError:
                    results.append(("lost", i))

            threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(15)
            self.assertEqual(len(results), 8)
            winners = [i for outcome, i in results if outcome == "won"]
            self.assertEqual(len(winners), 1, results)
            self.assertEqual(self.r.hget(self.key(key), "d:who"), str(winners[0]).encode())
            rounds_done += 1
        self.assertGreater(rounds_done, 0)

    def test_update_of_a_deleted_session_raises_update_error(self):
        s = SessionStore()
        s["a"] = 1
        s.save()
        self.r.delete(self.key(s.session_key))
        s["a"] = 2
        with self.assertRaises(UpdateError):
            s.save()
        self.assertEqual(self.r.exists(self.key(s.session_key)), 0)  # not brought back

    def test_update_retries_after_a_concurrent_write(self):
        s = SessionStore()
        s.update({"a": 1, "b": 2})
        s.save()
        k = self.key(s.session_key)
        mine = SessionStore(s.session_key)
        mine["a"] = 10
        del mine["b"]
        mine._redis = _Interfering(mine._redis,
                                   lambda: self.r.hset(k, mapping={"d:c": "3"}))
        mine.save()
        self.assertEqual(mine._redis.fired, 1)
        # The retry read the field the other writer added and removed it: last writer wins
        # with exactly its own dict, as with Django's database backend.
        self.assertEqual(self.r.hgetall(k), {b"@": b"1", b"d:a": b"10"})

    def test_expiry_is_refreshed_on_every_save(self):
        s = SessionStore()
        s["n"] = 1
        s.save()
        k = self.key(s.session_key)
        self.r.expire(k, 5)  # as if most of the lifetime had passed
        t = SessionStore(s.session_key)
        t["n"] = 2
        t.save()
        self.assertTrue(990 <= self.r.ttl(k) <= 1000, self.r.ttl(k))
        t.set_expiry(30)
        t.save()
        self.assertTrue(25 <= self.r.ttl(k) <= 30, self.r.ttl(k))
        with override_settings(SESSION_COOKIE_AGE=1):
            u = SessionStore()
            u["x"] = 1
            u.save()
            harness.wait_until(lambda: self.r.exists(self.key(u.session_key)) == 0, 5,
                               message="session with a 1 s age to expire")
            self.assertFalse(u.exists(u.session_key))
            self.assertEqual(dict(SessionStore(u.session_key).items()), {})

    def test_corrupt_value_is_an_empty_session_with_a_warning(self):
        k = self.key("corruptvalue0001")
        self.r.hset(k, mapping={"@": "1", "d:visits": "{not json"})
        s = SessionStore("corruptvalue0001")
        with self.assertLogs(SECURITY_LOGGER, logging.WARNING) as logs:
            self.assertEqual(dict(s.items()), {})
        self.assertIn("corrupted", logs.output[0])
        # The key stays; the next save replaces the damaged field.
        self.assertEqual(s.session_key, "corruptvalue0001")
        s["ok"] = True
        s.save()
        self.assertEqual(self.r.hgetall(k), {b"@": b"1", b"d:ok": b"true"})

    def test_foreign_hash_is_an_empty_session_with_a_warning(self):
        k = self.key("foreignhash00001")
        self.r.hset(k, mapping={"visits": "3"})  # no marker, no prefix
        with self.assertLogs(SECURITY_LOGGER, logging.WARNING):
            self.assertEqual(dict(SessionStore("foreignhash00001").items()), {})

    def test_wrong_type_key_is_left_alone(self):
        k = self.key("stringkey0000001")
        self.r.set(k, "not a hash")
        s = SessionStore("stringkey0000001")
        with self.assertLogs(SECURITY_LOGGER, logging.WARNING):
            self.assertEqual(dict(s.items()), {})
        self.assertIsNone(s.session_key)
        s["a"] = 1
        s.save()
        self.assertNotEqual(s.session_key, "stringkey0000001")
        self.assertEqual(self.r.get(k), b"not a hash")
        self.assertEqual(self.r.hget(self.key(s.session_key), "d:a"), b"1")

    def test_save_is_one_multi_exec(self):
        s = SessionStore()
        s.update({"a": 1, "b": 2})
        s.save()
        t = SessionStore(s.session_key)
        del t["b"]
        t["c"] = 3
        commands = []
        mon = self.server.client(socket_timeout=5)
        self.addCleanup(mon.close)
        with mon.monitor() as m:
            t.save()
            for _ in harness.bounded(50, 10):
                cmd = m.next_command()["command"].split()[0].upper()
                commands.append(cmd)
                if cmd == "EXEC":
                    break
        self.assertEqual(commands, ["WATCH", "HKEYS", "MULTI", "HDEL", "HSET", "EXPIRE", "EXEC"])
        self.assertEqual(set(self.r.hkeys(self.key(s.session_key))), {b"@", b"d:a", b"d:c"})

    def test_exists_delete_flush_cycle_key_clear_expired(self):
        s = SessionStore()
        s["user"] = "alice"
        s.save()
        old = s.session_key
        self.assertTrue(s.exists(old))
        self.assertFalse(s.exists("nosuchsession0001"))
        self.assertFalse(s.exists(""))
        s.cycle_key()
        self.assertNotEqual(s.session_key, old)
        self.assertEqual(self.r.exists(self.key(old)), 0)
        self.assertEqual(self.r.hget(self.key(s.session_key), "d:user"), b'"alice"')
        self.assertEqual(s["user"], "alice")
        SessionStore.clear_expired()  # nothing to do: TTLs expire sessions
        self.assertTrue(s.exists(s.session_key))
        current = s.session_key
        s.flush()
        self.assertIsNone(s.session_key)
        self.assertEqual(self.r.exists(self.key(current)), 0)
        other = SessionStore()
        other.create()
        other.delete()
        self.assertFalse(other.exists(other.session_key))
        SessionStore().delete()  # no key: nothing happens

    def test_pool_is_reused(self):
        a, b = SessionStore(), SessionStore()
        self.assertIs(a._redis, b._redis)
        pool = a._redis.connection_pool
        before = pool._created_connections
        for i in range(30):
            s = SessionStore()
            s["i"] = i
            s.save()
            self.assertEqual(SessionStore(s.session_key)["i"], i)
        # One thread, sequential requests: at most one new connection, then reuse.
        self.assertLessEqual(pool._created_connections - before, 1)


class EngineOnRedrock(EngineTests, unittest.TestCase):
    @classmethod
    def start_server(cls):
        return harness.RedrockServer().start()


class EngineOnRedis(EngineTests, unittest.TestCase):
    @classmethod
    def start_server(cls):
        return harness.RedisReference().start()


class EngineSettings(unittest.TestCase):
    """URL with password and db, prefix, timeouts, unknown options: against redrock."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.RedrockServer(requirepass="s3cret").start()
        cls.addClassCleanup(cls.server.close)
        cls.addClassCleanup(conf.close_clients)

    def test_url_password_db_prefix_timeouts(self):
        url = "redis://:s3cret@127.0.0.1:%d/3" % self.server.port
        with override_settings(SESSION_REDROCK={"URL": url, "KEY_PREFIX": "app1:",
                                                "SOCKET_TIMEOUT": 2.5, "MAX_CONNECTIONS": 7}):
            s = SessionStore()
            s["x"] = 1
            s.save()
            pool = s._redis.connection_pool
            self.assertEqual(pool.connection_kwargs["socket_timeout"], 2.5)
            self.assertEqual(pool.max_connections, 7)
        db3 = self.server.client(db=3)
        db0 = self.server.client(db=0)
        self.addCleanup(db3.close)
        self.addCleanup(db0.close)
        self.assertEqual(db3.hget("app1:" + s.session_key, "d:x"), b"1")
        self.assertEqual(db0.exists("app1:" + s.session_key), 0)
        # DB and PASSWORD override the URL.
        url_no_auth = "redis://127.0.0.1:%d/0" % self.server.port
        with override_settings(SESSION_REDROCK={"URL": url_no_auth, "DB": 3,
                                                "PASSWORD": "s3cret", "KEY_PREFIX": "app1:"}):
            self.assertEqual(SessionStore(s.session_key)["x"], 1)

    def test_bad_settings(self):
        with override_settings(SESSION_REDROCK={"URL": "redis://127.0.0.1:1/0", "PREFIX": "x"}):
            with self.assertRaisesRegex(ImproperlyConfigured, "PREFIX"):
                SessionStore()
        with override_settings(SESSION_REDROCK={"URL": "ftp://127.0.0.1/0"}):
            with self.assertRaises(ImproperlyConfigured):
                SessionStore()


if __name__ == "__main__":
    harness.main(timeout=120)
