"""Django sessions on redrock, end to end: a real Django site over real HTTP.

The site in tests/django (Debian's python3-django, /usr/bin/python3) runs in its own process
on a free port, with its sessions in redrock (appendfsync always) through each of the four
setups users run: (a) django-redis cache + the cache session engine, (b) cached_db,
(c) django-redis-sessions, (d) our hash engine; (d) also against Debian's redis-server.
Browsers are urllib openers with a cookie jar. For each setup: the seed view counts 1..N, a
new browser starts at 1, sessions expire after a small SESSION_COOKIE_AGE, logout deletes the
stored session, login moves it to a new key, kill -9 of the server keeps every logged-in
session, and concurrent browsers never see each other's counters.
"""

import os
import shutil
import sys
import tempfile
import threading
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "django"))

import sitectl  # noqa: E402

SHORT_AGE = 2  # seconds, SESSION_COOKIE_AGE of the expiry site
_template = {}


def setUpModule():
    tmp = tempfile.mkdtemp(prefix="redrock-django-")
    _template["dir"] = tmp
    _template["db"] = os.path.join(tmp, "template.sqlite3")
    sitectl.prepare_db(_template["db"])


def tearDownModule():
    if not harness.KEEP_TMP:
        shutil.rmtree(_template["dir"], ignore_errors=True)


class SessionSetupTests:
    """The scenarios; subclasses name the setup and the server kind."""

    setup = None            # RR_SETUP of the site
    reference = False       # True: Debian redis-server (AOF, fsync always) instead of redrock
    reuses_expired_key = False  # the setup revives an expired session key (empty) on save

    @classmethod
    def redis_key(cls, session_key):
        """Where the setup keeps a session in the server."""
        raise NotImplementedError

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="redrock-django-%s-" % cls.setup)
        if not harness.KEEP_TMP:
            cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        db = os.path.join(cls.tmp, "site.sqlite3")
        shutil.copy(_template["db"], db)
        if cls.reference:
            cls.server = harness.RedisReference(
                extra_args=["--appendonly", "yes", "--appendfsync", "always"])
        else:
            cls.server = harness.RedrockServer(appendfsync="always")
        cls.addClassCleanup(cls.server.close)
        cls.server.start()
        url = "redis://127.0.0.1:%d/0" % cls.server.port
        cls.site = sitectl.DjangoSite(cls.setup, db, url,
                                      log_path=os.path.join(cls.tmp, "site.log"))
        cls.addClassCleanup(cls.site.stop)
        cls.site.start()
        cls.short_site = sitectl.DjangoSite(cls.setup, db, url, cookie_age=SHORT_AGE,
                                            log_path=os.path.join(cls.tmp, "short-site.log"))
        cls.addClassCleanup(cls.short_site.stop)
        cls.short_site.start()
        cls.r = cls.server.client()
        cls.addClassCleanup(cls.r.close)

    def browser(self, site=None):
        return sitectl.Browser(site or self.site)

    def stored(self, session_key):
        return self.r.exists(self.redis_key(session_key)) == 1

    def test_counter_counts_and_a_new_client_starts_at_one(self):
        b = self.browser()
        self.assertEqual([b.visit() for _ in range(8)], list(range(1, 9)))
        self.assertTrue(self.stored(b.session_key))
        ttl = self.r.ttl(self.redis_key(b.session_key))
        self.assertTrue(1209600 - 10 <= ttl <= 1209600, ttl)
        other = self.browser()
        self.assertEqual(other.visit(), 1)
        self.assertNotEqual(other.session_key, b.session_key)
        self.assertEqual(b.visit(), 9)
        self.assertEqual(other.visit(), 2)

    def test_sessions_expire(self):
        b = self.browser(self.short_site)
        self.assertEqual([b.visit(), b.visit()], [1, 2])
        key = b.session_key
        self.assertTrue(self.stored(key))
        self.assertLessEqual(self.r.ttl(self.redis_key(key)), SHORT_AGE)
        harness.wait_until(lambda: not self.stored(key), SHORT_AGE + 5,
                           message="the session to expire in the server")
        # The browser dropped its expired cookie; a client replaying it gets nothing either.
        visits, new_key = sitectl.visit_with_cookie(self.short_site, key)
        self.assertEqual(visits, 1)
        if self.reuses_expired_key:
            self.assertEqual(new_key, key)
        else:
            self.assertNotEqual(new_key, key)
        self.assertEqual(b.visit(), 1)

    def test_logout_flushes_the_session(self):
        b = self.browser()
        b.visit()
        self.assertEqual(b.login()[0], 200)
        self.assertEqual(b.visit(), 2)
        key = b.session_key
        self.assertTrue(self.stored(key))
        self.assertEqual(b.request("/logout"), (200, "logged out"))
        self.assertFalse(self.stored(key))
        self.assertNotEqual(b.session_key, key)
        self.assertEqual(b.request("/whoami"), (200, "user=- visits=0"))
        self.assertEqual(b.visit(), 1)
        self.assertEqual(sitectl.visit_with_cookie(self.site, key)[0], 1)

    def test_login_cycles_the_key(self):
        b = self.browser()
        self.assertEqual([b.visit(), b.visit()], [1, 2])
        before = b.session_key
        self.assertEqual(b.login(), (200, "logged in as alice"))
        after = b.session_key
        self.assertNotEqual(after, before)
        self.assertFalse(self.stored(before))
        self.assertTrue(self.stored(after))
        self.assertEqual(b.request("/whoami"), (200, "user=alice visits=2"))
        self.assertEqual(b.visit(), 3)
        # The old key grants nothing any more.
        self.assertEqual(sitectl.visit_with_cookie(self.site, before)[0], 1)
        self.assertEqual(b.login("alice", "wrong")[0], 403)

    def test_kill9_and_restart_keep_every_logged_in_session(self):
        browsers = [self.browser() for _ in range(6)]
        expected = []
        for i, b in enumerate(browsers):
            self.assertEqual(b.login()[0], 200)
            for _ in range(i + 1):
                count = b.visit()
            expected.append(count)
        self.assertEqual(expected, list(range(1, 7)))
        self.server.kill9()
        self.server.start()
        for b, count in zip(browsers, expected):
            self.assertEqual(b.request("/whoami"), (200, "user=alice visits=%d" % count))
            self.assertEqual(b.visit(), count + 1)

    def test_concurrent_clients_are_isolated(self):
        n_clients, n_visits = 16, 10
        seen = {}
        errors = []
        barrier = threading.Barrier(n_clients, timeout=30)

        def run(i):
            try:
                b = self.browser()
                barrier.wait()
                seen[i] = ([b.visit() for _ in range(n_visits)], b.session_key)
            except Exception as e:  # reported below; the thread must not die silently
                errors.append("client %d: %r" % (i, e))

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n_clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(len(seen), n_clients)
        for i, (counts, _) in seen.items():
            self.assertEqual(counts, list(range(1, n_visits + 1)), "client %d" % i)
        keys = {key for _, key in seen.values()}
        self.assertEqual(len(keys), n_clients)
        for key in keys:
            self.assertTrue(self.stored(key))


class CacheSessionsOnRedrock(SessionSetupTests, unittest.TestCase):
    """(a) django-redis as the cache, django.contrib.sessions.backends.cache."""

    setup = "cache"

    @classmethod
    def redis_key(cls, session_key):
        return ":1:django.contrib.sessions.cache" + session_key


class CachedDbSessionsOnRedrock(SessionSetupTests, unittest.TestCase):
    """(b) django-redis as the cache, django.contrib.sessions.backends.cached_db."""

    setup = "cached_db"

    @classmethod
    def redis_key(cls, session_key):
        return ":1:django.contrib.sessions.cached_db" + session_key


class RedisSessionsOnRedrock(SessionSetupTests, unittest.TestCase):
    """(c) the django-redis-sessions package (redis_sessions.session)."""

    setup = "redis_sessions"
    # django-redis-sessions 0.6.2 decodes the missing value (None) as corrupt data, keeps the
    # key and SETEXes the new, empty session under the expired key. Same against Redis.
    reuses_expired_key = True

    @classmethod
    def redis_key(cls, session_key):
        return "rs:" + session_key


class HashSessionsOnRedrock(SessionSetupTests, unittest.TestCase):
    """(d) our engine, redrock_sessions.session."""

    setup = "hash"

    @classmethod
    def redis_key(cls, session_key):
        return "session:" + session_key

    def test_session_is_a_hash_with_one_field_per_key(self):
        b = self.browser()
        b.visit()
        self.assertEqual(b.login()[0], 200)
        fields = self.r.hgetall(self.redis_key(b.session_key))
        self.assertEqual(fields[b"@"], b"1")
        self.assertEqual(fields[b"d:visits"], b"1")
        self.assertIn(b"d:_auth_user_id", fields)


class HashSessionsOnRedis(HashSessionsOnRedrock):
    """(d) our engine against Debian's redis-server (AOF, appendfsync always)."""

    reference = True


if __name__ == "__main__":
    harness.main(timeout=240)
