"""redrock-dump --host: a running server dumped over the network at one point in time
(SNAPSHOT BEGIN / NEXT / END). Round trips through redrock-restore and Redis, consistency
while writers run, and the command's errors and limits."""

import os
import random
import shutil
import tempfile
import threading
import time
import unittest

import harness
from harness import RedrockServer
from test_dump_restore import DUMP, RESTORE, DumpFileCase, populate, run, snapshot

PASSWORD = "s3cret"


def info_field(c, name):
    return int(c.info("persistence")[name])


def fill_remote(c, rng):
    """Every type in three dbs, plus values bigger than one SNAPSHOT piece by count and by size."""
    populate(c, rng)  # 6000-element list, 3000-field hash... : several pieces each
    c.hset("h:fat", mapping={("f%d" % i): os.urandom(6000) for i in range(400)})  # ~2.4 MB
    c.set("s:fat", os.urandom(3 << 20))  # a string comes whole, whatever its size
    c.zadd("z:odd", {"tiny": 5e-324, "neg0": -0.0, "ninf": float("-inf"), "pi": 3.141592653589793})
    c.execute_command("SELECT", 1)
    populate(c, rng, big=False)
    c.execute_command("SELECT", 7)
    c.set(b"\x00only-in-7\xff", b"\xff" * 10, px=600000)
    c.execute_command("SELECT", 0)


class RemoteDump(DumpFileCase):
    """Dumps of a password-protected server, restored elsewhere: identical contents."""

    def start_source(self):
        s = RedrockServer(requirepass=PASSWORD)
        self.addCleanup(s.close)
        s.start()
        c = s.client()
        self.addCleanup(c.close)
        fill_remote(c, random.Random(21))
        return s, c

    def remote(self, s, out, *extra):
        return run(DUMP, "--host", "127.0.0.1", "--port", s.port, "--password", PASSWORD,
                   "--out", out, "--quiet", *extra)

    def test_round_trip_through_restore(self):
        s, c = self.start_source()
        expected = self.all_dbs(c, (0, 1, 7))
        for extra in ([], ["--zstd"]):
            out = os.path.join(self.tmp, "net%d.rrdump" % len(extra))
            self.remote(s, out, *extra)
            p = run(RESTORE, "--verify", out)
            self.assertIn(b"checksum verified", p.stderr)
            t, tc = self.start_redrock()
            run(RESTORE, "--host", "127.0.0.1", "--port", t.port, "--quiet", out)
            self.assertEqual(self.all_dbs(tc, (0, 1, 7)), expected)
            # TTLs travel as absolute times.
            self.assertAlmostEqual(tc.pexpiretime("s:ttl"), c.pexpiretime("s:ttl"), delta=1)
        self.assertEqual(info_field(c, "open_snapshots"), 0)

    def test_rdb_into_redis(self):
        s, c = self.start_source()
        expected = self.all_dbs(c, (0, 1, 7))
        rdb = os.path.join(self.tmp, "net.rdb")
        self.remote(s, rdb, "--format", "rdb")
        _, rc = self.start_redis(rdb)
        self.assertEqual(self.all_dbs(rc, (0, 1, 7)), expected)

    def test_db_and_match_filters(self):
        s, c = self.start_source()
        out = os.path.join(self.tmp, "f.rrdump")
        self.remote(s, out, "--db", "1", "--match", "h:*")
        t, tc = self.start_redrock()
        run(RESTORE, "--host", "127.0.0.1", "--port", t.port, "--quiet", out)
        c.execute_command("SELECT", 1)
        expected = {k: v for k, v in snapshot(c).items() if k.startswith(b"h:")}
        self.assertEqual(sorted(expected), [b"h:small", b"h:ttl"])
        tc.execute_command("SELECT", 1)
        self.assertEqual(snapshot(tc), expected)
        self.assertEqual(tc.dbsize(), 2)
        tc.execute_command("SELECT", 0)
        self.assertEqual(tc.dbsize(), 0)

    def test_authentication_required(self):
        s, _ = self.start_source()
        out = os.path.join(self.tmp, "x.rrdump")
        for extra in ([], ["--password", "wrong"]):
            p = run(DUMP, "--host", "127.0.0.1", "--port", s.port, "--out", out, *extra,
                    check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertTrue(b"NOAUTH" in p.stderr or b"AUTH failed" in p.stderr, p.stderr)
            self.assertFalse(os.path.exists(out))
        raw = s.raw(auth=False)
        self.addCleanup(raw.close)
        self.assertTrue(raw.call("SNAPSHOT", "BEGIN").startswith(b"-NOAUTH"))


class Consistency(DumpFileCase):
    """Writers keep changing keys spread over the whole keyspace while the dump runs; every
    dump must show them as they were at one moment."""

    UNITS = 1000000
    FIELDS = 2000  # per hash: each hash comes in several pieces, over several NEXT calls

    def test_invariants_hold_under_writes(self):
        s, c = self.start_redrock()
        # The invariant keys sit at both ends of the key order, filler in between, so a
        # reader that is not at one point in time sees them at different moments.
        c.hset("a:acct", mapping={("f%d" % i): 0 for i in range(self.FIELDS)})
        c.hset("z:acct", mapping={("f%d" % i): 0 for i in range(self.FIELDS)})
        c.hset("a:acct", "f0", self.UNITS)
        c.set("a:token", "t")
        c.set("z:count", 0)
        c.rpush("a:log", "start")
        c.set("z:count", 1)
        p = c.pipeline(transaction=False)
        for i in range(30000):
            p.set("m:%06d" % i, "x" * 20)
        p.execute()

        stop = threading.Event()
        rounds = [0]
        errors = []

        def writer():
            w = s.client()
            rng = random.Random(5)
            tok = ("a:token", "z:token")
            where = 0
            try:
                while not stop.is_set():
                    n = rng.randint(1, 100)
                    src, dst = rng.choice((("a:acct", "z:acct"), ("z:acct", "a:acct")))
                    p = w.pipeline(transaction=True)
                    p.hincrby(src, "f%d" % rng.randrange(self.FIELDS), -n)
                    p.hincrby(dst, "f%d" % rng.randrange(self.FIELDS), n)
                    p.rename(tok[where], tok[1 - where])
                    p.rpush("a:log", "e")
                    p.incr("z:count")
                    p.execute()
                    where = 1 - where
                    rounds[0] += 1
            except Exception as e:  # noqa: BLE001
                errors.append(e)
            finally:
                w.close()

        t = threading.Thread(target=writer)
        t.start()
        try:
            harness.wait_until(lambda: rounds[0] > 50, 10, message="writer started")
            for n in range(3):
                before = rounds[0]
                out = os.path.join(self.tmp, "c%d.rrdump" % n)
                run(DUMP, "--host", "127.0.0.1", "--port", s.port, "--out", out, "--quiet")
                self.assertGreater(rounds[0], before, "the writer was blocked by the dump")
                target, tc = self.start_redrock()
                run(RESTORE, "--host", "127.0.0.1", "--port", target.port, "--quiet", out)
                total = sum(int(v) for v in tc.hvals("a:acct")) + \
                    sum(int(v) for v in tc.hvals("z:acct"))
                self.assertEqual(total, self.UNITS, "dump %d" % n)
                self.assertEqual(tc.exists("a:token") + tc.exists("z:token"), 1)
                self.assertEqual(tc.llen("a:log"), int(tc.get("z:count")))
                self.assertEqual(tc.dbsize(), 30000 + 5)
                target.close()
        finally:
            stop.set()
            t.join(10)
        self.assertEqual(errors, [])


class SnapshotCommand(harness.ServerTestCase):
    """SNAPSHOT BEGIN / NEXT / END directly: the reply format, isolation, errors, limits."""

    def setUp(self):
        self.c = self.client()
        self.c.flushall()
        # The connections of the previous test are released once the server sees them close.
        harness.wait_until(lambda: self.open_count() == 0, 5, message="snapshots released")

    def open_count(self):
        return info_field(self.c, "open_snapshots")

    def read_all(self, raw, count=100):
        entries = []
        while True:
            more, batch = harness.decode(raw.call("SNAPSHOT", "NEXT", count))
            entries.extend(batch)
            if more == 0:
                return entries

    def test_reply_format_pieces_and_isolation(self):
        self.c.rpush("list", *range(3000))
        self.c.set("gone", "old")
        self.c.set("ttl", "v", px=500000)
        self.c.zadd("z", {"a": 1.5, "b": float("-inf")})
        self.c.hset("h", mapping={"f": "v"})
        raw = self.raw()
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "BEGIN")), 5)
        # Changes after BEGIN are not seen.
        self.c.delete("gone")
        self.c.set("new", "x")
        self.c.rpush("list", "late")
        entries = self.read_all(raw)
        keys = [e[1] for e in entries if e[5] == 0]
        self.assertEqual(keys, [b"gone", b"h", b"list", b"ttl", b"z"])
        pieces = [e for e in entries if e[1] == b"list"]
        self.assertEqual([(e[4], e[5], e[6], len(e[7])) for e in pieces],
                         [(3000, 0, 1, 1024), (3000, 1024, 1, 1024), (3000, 2048, 0, 952)])
        self.assertEqual([int(x) for p in pieces for x in p[7]], list(range(3000)))
        by_key = {e[1]: e for e in entries}
        self.assertEqual(by_key[b"gone"], [0, b"gone", b"string", -1, 1, 0, 0, [b"old"]])
        self.assertEqual(by_key[b"ttl"][3], self.c.pexpiretime("ttl"))
        self.assertEqual(by_key[b"z"][7], [b"a", b"1.5", b"b", b"-inf"])
        self.assertEqual(by_key[b"h"][2:], [b"hash", -1, 1, 0, 0, [b"f", b"v"]])
        # Past the end: empty batches.
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "NEXT", 10)), [0, []])
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "END")), 1)
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "END")), 0)

    def test_filters(self):
        for db in (0, 2):
            self.c.execute_command("SELECT", db)
            self.c.mset({"user:1": "a", "user:2": "b", "other": "c", "zz": "d"})
        self.c.execute_command("SELECT", 0)
        raw = self.raw()
        raw.call("SNAPSHOT", "BEGIN", "MATCH", "user:*")
        self.assertEqual([(e[0], e[1]) for e in self.read_all(raw, 1)],
                         [(0, b"user:1"), (0, b"user:2"), (2, b"user:1"), (2, b"user:2")])
        raw.call("SNAPSHOT", "END")
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "BEGIN", "DB", "2", "MATCH", "*z")), 4)
        self.assertEqual([(e[0], e[1]) for e in self.read_all(raw)], [(2, b"zz")])

    def test_errors(self):
        raw = self.raw()
        E = harness.Error
        cases = [
            (("SNAPSHOT", "NEXT", "10"), "ERR no snapshot open on this connection"),
            (("SNAPSHOT",), "ERR wrong number of arguments for 'snapshot' command"),
            (("SNAPSHOT", "FOO"), "ERR unknown subcommand 'FOO'. Try SNAPSHOT HELP."),
            (("SNAPSHOT", "BEGIN", "DB", "99"), "ERR DB index is out of range"),
            (("SNAPSHOT", "BEGIN", "DB", "x"), "ERR value is not an integer or out of range"),
            (("SNAPSHOT", "BEGIN", "DB"), "ERR syntax error"),
            (("SNAPSHOT", "BEGIN", "BOGUS", "1"), "ERR syntax error"),
            (("SNAPSHOT", "NEXT"), "ERR wrong number of arguments for 'snapshot|next' command"),
        ]
        for args, err in cases:
            reply = harness.decode(raw.call(*args))
            self.assertIsInstance(reply, E, args)
            self.assertTrue(reply.startswith(err), (args, reply))
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "BEGIN")), 0)
        for count in ("0", "-1", "abc", "100001", "99999999999999999999"):
            reply = harness.decode(raw.call("SNAPSHOT", "NEXT", count))
            self.assertIsInstance(reply, E, count)
        self.assertTrue(harness.decode(raw.call("SNAPSHOT", "BEGIN")).startswith(
            "ERR this connection already holds a snapshot"))
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "NEXT", "5")), [0, []])
        # Not inside MULTI.
        self.assertEqual(raw.call("MULTI"), b"+OK\r\n")
        self.assertEqual(raw.call("SNAPSHOT", "END"),
                         b"-ERR Command not allowed inside a transaction\r\n")
        self.assertTrue(raw.call("EXEC").startswith(b"-EXECABORT"))
        self.assertEqual(self.open_count(), 1)
        # Random argument soup: any reply, never a crash.
        self.c.mset({"k1": "v", "k2": "v"})
        self.c.rpush("l", *range(2000))
        rng = random.Random(7)
        words = ["BEGIN", "NEXT", "END", "DB", "MATCH", "1", "-1", "0", b"\x00\xff", "*[a-", "15",
                 "65536", "100000", "[^", "\\"]
        for _ in harness.bounded(300, 5):
            raw.call("SNAPSHOT", *[rng.choice(words) for _ in range(rng.randint(0, 5))])
        self.assertEqual(raw.call("PING"), b"+PONG\r\n")
        self.assertEqual(self.c.ping(), True)

    def test_released_on_disconnect_reset_and_reload(self):
        raw = self.server.raw()
        raw.call("SNAPSHOT", "BEGIN")
        self.assertEqual(self.open_count(), 1)
        raw.close()
        harness.wait_until(lambda: self.open_count() == 0, 5, message="release on disconnect")
        raw = self.raw()
        raw.call("SNAPSHOT", "BEGIN")
        self.assertEqual(raw.call("RESET"), b"+RESET\r\n")
        self.assertEqual(self.open_count(), 0)
        self.assertTrue(raw.call("SNAPSHOT", "NEXT", "1").startswith(b"-ERR no snapshot"))
        # DEBUG RELOAD closes the database under the snapshot: released, a clear error after.
        self.c.set("k", "v")
        raw.call("SNAPSHOT", "BEGIN")
        self.assertEqual(self.c.execute_command("DEBUG", "RELOAD"), b"OK")
        self.assertEqual(self.open_count(), 0)
        self.assertTrue(raw.call("SNAPSHOT", "NEXT", "1").startswith(
            b"-ERR the snapshot was released by DEBUG RELOAD"))
        self.assertEqual(harness.decode(raw.call("SNAPSHOT", "BEGIN")), 1)
        self.assertEqual(len(self.read_all(raw)), 1)

    def test_limit_on_open_snapshots(self):
        clients = [self.raw() for _ in range(17)]
        for c in clients[:16]:
            self.assertEqual(harness.decode(c.call("SNAPSHOT", "BEGIN")), 0)
        self.assertEqual(self.open_count(), 16)
        self.assertTrue(clients[16].call("SNAPSHOT", "BEGIN").startswith(
            b"-ERR too many open snapshots (at most 16)"))
        clients[0].call("SNAPSHOT", "END")
        self.assertEqual(harness.decode(clients[16].call("SNAPSHOT", "BEGIN")), 0)
        for c in clients:
            c.close()
        harness.wait_until(lambda: self.open_count() == 0, 5, message="all released")


if __name__ == "__main__":
    harness.main(timeout=300)
