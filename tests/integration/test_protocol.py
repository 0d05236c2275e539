"""RESP on the wire: pipelining, split requests, inline commands, protocol errors, RESP3.

Every reply is compared byte for byte with Debian's redis-server 7.0.
"""

import time

import harness
from harness import CompareTestCase, decode


def pipeline_both(a, b, cmds):
    """Sends `cmds` in one write to each of the two clients; returns both lists of replies."""
    payload = b"".join(harness.encode_command(*c) for c in cmds)
    out = []
    for c in (a, b):
        c.send(payload)
        out.append(c.read_replies(len(cmds)))
    return out


class PipeliningTest(CompareTestCase):
    def test_thousand_commands_in_one_send(self):
        cmds = []
        for i in range(250):
            cmds += [("SET", "k%d" % i, "v%d" % i), ("GET", "k%d" % i), ("INCR", "n"),
                     ("GET", "missing%d" % i)]
        payload = b"".join(harness.encode_command(*c) for c in cmds)
        self.assertEqual(len(cmds), 1000)
        replies = {}
        for name, c in (("redrock", self.a), ("redis", self.b)):
            c.send(payload)
            replies[name] = c.read_replies(len(cmds))
        self.assertEqual(replies["redrock"], replies["redis"])
        self.assertEqual(replies["redrock"][1], b"$2\r\nv0\r\n")
        self.assertEqual(replies["redrock"][-2], b":250\r\n")
        self.assertEqual(self.a.call("DBSIZE"), b":251\r\n")

    def test_pipelined_inline_and_multibulk_mixed(self):
        payload = (b"SET a 1\r\n" + harness.encode_command("INCR", "a") + b"GET a\r\n"
                   + harness.encode_command("ECHO", "x" * 100000) + b"PING\r\n")
        out = []
        for c in (self.a, self.b):
            c.send(payload)
            out.append(c.read_replies(5))
        self.assertEqual(out[0], out[1])
        self.assertEqual(out[0][2], b"$1\r\n2\r\n")

    def test_large_value_round_trip(self):
        value = bytes(range(256)) * 4096  # 1 MiB, every byte value
        self.assertSame([["SET", "big", value], ["STRLEN", "big"], ["GET", "big"],
                         ["GETRANGE", "big", "1000", "1010"]])


class PipelinedWritesTest(CompareTestCase):
    """Long pipelines of writes, errors and reads of the same keys: replies and final
    contents must be Redis's, command by command."""

    def send_both(self, cmds):
        return pipeline_both(self.a, self.b, cmds)

    def test_mixed_writes_errors_and_reads(self):
        cmds = [("SET", "s", "1"), ("INCR", "s"), ("LPUSH", "s", "x"), ("HSET", "h", "f", "1"),
                ("HINCRBY", "h", "f", "2"), ("INCR", "h"), ("SET", "s", "abc"), ("INCR", "s"),
                ("APPEND", "s", "def"), ("SADD", "set", "a", "b", "a"), ("SREM", "set", "zz"),
                ("ZADD", "z", "1", "a"), ("ZADD", "z", "nan", "b"), ("ZINCRBY", "z", "2", "a"),
                ("SET", "t", "v", "EX", "0"), ("SET", "t", "v", "EX", "100"), ("EXPIRE", "t", "x"),
                ("DEL", "set"), ("RENAME", "h", "h2"), ("RENAME", "nokey", "x"),
                ("HSET", "h2", "g"), ("LPUSH", "l", "1", "2", "3"), ("RPOPLPUSH", "l", "l2"),
                ("LPOP", "l", "5"), ("GET", "s"), ("HGETALL", "h2"), ("SET", "n", "1"),
                ("INCRBYFLOAT", "n", "1.5"), ("MSET", "m1", "1", "m2", "2"), ("MSETNX", "m1", "x"),
                ("GETSET", "m2", "3"), ("GETDEL", "m1"), ("SETNX", "m1", "again"),
                ("COPY", "m1", "m3"), ("COPY", "m1", "m3"), ("MOVE", "m3", "1"),
                ("PERSIST", "t"), ("TTL", "t"), ("DBSIZE",)]
        ra, rb = self.send_both(cmds)
        diffs = ["#%d %r: redrock %r, redis %r" % (i, c, x, y)
                 for i, (c, x, y) in enumerate(zip(cmds, ra, rb)) if x != y]
        self.assertEqual(diffs, [])
        self.assertSame(["GET s", "HGETALL h2", "LRANGE l2 0 -1", "ZRANGE z 0 -1 WITHSCORES",
                         "DBSIZE", "SELECT 1", "GET m3", "DBSIZE"])

    def test_run_of_increments_then_read(self):
        cmds = [("INCR", "c")] * 200 + [("GET", "c")] + [("HINCRBY", "h", "f", "1")] * 100 + [
            ("HGET", "h", "f")]
        ra, rb = self.send_both(cmds)
        self.assertEqual(ra, rb)
        self.assertEqual(ra[200], b"$3\r\n200\r\n")
        self.assertEqual(ra[-1], b"$3\r\n100\r\n")


class PipelinedRunTest(CompareTestCase):
    """Consecutive plain SETs (SET k v [EX|PX n]) or INCR-family commands of one pipeline
    commit as one write on redrock. Replies, errors, TTLs, overwritten types and duplicates
    must still be Redis's, command by command, and whatever needs a command on its own must
    still get it."""

    def send_both(self, cmds):
        out = pipeline_both(self.a, self.b, cmds)
        diffs = ["#%d %r: redrock %r, redis %r" % (i, c, x, y)
                 for i, (c, x, y) in enumerate(zip(cmds, out[0], out[1])) if x != y]
        self.assertEqual(diffs, [])
        return out[0]

    def test_runs_with_options_errors_duplicates_and_other_types(self):
        cmds = [("RPUSH", "list", "a", "b"), ("HSET", "hash", "f", "v"), ("SADD", "set", "m"),
                ("SET", "k1", "v1"), ("SET", "k2", "v2", "EX", "100"),
                ("SET", "k3", "v3", "px", "100000"), ("SET", "k1", "v1b"),
                ("SET", "list", "now a string"), ("SET", "hash", "x", "EX", "50"),
                ("set", "k4", ""), ("SET", "k2", "v2b"),
                # SET's own errors in the middle of runs, each answered in its place
                ("SET", "e1", "v", "EX", "0"), ("SET", "e2", "v", "EX", "abc"),
                ("SET", "e3", "v", "PX", "-5"), ("SET", "e4", "v", "EX", "9223372036854775807"),
                ("SET", "e5", "v", "EX"), ("SET", "k5", "v5"), ("SET", "k6", "v6", "NX"),
                ("SET", "k6", "v6b", "NX"), ("SET", "k1", "v1c", "XX"), ("SET", "k7", "v", "GET"),
                ("SET", "k8", "v8", "KEEPTTL"), ("SET", "k2", "v2c", "KEEPTTL"),
                ("SET", "k9", "v9", "EX", "+5"), ("SET", "k10", "v10", "EX", " 5"),
                ("SET", "k11", "v11"), ("GET", "k1"), ("SET", "k12", "v12"),
                ("SET", "k12", "v12b", "EX", "30"), ("SET", "k12", "v12c")]
        cmds += [("SET", "n%d" % i, "v%d" % i) for i in range(150)]
        cmds += [("SET", "n%d" % (i % 7), "w%d" % i, "PX", str(60000 + i)) for i in range(20)]
        self.send_both(cmds)
        checks = ["MGET k1 k2 k3 k4 k5 k6 k7 k8 k9 k10 k11 k12 e1 e2 list hash",
                  "TYPE list", "TYPE hash", "TYPE set", "LRANGE list 0 -1", "HGETALL hash",
                  "TTL k1", "TTL k11", "TTL k12", "DBSIZE", "MGET n0 n6 n7 n149"]
        self.assertSame(checks)
        # TTLs set by the run: compare them within a tolerance, not byte for byte.
        for key, low, high in (("k3", 95, 100), ("hash", 45, 50), ("n6", 55, 60)):
            for c in (self.a, self.b):
                ttl = int(decode(c.call("TTL", key)))
                self.assertTrue(low <= ttl <= high, (key, ttl))
        for key in ("n3", "n5", "n6"):
            pttls = [int(decode(c.call("PTTL", key))) for c in (self.a, self.b)]
            self.assertLess(abs(pttls[0] - pttls[1]), 2000, (key, pttls))
        # The list and hash that SETs replaced left nothing behind.
        self.assertSame(["RPUSH list x", "LRANGE list 0 -1", "HSET hash g 1", "HGETALL hash"],
                        a=self.a, b=self.b)

    def test_incr_runs_with_errors_overflow_duplicates_and_ttl(self):
        big = "9223372036854775806"
        cmds = [("SET", "str", "abc"), ("RPUSH", "list", "x"), ("SET", "ttl", "10", "EX", "100"),
                ("SET", "big", big), ("SET", "sp", " 1"),
                ("INCR", "c"), ("incr", "c"), ("DECR", "c"), ("INCRBY", "c", "10"),
                ("DECRBY", "c", "3"), ("INCR", "str"), ("INCR", "list"), ("INCR", "ttl"),
                ("INCR", "big"), ("INCR", "big"), ("INCR", "big"), ("DECRBY", "big", "5"),
                ("INCRBY", "c", "abc"), ("INCR", "c"), ("DECRBY", "c", "-9223372036854775808"),
                ("INCR", "c", "extra"), ("DECR", "d"), ("DECR", "d"), ("INCR", "sp"),
                ("INCRBY", "e", "-9223372036854775808"), ("DECR", "e"), ("INCR", "e"),
                ("DECRBY", "f", "9223372036854775807"), ("DECRBY", "f", "1"), ("DECR", "f"),
                ("INCRBY", "c", "+5"), ("INCRBY", "c", "007"), ("INCR", "c"), ("GET", "c")]
        cmds += [("INCR", "n%d" % (i % 9)) for i in range(200)]
        cmds += [("INCRBY", "m", str(i)) for i in range(70)] + [("GET", "m")]
        self.send_both(cmds)
        self.assertSame(["MGET c d e f big str ttl sp n0 n8 m", "TTL ttl", "DBSIZE",
                         "OBJECT ENCODING c", "APPEND c x", "LRANGE list 0 -1"])

    def test_one_key_runs_of_hset_sadd_zadd_pushes_and_pops(self):
        # Runs of HSET/SADD/ZADD/LPUSH/RPUSH/LPOP/RPOP on one key: each request's count or element
        # as if it ran alone, with fields repeated across and within requests, a key that
        # changes type, a list that runs out mid-run, and requests that end a run (another
        # key, a count argument, bad arity).
        cmds = [("HSET", "h", "a", "1"), ("HSET", "h", "b", "2", "a", "3"),
                ("HSET", "h", "a", "4", "c", "5", "c", "6"), ("HSET", "h", "x"),
                ("HSET", "h", "d", "1"), ("hset", "h", "d", "2"), ("HSET", "h2", "d", "1"),
                ("HSET", "h", "e", "1")]
        cmds += [("HSET", "h", "f%d" % (i % 50), str(i)) for i in range(140)]
        cmds += [("SADD", "s", "a", "b"), ("SADD", "s", "a", "c"), ("SADD", "s", "c", "c", "d"),
                 ("SADD", "s"), ("SADD", "s", "7"), ("SADD", "s", "b"), ("SET", "str", "v"),
                 ("SADD", "str", "x"), ("SADD", "str", "y"), ("HSET", "str", "f", "v"),
                 ("HSET", "str", "g", "v"), ("RPUSH", "str", "z"), ("RPUSH", "str", "z")]
        cmds += [("SADD", "big", str(i % 90), "m%d" % i) for i in range(130)]
        cmds += [("LPUSH", "l", "a", "b"), ("LPUSH", "l", "c"), ("RPUSH", "l", "d", "e"),
                 ("RPUSH", "l", "f"), ("rpush", "l", "g"), ("RPOP", "l"), ("RPOP", "l"),
                 ("RPOP", "l", "1"), ("RPOP", "l"), ("LPOP", "l"), ("LPOP", "l"), ("LPOP", "l"),
                 ("LPOP", "l"), ("LPOP", "l"), ("LPOP", "l"), ("LPOP", "nolist"),
                 ("LPOP", "nolist"), ("RPOP", "str"), ("RPOP", "str"), ("LPOP", "l", "x"),
                 ("LPUSH", "l2", "x"), ("LPUSH", "l2", "y")]
        cmds += [("ZADD", "z", "1", "a"), ("ZADD", "z", "2", "a", "3", "b"),
                 ("ZADD", "z", "1.5", "c", "-inf", "c", "2", "a"), ("zadd", "z", "0", "d"),
                 ("ZADD", "z", "NX", "5", "a"), ("ZADD", "z", "1", "e"),
                 ("ZADD", "z", "x", "f"), ("ZADD", "z", "1", "f"), ("ZADD", "z", "nan", "g"),
                 ("ZADD", "z", "1", "g", "2"), ("ZADD", "z", "7", "h", "+inf", "i"),
                 ("ZADD", "z", "CH", "8", "h"), ("ZADD", "str", "1", "x"),
                 ("ZADD", "str", "1", "y")]
        cmds += [("ZADD", "bigz", str(i % 13), "m%d" % (i % 150)) for i in range(200)]
        cmds += [("RPUSH", "q", "e%d" % i) for i in range(100)]
        cmds += [("LPOP", "q")] * 70 + [("RPOP", "q")] * 40
        self.send_both(cmds)
        checks = ["HMGET h a b c d e f0 f49 f50 x", "HLEN h", "HGETALL h2", "SCARD s", "SISMEMBER s 7", "SCARD big",
                  "SMISMEMBER big 0 89 m0 m129 m130", "EXISTS l", "LRANGE l2 0 -1", "EXISTS q",
                  "TYPE str", "GET str", "DBSIZE", "OBJECT ENCODING s", "OBJECT ENCODING h",
                  "ZRANGE z 0 -1 WITHSCORES", "ZRANGE bigz 0 -1 WITHSCORES", "ZCARD bigz",
                  "OBJECT ENCODING bigz"]
        self.assertSame(checks)

    def test_one_key_push_run_wakes_a_blocked_client(self):
        blocked = self.raw()
        blocked.send_command("BLPOP", "bq", "5")
        time.sleep(0.2)  # let it block
        pusher = self.raw()
        pusher.send(b"".join(harness.encode_command("RPUSH", "bq", "v%d" % i) for i in range(5)))
        # (Redis serves the waiter between two pushes, so its replies run 1, 1, 2, 3, 4;
        # redrock serves it once the pipeline has been read, with or without a run.)
        self.assertEqual(len(pusher.read_replies(5)), 5)
        self.assertEqual(decode(blocked.read_replies(1)[0]), [b"bq", b"v0"])
        self.assertEqual(decode(self.a.call("LRANGE", "bq", "0", "-1")),
                         [b"v1", b"v2", b"v3", b"v4"])
        blocked.close()
        pusher.close()

    def test_random_pipelines_of_batchable_commands(self):
        # Differential: random pipelines dense in runs (few keys, so runs form and keys change
        # type), every reply and the final state compared with redis-server, per seed.
        import random

        def make(rng):
            keys = ["k%d" % i for i in range(4)]
            words = ["a", "b", "c", "d", "1", "2", "-3", "x" * 70]

            def one():
                k = rng.choice(keys)
                pick = rng.randrange(12)
                w = lambda: rng.choice(words)  # noqa: E731
                if pick == 0:
                    return ("SET", k, w())
                if pick == 1:
                    return ("INCRBY", k, str(rng.randrange(-5, 6)))
                if pick == 2:
                    return ("HSET", k) + sum(((w(), w()) for _ in range(rng.randrange(1, 4))), ())
                if pick == 3:
                    return ("SADD", k) + tuple(w() for _ in range(rng.randrange(1, 4)))
                if pick == 4:
                    return ("ZADD", k) + sum(((rng.choice(["1", "2.5", "-inf", "x"]), w())
                                              for _ in range(rng.randrange(1, 3))), ())
                if pick in (5, 6):
                    return (rng.choice(["LPUSH", "RPUSH"]), k) + tuple(
                        w() for _ in range(rng.randrange(1, 3)))
                if pick in (7, 8):
                    return (rng.choice(["LPOP", "RPOP"]), k)
                if pick == 9:
                    return ("DEL", k)
                if pick == 10:
                    return ("HSET", k, w())  # wrong arity ends a run
                return ("TYPE", k)

            cmds = []
            for _ in range(25):
                # Bursts of one command on one key, so that runs form.
                c = one()
                cmds += [c] * rng.randrange(1, 4) + [one() for _ in range(rng.randrange(0, 6))]
            return cmds

        for seed in harness.random_seeds():
            for c in (self.a, self.b):
                self.assertEqual(c.call("FLUSHALL"), b"+OK\r\n")
            cmds = make(random.Random(seed))
            out = pipeline_both(self.a, self.b, cmds)
            diffs = ["#%d %r: redrock %r, redis %r" % (i, c, x, y)
                     for i, (c, x, y) in enumerate(zip(cmds, out[0], out[1])) if x != y]
            self.assertEqual(diffs[:5], [], "seed %d (REDROCK_SEED=%d to replay)" % (seed, seed))
            state = []
            for k in ("k0", "k1", "k2", "k3"):
                state += ["TYPE " + k, "STRLEN " + k, "HLEN " + k, "SCARD " + k, "ZCARD " + k,
                          "LLEN " + k, "LRANGE %s 0 -1" % k, "ZRANGE %s 0 -1 WITHSCORES" % k]
            diffs = harness.compare(self.a, self.b, state)
            self.assertEqual(diffs, [], "seed %d" % seed)

    def test_statistics_and_idle_time_per_command(self):
        self.a.call("CONFIG", "RESETSTAT")
        self.send_both([("SET", "s%d" % i, "v") for i in range(100)])
        self.send_both([("INCR", "i")] * 30 + [("DECRBY", "i", "2")] * 20 + [("INCR", "s0")])
        info = decode(self.a.call("INFO", "commandstats")).decode()
        self.assertIn("cmdstat_set:calls=100,", info)
        self.assertIn("cmdstat_incr:calls=31,", info)
        self.assertIn("cmdstat_decrby:calls=20,", info)
        self.assertIn("failed_calls=1", info.split("cmdstat_incr:")[1].split("\n")[0])
        self.assertEqual(decode(self.a.call("OBJECT", "IDLETIME", "s99")), 0)

    def test_watch_sees_a_run_from_another_client(self):
        w = self.raw()
        self.assertEqual(w.call("WATCH", "s50"), b"+OK\r\n")
        self.send_both([("SET", "s%d" % i, "v") for i in range(100)])
        w.send(harness.encode_command("MULTI") + harness.encode_command("SET", "s50", "mine")
               + harness.encode_command("EXEC"))
        self.assertEqual(w.read_replies(3)[2], b"*-1\r\n")
        self.assertEqual(self.a.call("GET", "s50"), b"$1\r\nv\r\n")
        w.close()

    def test_events_monitor_and_client_reply_still_see_each_set(self):
        sub = self.raw()
        self.a.call("CONFIG", "SET", "notify-keyspace-events", "KEAn")
        self.b.call("CONFIG", "SET", "notify-keyspace-events", "KEAn")
        try:
            sub.send_command("SUBSCRIBE", "__keyevent@0__:set", "__keyevent@0__:new")
            sub.read_replies(2)
            self.send_both([("SET", "a", "1"), ("SET", "b", "2"), ("SET", "a", "3")])
            got = [decode(r)[2] for r in sub.read_replies(5)]
            self.assertEqual(got, [b"a", b"a", b"b", b"b", b"a"])
        finally:
            self.a.call("CONFIG", "SET", "notify-keyspace-events", "")
            self.b.call("CONFIG", "SET", "notify-keyspace-events", "")
            sub.close()
        mon = self.raw()
        mon.call("MONITOR")
        self.send_both([("SET", "m1", "1"), ("SET", "m2", "2")])
        lines = [decode(r) for r in mon.read_replies(2)]
        self.assertTrue(lines[0].endswith('"SET" "m1" "1"'), lines)
        self.assertTrue(lines[1].endswith('"SET" "m2" "2"'), lines)
        mon.close()
        # CLIENT REPLY SKIP answers nothing and silences the next SET only.
        cmds = [("CLIENT", "REPLY", "SKIP"), ("SET", "r1", "1"), ("SET", "r2", "2"), ("GET", "r1")]
        payload = b"".join(harness.encode_command(*c) for c in cmds)
        out = []
        for c in (self.a, self.b):
            c.send(payload)
            out.append(c.read_replies(2))
        self.assertEqual(out[0], out[1])
        self.assertEqual(out[0], [b"+OK\r\n", b"$1\r\n1\r\n"])

    def test_concurrent_runs_on_shared_keys_lose_nothing(self):
        # Two clients pipelining runs over the same keys: every key ends with one of the
        # values written to it, and a counter INCRed in between stays exact.
        import threading
        errors = []
        rounds = []

        def writer(tag):
            c = self.raw()
            try:
                for r in harness.bounded(100, 15):
                    rounds.append(r)
                    cmds = [("SET", "shared%d" % (i % 40), "%s-%d-%d" % (tag, r, i))
                            for i in range(60)] + [("INCR", "ctr")]
                    payload = b"".join(harness.encode_command(*x) for x in cmds)
                    c.send(payload)
                    replies = c.read_replies(len(cmds))
                    if replies[:60] != [b"+OK\r\n"] * 60:
                        errors.append(replies[:3])
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))
            finally:
                c.close()

        threads = [threading.Thread(target=writer, args=(t,)) for t in ("x", "y")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(decode(self.a.call("DBSIZE")), 41)
        self.assertEqual(int(decode(self.a.call("GET", "ctr"))), len(rounds))
        for i in range(40):
            v = decode(self.a.call("GET", "shared%d" % i))
            self.assertRegex(v, rb"^[xy]-\d+-\d+$")


class SplitRequestTest(CompareTestCase):
    def send_slowly(self, client, data, step=1):
        for i in range(0, len(data), step):
            client.send(data[i:i + step])
            time.sleep(0.001)

    def test_multibulk_split_byte_by_byte(self):
        data = (harness.encode_command("SET", "split", "hello world")
                + harness.encode_command("GET", "split")
                + harness.encode_command("APPEND", "split", "\r\n$3\r\n"))
        for c in (self.a, self.b):
            self.send_slowly(c, data)
        self.assertEqual(self.a.read_replies(3), self.b.read_replies(3))
        self.assertSame(["GET split"])

    def test_inline_split_byte_by_byte(self):
        data = b'SET "sp lit" \'v\\\'x\'\r\nGET "sp lit"\n'
        for c in (self.a, self.b):
            self.send_slowly(c, data)
        ra, rb = self.a.read_replies(2), self.b.read_replies(2)
        self.assertEqual(ra, rb)
        self.assertEqual(ra[1], b"$3\r\nv'x\r\n")

    def test_bulk_split_at_every_boundary(self):
        # The same request cut in two at every possible offset.
        data = harness.encode_command("SET", "cut", "0123456789")
        for i in range(1, len(data)):
            for c in (self.a, self.b):
                c.send(data[:i])
                time.sleep(0.001)
                c.send(data[i:])
            self.assertEqual(self.a.read_reply(), b"+OK\r\n")
            self.assertEqual(self.b.read_reply(), b"+OK\r\n")


class InlineTest(CompareTestCase):
    def test_inline_quotes_and_escapes(self):
        lines = [
            b"PING",
            b"ping hello",
            b'SET "a b" "c d"',
            b'GET "a b"',
            b"SET 'single' 'it\\'s'",
            b"GET single",
            b'SET hex "\\x41\\x42\\x7a\\n\\t\\r\\b\\a\\\\\\"end"',
            b"GET hex",
            b'ECHO "\\xZZ"',
            b"   SET    spaced     value   ",
            b"GET spaced",
            b'ECHO ""',
            b"ECHO ''",
            b"EXISTS a\\ b",
            b"GETNOSUCHCOMMAND x",
            b"get",
        ]
        for line in lines:
            ra, rb = self.a.inline(line), self.b.inline(line)
            self.assertEqual(ra, rb, "inline %r" % line)
        self.assertEqual(self.a.call("GET", "hex"), b'$13\r\nABz\n\t\r\x08\x07\\"end\r\n')

    def test_empty_lines_are_ignored(self):
        for c in (self.a, self.b):
            c.send(b"\r\n\n  \r\nPING\r\n")
        self.assertEqual(self.a.read_reply(), b"+PONG\r\n")
        self.assertEqual(self.b.read_reply(), b"+PONG\r\n")

    def test_newline_only_terminator(self):
        for c in (self.a, self.b):
            c.send(b"SET nl yes\nGET nl\n")
        self.assertEqual(self.a.read_replies(2), self.b.read_replies(2))


class ProtocolErrorTest(CompareTestCase):
    """A malformed request gets Redis's exact error, then the connection is closed; requests
    before the bad bytes are answered; other clients do not notice."""

    def check(self, bad, prefix=b"", expect=None):
        bystander = self.raw()
        self.assertEqual(bystander.call("SET", "bystander", "still here"), b"+OK\r\n")
        received = []
        for c in (self.a, self.b):
            c.send(prefix + bad)
            received.append(c.read_until_closed(timeout=5))
        self.assertEqual(received[0], received[1],
                         "redrock vs redis after %r" % (prefix + bad)[:80])
        if expect is not None:
            self.assertTrue(received[0].endswith(b"-ERR Protocol error: " + expect + b"\r\n"),
                            received[0])
        self.assertEqual(bystander.call("GET", "bystander"), b"$10\r\nstill here\r\n")
        self.assertEqual(bystander.call("PING"), b"+PONG\r\n")
        # A fresh connection works too.
        fresh = self.raw()
        self.assertEqual(fresh.call("PING"), b"+PONG\r\n")

    def test_invalid_multibulk_length(self):
        self.check(b"*abc\r\n", expect=b"invalid multibulk length")

    def test_multibulk_length_over_limit(self):
        # Redis 7.0 refuses counts above INT_MAX at once (smaller ones wait for the elements).
        self.check(b"*2147483648\r\n", expect=b"invalid multibulk length")

    def test_invalid_bulk_length(self):
        self.check(b"*2\r\n$3\r\nGET\r\n$x1\r\n", expect=b"invalid bulk length")

    def test_negative_bulk_length(self):
        self.check(b"*1\r\n$-1\r\n", expect=b"invalid bulk length")

    def test_bulk_length_over_limit(self):
        self.check(b"*2\r\n$3\r\nSET\r\n$536870913\r\n", expect=b"invalid bulk length")

    def test_expected_dollar(self):
        self.check(b"*2\r\n$3\r\nGET\r\n:1\r\n", expect=b"expected '$', got ':'")

    def test_unbalanced_double_quotes(self):
        self.check(b'SET "a b\r\n', expect=b"unbalanced quotes in request")

    def test_unbalanced_single_quotes(self):
        self.check(b"ECHO 'abc\r\n", expect=b"unbalanced quotes in request")

    def test_closing_quote_followed_by_text(self):
        self.check(b'ECHO "a"b\r\n', expect=b"unbalanced quotes in request")

    def test_too_big_inline_request(self):
        # 64 KiB + 1 bytes without a newline; sent exactly, so the server has read everything
        # when it closes (no RST can eat the error reply).
        self.check(b"a" * (64 * 1024 + 1), expect=b"too big inline request")

    def test_too_big_multibulk_count_line(self):
        self.check(b"*" + b"1" * (64 * 1024 + 1), expect=b"too big mbulk count string")

    def test_requests_before_the_error_are_answered(self):
        self.check(b"*1\r\n$4\r\nPING\r\n*x\r\n",
                   prefix=harness.encode_command("SET", "before", "1") + b"INCR before\r\n",
                   expect=b"invalid multibulk length")
        self.assertEqual(self.raw().call("GET", "before"), b"$1\r\n2\r\n")

    def test_empty_and_negative_multibulk_are_skipped(self):
        for c in (self.a, self.b):
            c.send(b"*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n")
        self.assertEqual(self.a.read_reply(), b"+PONG\r\n")
        self.assertEqual(self.b.read_reply(), b"+PONG\r\n")


class Resp3Test(CompareTestCase):
    def test_hello3_map_and_null(self):
        raw = self.a.call("HELLO", "3")
        self.assertTrue(raw.startswith(b"%7\r\n"), raw)
        hello = decode(raw)
        self.assertEqual(set(hello), {b"server", b"version", b"proto", b"id", b"mode", b"role",
                                      b"modules"})
        self.assertEqual(hello[b"proto"], 3)
        self.assertEqual(hello[b"version"], b"7.0.15")
        self.assertEqual(hello[b"mode"], b"standalone")
        self.assertEqual(hello[b"role"], b"master")
        self.assertIsInstance(hello[b"id"], int)
        self.b.call("HELLO", "3")
        self.assertEqual(self.a.call("GET", "nokey"), b"_\r\n")
        self.assertSame([
            "GET nokey",
            "SET k v",
            "MGET k nokey",
            "GETDEL nokey",
            "GETEX nokey",
            "CONFIG GET appendfsync",
            "INCRBYFLOAT f 1.5",
            "LCS k nokey IDX",
            "EXISTS k",
            "TTL k",
            "OBJECT ENCODING nokey",
            "CLIENT GETNAME",
            "SET k v GET",
            "SET nokey2 v GET",
            "HELLO 3",
            "HELLO 2",
            "GET nokey",
            "MGET k nokey",
        ])

    def test_hello_errors(self):
        self.assertSame([
            "HELLO 4",
            "HELLO 1",
            "HELLO abc",
            "HELLO 3 AUTH",
            "HELLO 3 SETNAME",
            "HELLO 3 FOO",
            "HELLO 3 SETNAME myname",
            "CLIENT GETNAME",
        ])

    def test_reset_returns_to_resp2(self):
        for c in (self.a, self.b):
            c.call("HELLO", "3")
        self.assertSame(["RESET", "GET nokey"])
        self.assertEqual(self.a.call("GET", "nokey"), b"$-1\r\n")


if __name__ == "__main__":
    harness.main()
