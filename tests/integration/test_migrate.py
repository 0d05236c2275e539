"""MIGRATE between redrock and Redis 7.0 in every direction: every type with TTLs and binary
names arrives intact, the source loses exactly the keys the target accepted, and every reply
(errors included) is byte for byte what redis-server -> redis-server answers in the same
situation. Timeouts are real: a dead port fails fast, a silent listener fails after the
timeout and leaves the server serving."""

import random
import socket
import threading
import time
import unittest

import harness
from harness import RedisReference, RedrockServer
from test_dump_restore import BINARY, populate, snapshot

PASSWORD = "s3cret"


def migrate(client, target, *args):
    """The raw reply of MIGRATE 127.0.0.1 <target port> args... sent by a RawClient."""
    return client.call("MIGRATE", "127.0.0.1", target.port, *args)


class MigrateTest(unittest.TestCase):
    """Two redrock servers, two redis-servers and a password-protected one of each."""

    @classmethod
    def setUpClass(cls):
        servers = {
            # Several io threads whatever the machine: a MIGRATE blocks only its own.
            "rr1": RedrockServer(extra_args=() if harness.reference_mode()
                                 else ("--io-threads", "3")),
            "rr2": RedrockServer(),
            "rr_auth": RedrockServer(requirepass=PASSWORD),
            "rd1": RedisReference(),
            "rd2": RedisReference(),
            "rd_auth": RedisReference(requirepass=PASSWORD),
        }
        for name, server in servers.items():
            cls.addClassCleanup(server.close)
            server.start()
            setattr(cls, name, server)

    def setUp(self):
        for name in ("rr1", "rr2", "rr_auth", "rd1", "rd2", "rd_auth"):
            c = getattr(self, name).client()
            c.flushall()
            c.close()

    def drop_migrate_connections(self, *targets):
        """Kills every client of the targets (call it before opening any there): the sources'
        cached MIGRATE connections die (the next MIGRATE retries on a fresh one), so no AUTH
        or SELECT state survives from an earlier test."""
        for target in targets:
            self.client(target).client_kill_filter(_type="normal", skipme=True)

    def raw(self, server):
        c = server.raw()
        self.addCleanup(c.close)
        return c

    def client(self, server, **kwargs):
        c = server.client(**kwargs)
        self.addCleanup(c.close)
        return c

    # -- data arrives intact ------------------------------------------------------------------

    def move_everything(self, src, dst, seed):
        """Fills src with every type, MIGRATEs all of it with KEYS, checks dst got the same
        values and TTLs and src is empty."""
        s, d = self.client(src), self.client(dst)
        populate(s, random.Random(seed))
        expected = snapshot(s)
        ttls = {k: s.pttl(k) for k in expected}
        keys = sorted(expected)
        reply = s.execute_command("MIGRATE", "127.0.0.1", dst.port, "", 0, 5000, "KEYS", *keys)
        self.assertEqual(reply, b"OK")
        self.assertEqual(snapshot(d), expected)
        self.assertEqual(s.dbsize(), 0)
        for k, ttl in ttls.items():
            if ttl > 0:
                self.assertTrue(ttl - 5000 < d.pttl(k) <= ttl, (k, ttl, d.pttl(k)))
            else:
                self.assertEqual(d.pttl(k), -1, k)

    def test_every_type_redrock_to_redrock(self):
        self.move_everything(self.rr1, self.rr2, 1)

    def test_every_type_redrock_to_redis(self):
        self.move_everything(self.rr1, self.rd1, 2)

    def test_every_type_redis_to_redrock(self):
        self.move_everything(self.rd1, self.rr1, 3)

    def test_single_key_form_with_binary_name(self):
        for src, dst in ((self.rr1, self.rr2), (self.rr1, self.rd1), (self.rd1, self.rr1)):
            s, d = self.client(src), self.client(dst)
            s.set(BINARY, b"\x00\xff" * 1000, px=200000)
            self.assertEqual(s.execute_command("MIGRATE", "127.0.0.1", dst.port, BINARY, 0,
                                               5000), b"OK")
            self.assertEqual(d.get(BINARY), b"\x00\xff" * 1000)
            self.assertTrue(190000 < d.pttl(BINARY) <= 200000)
            self.assertEqual(s.exists(BINARY), 0)
            d.delete(BINARY)

    def test_destination_db(self):
        for src, dst in ((self.rr1, self.rr2), (self.rr1, self.rd1)):
            s, d = self.client(src), self.client(dst, db=5)
            s.rpush("l", "a", "b")
            self.assertEqual(migrate(self.raw(src), dst, "l", 5, 5000), b"+OK\r\n")
            self.assertEqual(d.lrange("l", 0, -1), [b"a", b"b"])
            self.assertEqual(self.client(dst).exists("l"), 0)  # not in db 0

    def test_copy_replace_busykey_keys_nokey(self):
        for src, dst in ((self.rr1, self.rr2), (self.rr1, self.rd1), (self.rd1, self.rr1)):
            s, d, raw = self.client(src), self.client(dst), self.raw(src)
            s.set("a", "1")
            s.hset("b", "f", "v")
            self.assertEqual(migrate(raw, dst, "a", 0, 5000, "COPY"), b"+OK\r\n")
            self.assertEqual((s.get("a"), d.get("a")), (b"1", b"1"))
            # The target has "a": BUSYKEY, nothing deleted here.
            s.set("a", "2")
            self.assertEqual(
                migrate(raw, dst, "a", 0, 5000),
                b"-ERR Target instance replied with error: BUSYKEY Target key name already "
                b"exists.\r\n")
            self.assertEqual((s.get("a"), d.get("a")), (b"2", b"1"))
            self.assertEqual(migrate(raw, dst, "a", 0, 5000, "REPLACE"), b"+OK\r\n")
            self.assertEqual((s.exists("a"), d.get("a")), (0, b"2"))
            # KEYS with missing keys: the existing ones move.
            s.set("c", "3")
            self.assertEqual(migrate(raw, dst, "", 0, 5000, "KEYS", "nope", "b", "c", "zip"),
                             b"+OK\r\n")
            self.assertEqual(s.dbsize(), 0)
            self.assertEqual((d.hgetall("b"), d.get("c")), ({b"f": b"v"}, b"3"))
            self.assertEqual(migrate(raw, dst, "", 0, 5000, "KEYS", "nope", "b"), b"+NOKEY\r\n")
            self.assertEqual(migrate(raw, dst, "gone", 0, 5000), b"+NOKEY\r\n")
            # One key busy among several: the others move, the error is reported.
            s.set("x", "1")
            s.set("c", "again")
            s.set("y", "2")
            self.assertEqual(
                migrate(raw, dst, "", 0, 5000, "KEYS", "x", "c", "y"),
                b"-ERR Target instance replied with error: BUSYKEY Target key name already "
                b"exists.\r\n")
            self.assertEqual(sorted(s.keys()), [b"c"])
            self.assertEqual((d.get("x"), d.get("y"), d.get("c")), (b"1", b"2", b"3"))
            d.flushall()
            s.flushall()

    def test_auth_and_auth2(self):
        for src, dst in ((self.rr1, self.rr_auth), (self.rr1, self.rd_auth),
                         (self.rd1, self.rr_auth)):
            s, d, raw = self.client(src), self.client(dst), self.raw(src)
            s.set("k1", "v1")
            s.set("k2", "v2")
            self.assertEqual(migrate(raw, dst, "k1", 0, 5000, "AUTH", PASSWORD), b"+OK\r\n")
            self.assertEqual(migrate(raw, dst, "k2", 0, 5000, "AUTH2", "default", PASSWORD),
                             b"+OK\r\n")
            self.assertEqual((d.get("k1"), d.get("k2"), s.dbsize()), (b"v1", b"v2", 0))
            d.flushall()

    def test_notifications_on_the_source(self):
        for src, dst in ((self.rr1, self.rr2), (self.rd1, self.rd2)):
            s = self.client(src)
            s.config_set("notify-keyspace-events", "KEA")
            self.addCleanup(self.client(src).config_set, "notify-keyspace-events", "")
            p = s.pubsub()
            self.addCleanup(p.close)
            p.psubscribe("__key*@0__:*")
            self.assertEqual(p.get_message(timeout=5)["type"], "psubscribe")
            s.set("n1", "v")
            s.set("n2", "v")
            raw = self.raw(src)
            self.assertEqual(migrate(raw, dst, "n1", 0, 5000, "COPY"), b"+OK\r\n")
            self.assertEqual(migrate(raw, dst, "", 0, 5000, "REPLACE", "KEYS", "n1", "n2"),
                             b"+OK\r\n")
            events = []
            for _ in harness.bounded(100, 5):
                m = p.get_message(timeout=0.2)
                if m is None:
                    if len(events) >= 6:
                        break
                    continue
                events.append((m["channel"], m["data"]))
            self.assertEqual(events, [
                (b"__keyspace@0__:n1", b"set"), (b"__keyevent@0__:set", b"n1"),
                (b"__keyspace@0__:n2", b"set"), (b"__keyevent@0__:set", b"n2"),
                (b"__keyspace@0__:n1", b"del"), (b"__keyevent@0__:del", b"n1"),
                (b"__keyspace@0__:n2", b"del"), (b"__keyevent@0__:del", b"n2"),
            ], src.name)

    def test_inside_multi(self):
        for src, dst in ((self.rr1, self.rr2), (self.rd1, self.rd2)):
            raw = self.raw(src)
            self.assertEqual(raw.call("MULTI"), b"+OK\r\n")
            raw.call("SET", "m", "new")
            raw.call("MIGRATE", "127.0.0.1", dst.port, "m", 0, 5000)
            raw.call("EXISTS", "m")
            self.assertEqual(raw.call("EXEC"), b"*3\r\n+OK\r\n+OK\r\n:0\r\n", src.name)
            self.assertEqual(self.client(dst).get("m"), b"new")

    # -- replies and errors as Redis --------------------------------------------------------

    def compare_sequence(self, src, dst, auth_dst):
        """The replies of `src` MIGRATEing to `dst` / `auth_dst`, for a fixed sequence of
        situations. The sequence runs fast enough that the cached connections evolve alike."""
        self.drop_migrate_connections(dst, auth_dst)
        raw = self.raw(src)
        closed = harness.free_port()
        replies = []

        def call(*args):
            args = [a.port if isinstance(a, (RedrockServer, RedisReference)) else a
                    for a in args]
            replies.append((" ".join(str(a) for a in args if not isinstance(a, bytes)),
                            raw.call(*args)))

        call("SET", "k", "v")
        call("SET", "k2", "v2")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000)
        call("MIGRATE", "127.0.0.1", dst, "missing", 0, 5000)
        call("SET", "k", "v")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000)              # BUSYKEY
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "replace")
        call("SET", "k", "v")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, "abc")              # timeout not a number
        call("MIGRATE", "127.0.0.1", dst, "k", "abc", 5000)
        call("MIGRATE", "127.0.0.1", dst, "k", "abc", "abc")          # timeout checked first
        call("MIGRATE", "127.0.0.1", dst, "k", 99, 5000)              # target: bad db
        # After a target error the cached connection forgets its db, so db -1 skips SELECT
        # and lands in db 0 again (a Redis quirk).
        call("MIGRATE", "127.0.0.1", dst, "k", -1, 5000)
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "keys", "a")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "auth")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "auth2", "u")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "bogus")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "copy", "copy", "REPLACE", "Copy")
        call("MIGRATE", "127.0.0.1", dst, "", 0, 5000, "keys")        # no keys: NOKEY
        call("MIGRATE", "127.0.0.1", dst, "", 0, 5000, "keys", "k", "nope", "k2")
        call("SET", "k", "v")
        call("MIGRATE", "127.0.0.1", dst, "k", 3, 0)                  # timeout 0 = 1000 ms
        call("MIGRATE", "127.0.0.1", dst, "k", 3, -5)
        call("SET", "k", "v")
        call("MIGRATE", "127.0.0.1", dst, "k", 0, 5000, "auth", "x")  # no password there
        call("EXISTS", "k")                                           # AUTH failed: kept
        call("MIGRATE", "127.0.0.1", closed, "k", 0, 5000)
        call("MIGRATE", "no-such-host.invalid", 6379, "k", 0, 5000)
        call("MIGRATE", "", dst, "k", 0, 5000)
        call("MIGRATE", "127.0.0.1", "abc", "k", 0, 5000)            # port 0
        call("MIGRATE", "127.0.0.1", -1, "k", 0, 5000)
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000)
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000, "auth", "wrong")
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000, "auth2", "default", "wrong")
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000, "auth2", "nobody", PASSWORD)
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000, "copy", "auth", PASSWORD)
        call("MIGRATE", "127.0.0.1", auth_dst, "k", 0, 5000, "auth", PASSWORD, "replace")
        call("EXISTS", "k")
        call("SET", "e", "v", "PX", 100000)
        call("MIGRATE", "127.0.0.1", dst, "e", 1, 5000)
        call("COMMAND", "INFO", "migrate")
        for args in (["k", 0, 1000], ["", 0, 1000], ["k", 0, 1000, "keys", "a"],
                     ["", 0, 1000, "keys", "a", "b"], ["", 0, 1000, "auth", "keys", "x"],
                     ["", 0, 1000, "keys"], ["", 0, 1000, "copy", "keys", "a", "a"],
                     ["", 0, 1000, "auth2", "keys", "keys", "keys", "z"],
                     ["keys", 0, 1000, "copy"], ["", 0, 1000, "AUTH2", "u", "p", "KEYS", "q"]):
            call("COMMAND", "GETKEYS", "MIGRATE", "h", 1, *args)
            call("COMMAND", "GETKEYSANDFLAGS", "MIGRATE", "h", 1, *args)
        return replies

    def assertSameReplies(self, got, expected, what):
        diffs = ["%s\n    %-12s %r\n    %-12s %r" % (cmd, what + ":", a, "redis->redis:", b)
                 for (cmd, a), (_, b) in zip(got, expected) if a != b]
        if diffs:
            self.fail("%d of %d replies differ:\n%s" % (len(diffs), len(got), "\n".join(diffs)))

    def test_replies_match_redis(self):
        expected = self.compare_sequence(self.rd1, self.rd2, self.rd_auth)
        self.setUp()
        got = self.compare_sequence(self.rr1, self.rr2, self.rr_auth)
        self.assertSameReplies(got, expected, "rr->rr")
        self.setUp()
        got = self.compare_sequence(self.rr1, self.rd2, self.rd_auth)
        self.assertSameReplies(got, expected, "rr->redis")
        self.setUp()
        got = self.compare_sequence(self.rd1, self.rr2, self.rr_auth)
        self.assertSameReplies(got, expected, "redis->rr")

    def test_monitor_redacts_passwords(self):
        lines = {}
        for src, dst in ((self.rr1, self.rr_auth), (self.rd1, self.rd_auth)):
            mon = self.raw(src)
            self.assertEqual(mon.call("MONITOR"), b"+OK\r\n")
            raw = self.raw(src)
            raw.call("SET", "k", "v")
            migrate(raw, dst, "k", 0, 5000, "COPY", "AUTH2", "default", PASSWORD)
            mon.read_reply()  # SET
            line = mon.read_reply()
            self.assertNotIn(PASSWORD.encode(), line)
            lines[src] = line[line.index(b"]") + 1:].replace(str(dst.port).encode(), b"P")
        self.assertEqual(lines[self.rr1], lines[self.rd1])
        self.assertIn(b'"AUTH2" "(redacted)" "(redacted)"', lines[self.rr1])

    # -- connections, timeouts ---------------------------------------------------------------

    def test_dead_cached_connection_is_retried(self):
        for src, dst in ((self.rr1, self.rr2), (self.rr1, self.rd2), (self.rd1, self.rr2)):
            s, d, raw = self.client(src), self.client(dst), self.raw(src)
            s.set("a", "1")
            self.assertEqual(migrate(raw, dst, "a", 0, 5000), b"+OK\r\n")
            # Kill the target side of the cached connection (and of any other).
            self.assertIn("restore", [c["cmd"] for c in d.client_list()])
            d.client_kill_filter(_type="normal", skipme=True)
            self.assertNotIn("restore", [c["cmd"] for c in d.client_list()])
            s.set("b", "2")
            self.assertEqual(migrate(raw, dst, "b", 0, 5000), b"+OK\r\n")
            self.assertEqual((d.get("a"), d.get("b"), s.dbsize()), (b"1", b"2", 0))
            d.flushall()

    def test_cached_connection_closed_after_ten_seconds(self):
        self.drop_migrate_connections(self.rr2)  # none left over from earlier tests
        s, d = self.client(self.rr1), self.client(self.rr2)
        s.set("a", "1")
        before = len(d.client_list())
        self.assertEqual(migrate(self.raw(self.rr1), self.rr2, "a", 0, 5000), b"+OK\r\n")
        self.assertEqual(len(d.client_list()), before + 1)
        started = time.monotonic()
        harness.wait_until(lambda: len(d.client_list()) == before, 20,
                           message="the cached MIGRATE connection to close")
        self.assertGreater(time.monotonic() - started, 8)

    def test_nothing_listening_fails_fast(self):
        port = harness.free_port()
        for src in (self.rr1, self.rd1):
            raw = self.raw(src)
            raw.call("SET", "k", "v")
            started = time.monotonic()
            self.assertEqual(raw.call("MIGRATE", "127.0.0.1", port, "k", 0, 5000),
                             b"-IOERR error or timeout writing to target instance\r\n")
            self.assertLess(time.monotonic() - started, 2)
            self.assertEqual(raw.call("EXISTS", "k"), b":1\r\n")

    def test_silent_listener_times_out_and_server_keeps_serving(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # accepted by the kernel, never read: the target never answers
        port = listener.getsockname()[1]
        for src in (self.rr1, self.rd1):
            raw = self.raw(src)
            raw.call("SET", "k", "v")
            started = time.monotonic()
            reply = raw.call("MIGRATE", "127.0.0.1", port, "k", 0, 800)
            elapsed = time.monotonic() - started
            self.assertEqual(reply, b"-IOERR error or timeout reading to target instance\r\n",
                             src.name)
            self.assertGreaterEqual(elapsed, 0.75, src.name)
            self.assertLess(elapsed, 4, src.name)
            self.assertEqual(raw.call("EXISTS", "k"), b":1\r\n")
            other = self.raw(src)
            self.assertEqual(other.call("PING"), b"+PONG\r\n")

    def test_other_threads_serve_during_a_slow_migrate(self):
        if harness.reference_mode():
            self.skipTest("redis-server serves nobody while a MIGRATE waits")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        raw = self.raw(self.rr1)
        raw.call("SET", "k", "v")
        result = {}

        def run():
            result["reply"] = raw.call("MIGRATE", "127.0.0.1", port, "k", 0, 4000)

        t = threading.Thread(target=run)
        t.start()
        time.sleep(0.3)
        # Clients land on the io threads round-robin: some of these share no thread with
        # the MIGRATE and must answer while it still waits.
        fast = 0
        for _ in range(4):
            c = RawClientQuick(self.rr1.port)
            if c.ping(timeout=0.5) and t.is_alive():
                fast += 1
            c.close()
        self.assertTrue(t.is_alive())
        t.join(10)
        self.assertEqual(result.get("reply"),
                         b"-IOERR error or timeout reading to target instance\r\n")
        self.assertGreater(fast, 0)


class RawClientQuick:
    """A connection that PINGs once with a short deadline (True when PONG came in time)."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=2)

    def ping(self, timeout):
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(b"PING\r\n")
            return self.sock.recv(64) == b"+PONG\r\n"
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


if __name__ == "__main__":
    harness.main(timeout=600)
