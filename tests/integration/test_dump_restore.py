"""DUMP/RESTORE between redrock and Redis 7.0 both ways, Redis RDB files in and out, redrock's
dump format round trips, and corrupt input: every path must give identical contents or a clear
error that leaves the target unchanged."""

import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import RedisReference, RedrockServer

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.normpath(os.path.join(HERE, "..", "..", "build"))
DUMP = os.environ.get("REDROCK_DUMP") or os.path.join(BUILD, "redrock-dump")
RESTORE = os.environ.get("REDROCK_RESTORE") or os.path.join(BUILD, "redrock-restore")
TOOL_TIMEOUT = 120

BINARY = b"bin\x00\xff\r\n\x01key"


def populate(r, rng, big=True):
    """Every type, small (compact encodings) and big, with binary keys/values and TTLs."""
    p = r.pipeline(transaction=False)
    p.set("s:int", "12345")
    p.set("s:neg", "-9223372036854775808")
    p.set("s:text", "hello world " * 30)  # compressible: Redis writes it LZF-compressed
    p.set(BINARY, b"\x00\x01\x02\xff" * 50)
    p.set("s:ttl", "v", px=500000)
    p.set("s:empty", "")
    p.rpush("l:small", "a", "1", b"\x00", "-77", "x" * 100)
    p.hset("h:small", mapping={"f1": "v1", "n": "42", b"\xfe": b"\x00bin"})
    p.sadd("set:int", 1, -5, 100000, 2 ** 40)
    p.sadd("set:str", "a", "b", b"\x00\xff")
    p.zadd("z:small", {"a": 1.5, "b": -2, "c": float("inf"), "d": 0, "e": 1e-300})
    p.hset("h:ttl", "f", "v")
    p.pexpire("h:ttl", 400000)
    if big:
        p.rpush("l:big", *[("e%d" % i) * (i % 7 + 1) for i in range(6000)])
        p.rpush("l:bigvals", *[os.urandom(rng.randint(1, 12000)) for _ in range(40)])
        p.hset("h:big", mapping={("f%d" % i): ("v%d" % (i * 7)) for i in range(3000)})
        p.hset("h:longval", mapping={"k": "x" * 200, "j": "1"})
        p.sadd("set:bigint", *range(0, 2000))
        p.sadd("set:big", *[("m%d" % i) for i in range(3000)])
        p.zadd("z:big", {("m%d" % i): rng.random() * 1000 - 500 for i in range(2500)})
        p.zadd("z:ttl", {"x": 1})
        p.pexpire("z:ttl", 300000)
    p.execute()


def snapshot(r):
    """{key: (type, value, has_ttl)} of the selected db."""
    out = {}
    for key in r.scan_iter(count=1000):
        t = r.type(key).decode()
        if t == "string":
            v = r.get(key)
        elif t == "list":
            v = r.lrange(key, 0, -1)
        elif t == "hash":
            v = r.hgetall(key)
        elif t == "set":
            v = sorted(r.smembers(key))
        elif t == "zset":
            v = r.zrange(key, 0, -1, withscores=True)
        else:
            v = None
        ttl = r.pttl(key)
        out[key] = (t, v, ttl > 0)
    return out


def run(*args, check=True):
    p = subprocess.run([str(a) for a in args], capture_output=True, timeout=TOOL_TIMEOUT)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (args[0], p.returncode, p.stderr.decode()))
    return p


class DumpRestoreCommands(unittest.TestCase):
    """DUMP on one server, RESTORE on the other, both ways; RESTORE's options and errors."""

    @classmethod
    def setUpClass(cls):
        cls.redrock = RedrockServer()
        cls.addClassCleanup(cls.redrock.close)
        cls.redrock.start()
        cls.redis = RedisReference()
        cls.addClassCleanup(cls.redis.close)
        cls.redis.start()

    def setUp(self):
        self.a = self.redrock.client()
        self.b = self.redis.client()
        self.addCleanup(self.a.close)
        self.addCleanup(self.b.close)
        self.a.flushall()
        self.b.flushall()

    def move_all(self, src, dst):
        for key in src.scan_iter(count=1000):
            payload = src.dump(key)
            self.assertIsNotNone(payload, key)
            ttl = src.pttl(key)
            dst.restore(key, max(ttl, 0), payload)

    def test_redis_to_redrock_and_back(self):
        populate(self.b, random.Random(1))
        expected = snapshot(self.b)
        self.move_all(self.b, self.a)
        self.assertEqual(snapshot(self.a), expected)
        self.b.flushall()
        self.move_all(self.a, self.b)
        self.assertEqual(snapshot(self.b), expected)

    def test_encodings_after_restore_match_redis(self):
        populate(self.b, random.Random(2))
        self.move_all(self.b, self.a)
        for key in [b"h:small", b"h:big", b"h:longval", b"set:int", b"set:bigint", b"set:str",
                    b"z:small", b"z:big"]:
            self.assertEqual(self.a.object("encoding", key), self.b.object("encoding", key), key)

    def test_restore_options_and_errors_match_redis(self):
        a, b = self.redrock.raw(), self.redis.raw()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        payload = self.b.dump("nothing")
        self.assertIsNone(payload)
        self.b.set("k", "v")
        good = self.b.dump("k")
        self.b.delete("k")
        bad_crc = good[:-1] + bytes([good[-1] ^ 1])
        bad_version = good[:-10] + b"\x63\x00" + good[-8:]
        commands = [
            ("DUMP", "missing"),
            ("RESTORE", "k", "0", good),
            ("GET", "k"),
            ("RESTORE", "k", "0", good),
            ("RESTORE", "k", "0", good, "REPLACE"),
            ("RESTORE", "k2", "abc", good),
            ("RESTORE", "k2", "-1", good),
            ("RESTORE", "k", "abc", good),
            ("RESTORE", "k2", "0", bad_crc),
            ("RESTORE", "k2", "0", bad_version),
            ("RESTORE", "k2", "0", b"short"),
            ("RESTORE", "k2", "0", good, "IDLETIME", "-1"),
            ("RESTORE", "k2", "0", good, "FREQ", "256"),
            ("RESTORE", "k2", "0", good, "FREQ", "x"),
            ("RESTORE", "k2", "0", good, "IDLETIME", "5", "FREQ", "5"),
            ("RESTORE", "k2", "0", good, "BOGUS"),
            ("RESTORE", "k2", "0", good, "IDLETIME"),
            ("EXISTS", "k2"),
            ("RESTORE", "k3", "0", good, "IDLETIME", "1000"),
            ("RESTORE", "k4", "0", good, "FREQ", "5", "REPLACE"),
            ("RESTORE", "k5", "1", good, "ABSTTL"),  # already expired: OK, nothing created
            ("EXISTS", "k5"),
            ("SET", "k6", "old"),
            ("RESTORE", "k6", "1", good, "ABSTTL", "REPLACE"),  # expired: old value removed
            ("EXISTS", "k6"),
            ("RESTORE", "k7", "100000", good),
            ("TYPE", "k7"),
            ("RESTORE", "k8", "0", b"\x0f\x00" + good[-10:]),  # stream type: refused
        ]
        self.assertEqual(a.call("FLUSHALL"), b"+OK\r\n")
        self.assertEqual(b.call("FLUSHALL"), b"+OK\r\n")
        diffs = harness.compare(a, b, commands)
        # The last payload's footer does not match its body, so both refuse it the same way.
        self.assertEqual(diffs, [])
        self.assertGreaterEqual(self.a.object("idletime", "k3"), 999)
        self.assertTrue(0 < self.a.pttl("k7") <= 100000)

    def test_payloads_from_redis_with_every_compact_encoding(self):
        # Redis 7.0 writes listpacks, intsets and quicklists; older payload formats are covered
        # by the unit tests. Large values force the big encodings and LZF strings.
        populate(self.b, random.Random(3))
        for key in self.b.scan_iter():
            self.a.restore(key, 0, self.b.dump(key), replace=True)
            self.assertEqual(self.a.dump(key) is not None, True)
        for key in self.b.scan_iter():
            self.assertEqual(self.a.type(key), self.b.type(key))
        snap_b = {k: v[:2] for k, v in snapshot(self.b).items()}
        snap_a = {k: v[:2] for k, v in snapshot(self.a).items()}
        self.assertEqual(snap_a, snap_b)

    def test_corrupt_payloads_never_crash(self):
        self.b.hset("h", mapping={("f%d" % i): ("v%d" % i) for i in range(20)})
        self.b.rpush("l", *range(50))
        self.b.zadd("z", {"a": 1, "b": 2})
        rng = random.Random(4)
        crc_ok = 0
        for key in ("h", "l", "z"):
            payload = self.b.dump(key)
            body = payload[:-10]
            for i in harness.bounded(300, 30):
                mutated = bytearray(body)
                pos = rng.randrange(len(mutated))
                mutated[pos] = rng.randrange(256)
                # Recompute the footer so the decoder itself meets the damage.
                fixed = fix_footer(bytes(mutated))
                try:
                    self.a.restore("t", 0, fixed, replace=True)
                    crc_ok += 1
                except Exception as e:  # noqa: BLE001
                    self.assertIn("Bad data format", str(e))
        self.assertEqual(self.a.ping(), True)


def crc64_jones(data, crc=0):
    poly = 0x95AC9329AC4BC9B5
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


def fix_footer(body):
    body = body + b"\x09\x00"
    return body + crc64_jones(body).to_bytes(8, "little")


class DumpFileCase(unittest.TestCase):
    """Servers and snapshots for the tests that go through files."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="redrock-it-dumpfiles-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start_redrock(self, data_dir=None):
        s = RedrockServer()
        self.addCleanup(s.close)
        if data_dir:
            shutil.rmtree(s.dir)
            shutil.copytree(data_dir, s.dir)
        s.start()
        c = s.client()
        self.addCleanup(c.close)
        return s, c

    def start_redis(self, rdb=None):
        s = RedisReference(extra_args=["--dbfilename", "dump.rdb"])
        self.addCleanup(s.close)
        if rdb:
            shutil.copy(rdb, os.path.join(s.dir, "dump.rdb"))
        s.start()
        c = s.client()
        self.addCleanup(c.close)
        return s, c

    def all_dbs(self, c, dbs=(0, 1, 5)):
        out = {}
        for db in dbs:
            c.execute_command("SELECT", db)
            out[db] = snapshot(c)
        c.execute_command("SELECT", 0)
        return out

    def fill_dbs(self, c, rng):
        populate(c, rng)
        c.execute_command("SELECT", 1)
        populate(c, rng, big=False)
        c.execute_command("SELECT", 5)
        c.set("only-in-5", "x")
        c.execute_command("SELECT", 0)


class RdbAndDumpFiles(DumpFileCase):
    """redrock-dump / redrock-restore: RDB files from and to Redis, redrock dumps, corruption."""

    def test_redis_rdb_into_redrock(self):
        redis_s, rc = self.start_redis()
        self.fill_dbs(rc, random.Random(10))
        expected = self.all_dbs(rc)
        rc.save()
        rdb = os.path.join(redis_s.dir, "dump.rdb")
        p = run(RESTORE, "--verify", rdb)
        self.assertIn(b"checksum verified", p.stderr)
        # Default sort buffer (one in-memory sort) and a tiny one (many runs, merge passes).
        for n, extra in enumerate(([], ["--sort-buffer", "64k"])):
            target = os.path.join(self.tmp, "from-redis%d" % n)
            run(RESTORE, "--dir", target, "--quiet", rdb, *extra)
            _, c = self.start_redrock(target)
            self.assertEqual(self.all_dbs(c), expected)
            self.assertEqual(c.dbsize(), len(expected[0]))

    def test_redrock_rdb_into_redis(self):
        s, c = self.start_redrock()
        self.fill_dbs(c, random.Random(11))
        expected = self.all_dbs(c)
        rdb = os.path.join(self.tmp, "out.rdb")
        # The server keeps running: the dump reads a secondary instance of its directory.
        run(DUMP, "--dir", s.dir, "--format", "rdb", "--out", rdb, "--quiet")
        _, rc = self.start_redis(rdb)
        self.assertEqual(self.all_dbs(rc), expected)
        # And our reader accepts our writer's file.
        run(RESTORE, "--verify", rdb)

    def test_redrock_dump_round_trip(self):
        s, c = self.start_redrock()
        self.fill_dbs(c, random.Random(12))
        expected = self.all_dbs(c)
        for extra in ([], ["--zstd"]):
            out = os.path.join(self.tmp, "d%d.rrdump" % len(extra))
            run(DUMP, "--dir", s.dir, "--out", out, "--quiet", *extra)
            p = run(RESTORE, "--verify", out)
            self.assertIn(b"checksum verified", p.stderr)
            target = os.path.join(self.tmp, "restored%d" % len(extra))
            run(RESTORE, "--dir", target, "--quiet", out)
            _, c2 = self.start_redrock(target)
            self.assertEqual(self.all_dbs(c2), expected)
        # Online: into a running redrock and into Redis, over RESP.
        for start in (self.start_redrock, self.start_redis):
            t, tc = start()
            run(RESTORE, "--host", "127.0.0.1", "--port", t.port, "--quiet", out)
            self.assertEqual(self.all_dbs(tc), expected)
            # Again: every key exists now.
            p = run(RESTORE, "--host", "127.0.0.1", "--port", t.port, out, check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(b"exists in the target", p.stderr)
            p = run(RESTORE, "--host", "127.0.0.1", "--port", t.port, "--skip-existing", out)
            self.assertIn(b"skipped", p.stderr)
            run(RESTORE, "--host", "127.0.0.1", "--port", t.port, "--replace", "--quiet", out)
            self.assertEqual(self.all_dbs(tc), expected)

    def test_filters_and_db_map(self):
        s, c = self.start_redrock()
        self.fill_dbs(c, random.Random(13))
        out = os.path.join(self.tmp, "f.rrdump")
        run(DUMP, "--dir", s.dir, "--out", out, "--db", "1", "--match", "h:*", "--quiet")
        target = os.path.join(self.tmp, "filtered")
        run(RESTORE, "--dir", target, "--db-map", "1:3", "--quiet", out)
        _, c2 = self.start_redrock(target)
        c.execute_command("SELECT", 1)
        expected = {k: v for k, v in snapshot(c).items() if k.startswith(b"h:")}
        self.assertEqual(sorted(expected), [b"h:small", b"h:ttl"])
        c2.execute_command("SELECT", 3)
        self.assertEqual(snapshot(c2), expected)
        c2.execute_command("SELECT", 1)
        self.assertEqual(c2.dbsize(), 0)

    def test_corrupt_and_truncated_files_are_refused(self):
        s, c = self.start_redrock()
        populate(c, random.Random(14), big=False)
        c.rpush("l:chunked", *range(3000))  # several chunk records
        files = {}
        for fmt, extra in (("redrock", []), ("zstd", ["--zstd"]), ("rdb", ["--format", "rdb"])):
            path = os.path.join(self.tmp, "c." + fmt)
            run(DUMP, "--dir", s.dir, "--out", path, "--quiet", *extra)
            files[fmt] = open(path, "rb").read()
        # A live target must stay untouched: the file is checked before the first write.
        t, tc = self.start_redrock()
        rng = random.Random(15)
        for fmt, data in files.items():
            cases = []
            for cut in sorted(set([0, 1, 5, 9, 10, 20, len(data) // 3, len(data) // 2,
                                   len(data) - 9, len(data) - 1] +
                                  [rng.randrange(len(data)) for _ in range(25)])):
                cases.append(("truncated at %d" % cut, data[:cut]))
            for _ in range(25):
                pos = rng.randrange(len(data))
                flipped = bytearray(data)
                flipped[pos] ^= 1 << rng.randrange(8)
                cases.append(("bit flipped at %d" % pos, bytes(flipped)))
            if fmt == "rdb":
                cases.append(("wrong version", data[:5] + b"0099" + data[9:]))
            else:
                cases.append(("not a dump", b"PK\x03\x04" + data[4:]))
            for name, blob in cases:
                path = os.path.join(self.tmp, "bad")
                with open(path, "wb") as f:
                    f.write(blob)
                target = os.path.join(self.tmp, "never")
                p = run(RESTORE, "--dir", target, path, check=False)
                self.assertEqual(p.returncode, 1, "%s %s: %s" % (fmt, name, p.stderr))
                self.assertIn(b"nothing was restored", p.stderr, name)
                self.assertFalse(os.path.exists(target), "%s %s left a directory" % (fmt, name))
                self.assertEqual([n for n in os.listdir(self.tmp) if "restore-tmp" in n], [])
                p = run(RESTORE, "--verify", path, check=False)
                self.assertEqual(p.returncode, 1, "%s %s" % (fmt, name))
                err = p.stderr.decode(errors="replace")
                self.assertTrue("offset" in err or "checksum" in err or "magic" in err or
                                "truncated" in err or "version" in err or "trailer" in err,
                                "%s %s: unclear message %r" % (fmt, name, err))
            # One online attempt per format with a corrupt middle.
            flipped = bytearray(data)
            flipped[len(data) // 2] ^= 0x40
            with open(path, "wb") as f:
                f.write(bytes(flipped))
            p = run(RESTORE, "--host", "127.0.0.1", "--port", t.port, path, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertEqual(tc.dbsize(), 0, fmt)


class OfflineRestore(DumpFileCase):
    """restore --dir builds sorted SST files and ingests them: contents, counters, TTLs and
    versions must be what the server's own write path gives, whatever the sort buffer; bad
    input, duplicates, an occupied target or an interruption leave nothing behind."""

    def leftovers(self):
        return [n for n in os.listdir(self.tmp) if "restore-tmp" in n]

    def keyspace(self, c):
        return {k: (v["keys"], v["expires"]) for k, v in c.info("keyspace").items()}

    def test_round_trip_through_many_sorted_runs(self):
        s, c = self.start_redrock()
        self.fill_dbs(c, random.Random(20))
        # Past the writer's 4,096-member flush for every type, a binary key with a TTL.
        c.sadd("set:huge", *[b"m\x00%d" % i for i in range(9000)])
        c.zadd("z:huge", {("m%d" % i): i / 7 for i in range(9000)})
        c.hset("h:huge", mapping={("f%d" % i): "v" for i in range(9000)})
        c.set(b"\xff\x00ttl", b"\x00", px=600000)
        expected = self.all_dbs(c)
        keyspace = self.keyspace(c)
        for fmt in ("redrock", "rdb"):
            out = os.path.join(self.tmp, "all." + fmt)
            run(DUMP, "--dir", s.dir, "--out", out, "--quiet", "--format", fmt)
            target = os.path.join(self.tmp, "restored-" + fmt)
            p = run(RESTORE, "--dir", target, "--sort-buffer", "64k", out)
            runs = int(re.search(rb"(\d+) sorted runs", p.stderr).group(1))
            self.assertGreater(runs, 16, p.stderr)  # several merge passes at this size
            self.assertEqual(self.leftovers(), [])
            _, c2 = self.start_redrock(target)
            self.assertEqual(self.all_dbs(c2), expected, fmt)
            self.assertEqual(self.keyspace(c2), keyspace, fmt)
            self.assertTrue(590000 < c2.pttl(b"\xff\x00ttl") <= 600000)
            self.assertEqual(c2.object("encoding", "h:big"), b"hashtable")
            self.assertEqual(c2.object("encoding", "h:small"), b"listpack")
            # Collections created after the restore get versions of their own: nothing of
            # the restored members shows through a re-created key.
            for key in (b"set:huge", b"z:huge", b"h:huge", b"l:big"):
                c2.delete(key)
            c2.sadd("set:huge", "new")
            c2.zadd("z:huge", {"new": 1})
            c2.hset("h:huge", "new", "1")
            c2.rpush("l:big", "new")
            self.assertEqual(c2.smembers("set:huge"), {b"new"})
            self.assertEqual(c2.zrange("z:huge", 0, -1), [b"new"])
            self.assertEqual(c2.hgetall("h:huge"), {b"new": b"1"})
            self.assertEqual(c2.lrange("l:big", 0, -1), [b"new"])
            c2.hset("h:big", "added", "1")
            self.assertEqual(c2.hlen("h:big"), 3001)

    def test_duplicate_keys_follow_replace_and_skip_existing(self):
        s, c = self.start_redrock()
        c.hset("dup:a", mapping={("f%d" % i): "v" for i in range(5000)})
        c.pexpire("dup:a", 400000)
        c.set("dup:b", "first", px=400000)
        c.sadd("dup:c", "x", "y")
        c.set("only0", "0")
        c.execute_command("SELECT", 1)
        c.set("dup:a", "second")
        c.zadd("dup:b", {"m": 1})
        c.sadd("dup:c", "z")
        c.pexpire("dup:c", 500000)
        c.set("only1", "1")
        c.execute_command("SELECT", 0)
        out = os.path.join(self.tmp, "dup.rrdump")
        run(DUMP, "--dir", s.dir, "--out", out, "--quiet")
        target = os.path.join(self.tmp, "merged")
        for extra in ([], ["--sort-buffer", "64k"]):
            p = run(RESTORE, "--dir", target, "--db-map", "1:0", out, *extra, check=False)
            self.assertEqual(p.returncode, 1)
            self.assertIn(b"key 'dup:", p.stderr)
            self.assertIn(b"appears twice; use --replace or --skip-existing", p.stderr)
            self.assertIn(b"nothing was restored", p.stderr)
            self.assertFalse(os.path.exists(target))
            self.assertEqual(self.leftovers(), [])
        for n, (flag, extra) in enumerate((("--replace", []), ("--skip-existing", []),
                                           ("--replace", ["--sort-buffer", "64k"]))):
            target = os.path.join(self.tmp, "merged%d" % n)
            p = run(RESTORE, "--dir", target, "--db-map", "1:0", flag, out, *extra)
            self.assertIn(b"3 skipped" if flag == "--skip-existing" else b"0 skipped", p.stderr)
            _, c2 = self.start_redrock(target)
            if flag == "--replace":
                self.assertEqual(c2.get("dup:a"), b"second")
                self.assertEqual(c2.ttl("dup:a"), -1)
                self.assertEqual(c2.zrange("dup:b", 0, -1), [b"m"])
                self.assertEqual(c2.smembers("dup:c"), {b"z"})
                self.assertGreater(c2.pttl("dup:c"), 0)
                expires = 1
            else:
                self.assertEqual(c2.hlen("dup:a"), 5000)
                self.assertGreater(c2.pttl("dup:a"), 0)
                self.assertEqual(c2.get("dup:b"), b"first")
                self.assertEqual(c2.smembers("dup:c"), {b"x", b"y"})
                self.assertEqual(c2.pttl("dup:c"), -1)
                expires = 2
            self.assertEqual(c2.dbsize(), 5)
            self.assertEqual(self.keyspace(c2), {"db0": (5, expires)})
        # The replaced copy's expiry entry goes with it: once its time passes, the expiry
        # cycle must not find it and count the surviving key as gone.
        c.set("short", "first", px=1500)
        c.set("short:ttl", "x", px=400000)  # the expiry cycle only visits dbs with TTLs
        c.execute_command("SELECT", 1)
        c.set("short", "second")
        out = os.path.join(self.tmp, "short.rrdump")
        run(DUMP, "--dir", s.dir, "--out", out, "--quiet", "--match", "short*")
        target = os.path.join(self.tmp, "short")
        run(RESTORE, "--dir", target, "--db-map", "1:0", "--replace", "--quiet", out)
        _, c2 = self.start_redrock(target)
        time.sleep(2)
        self.assertEqual(c2.get("short"), b"second")
        self.assertEqual(c2.dbsize(), 2)
        self.assertEqual(self.keyspace(c2), {"db0": (2, 1)})

    def test_occupied_target_is_refused(self):
        target = os.path.join(self.tmp, "occupied")
        os.makedirs(target)
        with open(os.path.join(target, "keep"), "w") as f:
            f.write("x")
        src = os.path.join(self.tmp, "x.rrdump")
        s, c = self.start_redrock()
        c.set("k", "v")
        run(DUMP, "--dir", s.dir, "--out", src, "--quiet")
        p = run(RESTORE, "--dir", target, src, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"exists and is not empty", p.stderr)
        self.assertEqual(os.listdir(target), ["keep"])
        self.assertEqual(self.leftovers(), [])
        # An empty directory is fine.
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        run(RESTORE, "--dir", empty, "--quiet", src)
        _, c2 = self.start_redrock(empty)
        self.assertEqual(c2.get("k"), b"v")

    def test_full_disk_leaves_nothing(self):
        s, c = self.start_redrock()
        populate(c, random.Random(21))
        src = os.path.join(self.tmp, "f.rrdump")
        run(DUMP, "--dir", s.dir, "--out", src, "--quiet")
        small = os.path.join(self.tmp, "small-fs")
        os.makedirs(small)
        # Runs, output files or the database fill it up, depending on the size.
        for size, extra in (("200k", []), ("300k", ["--sort-buffer", "64k"]), ("400k", [])):
            if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", small],
                              capture_output=True).returncode != 0:
                self.skipTest("cannot mount a tmpfs here")
            try:
                p = run(RESTORE, "--dir", os.path.join(small, "target"), src, *extra, check=False)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn(b"nothing was restored", p.stderr)
                self.assertEqual(os.listdir(small), [])
            finally:
                subprocess.run(["umount", small], check=True)

    def test_interrupted_restore_leaves_nothing(self):
        s, c = self.start_redrock()
        for i in range(20):
            c.hset("h%d" % i, mapping={("f%d" % j): "v" * 50 for j in range(2000)})
        src = os.path.join(self.tmp, "i.rrdump")
        run(DUMP, "--dir", s.dir, "--out", src, "--quiet")
        data = open(src, "rb").read()
        target = os.path.join(self.tmp, "interrupted")
        for sig in (signal.SIGINT, signal.SIGTERM):
            p = subprocess.Popen([RESTORE, "--dir", target, "--sort-buffer", "256k", "-"],
                                 stdin=subprocess.PIPE, stderr=subprocess.PIPE)
            p.stdin.write(data[:len(data) // 2])
            p.stdin.flush()
            deadline = time.monotonic() + 10
            while not self.leftovers() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            p.send_signal(sig)
            try:
                p.stdin.write(data[len(data) // 2:])
                p.stdin.close()
            except BrokenPipeError:
                pass
            _, err = p.communicate(timeout=TOOL_TIMEOUT)
            self.assertEqual(p.returncode, 1, err)
            self.assertIn(b"interrupted (nothing was restored)", err)
            self.assertFalse(os.path.exists(target))
            self.assertEqual(self.leftovers(), [])


if __name__ == "__main__":
    harness.main(timeout=900)
