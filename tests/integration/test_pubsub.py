"""Pub/sub, keyspace notifications and MONITOR: replies and messages compared with redis-server
(subscribe confirmations, subscribed-mode errors, RESP3 push, sharded channels, PUBSUB
introspection, keyspace events for the same command sequence, MONITOR lines), fan-out to many
subscribers across io threads, and slow subscribers cut off at the output-buffer limits.
"""

import os
import re
import socket
import threading
import time

import harness
from harness import RawClient, decode, encode_command


def drain(client, quiet=0.3, limit=5.0):
    """Every reply that arrives until nothing came for `quiet` seconds (at most `limit`)."""
    out = []
    deadline = time.monotonic() + limit
    old = client.sock.gettimeout()
    try:
        while time.monotonic() < deadline:
            client.sock.settimeout(quiet)
            try:
                out.append(client.read_reply())
            except TimeoutError:
                break
    finally:
        client.sock.settimeout(old)
    return out


def replies(client, args, n):
    client.send_command(*args)
    return client.read_replies(n)


class PubSubCompareTest(harness.CompareTestCase):
    """The same sequences against redrock and Redis, reply for reply, message for message."""

    def pair(self):
        a, b = self.server.raw(), self.reference.raw()
        self.addCleanup(a.close)
        self.addCleanup(b.close)
        return a, b

    def same(self, steps, a=None, b=None):
        """steps: (command, number of replies) pairs, sent to both servers."""
        a, b = a or self.a, b or self.b
        for cmd, n in steps:
            args = cmd.split() if isinstance(cmd, str) else cmd
            ra, rb = replies(a, args, n), replies(b, args, n)
            self.assertEqual(ra, rb, "replies to %r differ" % (args,))

    def test_subscribed_mode_resp2(self):
        self.same([
            ("SUBSCRIBE a b", 2), ("SUBSCRIBE a", 1), ("PING", 1), ("PING hi", 1),
            ("GET k", 1), ("CONFIG GET port", 1), ("SET", 1), ("NOSUCH x", 1),
            ("PSUBSCRIBE p* q?", 2), ("SSUBSCRIBE s1", 1), ("UNSUBSCRIBE a", 1),
            ("PUNSUBSCRIBE p* nope", 2), ("UNSUBSCRIBE b", 1), ("PUNSUBSCRIBE", 1),
            ("GET k", 1),  # still subscribed to a shard channel
            ("SUNSUBSCRIBE", 1), ("GET k", 1),  # out of subscribed mode
            ("UNSUBSCRIBE", 1), ("PUNSUBSCRIBE", 1), ("SUNSUBSCRIBE x", 1),
            ("SUBSCRIBE r", 1), ("RESET", 1), ("GET k", 1),
            ("SUBSCRIBE", 1), ("PSUBSCRIBE", 1), ("SSUBSCRIBE", 1),
        ])

    def test_messages_resp2_and_resp3(self):
        sub2, sub2r = self.pair()
        sub3, sub3r = self.pair()
        self.same([("SUBSCRIBE news", 1), ("PSUBSCRIBE n*", 1), ("SSUBSCRIBE shard", 1)],
                  sub2, sub2r)
        for c in (sub3, sub3r):  # ids differ
            self.assertTrue(c.call("HELLO", "3").startswith(b"%7"))
        self.same([("SUBSCRIBE news", 1), ("PSUBSCRIBE n?ws", 1), ("SSUBSCRIBE shard", 1),
                   ("PING", 1), ("SET k v", 1), ("GET k", 1)], sub3, sub3r)
        self.assertSame(["PUBLISH news hello", "PUBLISH nothing x", "PUBLISH other x",
                         "SPUBLISH shard m1", "SPUBLISH news m2",
                         ["PUBLISH", "news", b"bin\x00\r\nary"]])
        got_a, got_b = drain(sub2), drain(sub2r)
        self.assertEqual(got_a, got_b)
        self.assertEqual(len(got_a), 6)
        got_a, got_b = drain(sub3), drain(sub3r)
        self.assertEqual(got_a, got_b)
        self.assertTrue(all(m.startswith(b">") for m in got_a), got_a)
        self.same([("UNSUBSCRIBE", 1), ("PUNSUBSCRIBE", 1), ("SUNSUBSCRIBE", 1)], sub3, sub3r)

    def test_pubsub_introspection(self):
        s1, s1r = self.pair()
        s2, s2r = self.pair()
        self.same([("SUBSCRIBE x y news.eu", 3), ("SSUBSCRIBE sh1 sh2", 2)], s1, s1r)
        self.same([("SUBSCRIBE x", 1), ("PSUBSCRIBE p* q* p*", 3), ("SSUBSCRIBE sh1", 1)],
                  s2, s2r)
        sorted_rule = harness.sorted_array
        self.assertSame([
            harness.Cmd("PUBSUB CHANNELS", rule=sorted_rule),
            harness.Cmd("PUBSUB CHANNELS news.*", rule=sorted_rule),
            "PUBSUB CHANNELS nomatch*",
            "PUBSUB NUMSUB x y z news.eu", "PUBSUB NUMSUB", "PUBSUB NUMPAT",
            harness.Cmd("PUBSUB SHARDCHANNELS", rule=sorted_rule), "PUBSUB SHARDCHANNELS sh2",
            "PUBSUB SHARDNUMSUB sh1 sh2 sh3", "PUBSUB HELP", "PUBSUB NOSUCH", "PUBSUB",
            "PUBSUB NUMPAT extra", "PUBLISH x hi", "SPUBLISH sh1 hi", "PUBLISH p1 hi",
            "PUBLISH", "SPUBLISH sh1",
        ])
        self.same([("UNSUBSCRIBE x", 1)], s2, s2r)
        self.assertSame(["PUBSUB NUMSUB x", "PUBLISH x again"])

    def keyspace_events(self, flags, commands, pattern="__key*__:*"):
        for c in (self.a, self.b):
            self.assertEqual(c.call("CONFIG", "SET", "notify-keyspace-events", flags), b"+OK\r\n")
        self.addCleanup(lambda: [c.call("CONFIG", "SET", "notify-keyspace-events", "")
                                 for c in (self.a, self.b)])
        sub, subr = self.pair()
        self.same([("PSUBSCRIBE " + pattern, 1)], sub, subr)
        self.assertSame(commands)
        got_a, got_b = drain(sub), drain(subr)
        if got_a != got_b:
            ea = [decode(m)[2:] for m in got_a]
            eb = [decode(m)[2:] for m in got_b]
            self.fail("keyspace events differ:\nredrock %r\nredis   %r" % (ea, eb))
        return got_a

    STRING_AND_KEY_COMMANDS = [
        "SET k v", "SET k v2 EX 100", "SET k v3 KEEPTTL", "SET nx v NX", "SET nx v2 NX",
        "SET xx v XX", "SETNX k x", "SETNX k2 x", "SETEX k3 100 v", "PSETEX k4 100000 v",
        "GETSET k v4", "GETSET gs 1", "MSET m1 1 m2 2 m1 3", "MSETNX m1 1 m3 3",
        "MSETNX m4 1 m5 2", "INCR c", "INCRBY c 5", "DECR c", "DECRBY c 2", "INCR k",
        "INCRBYFLOAT f 1.5", "INCRBYFLOAT f 1", "APPEND ap x", "APPEND ap y",
        "SETRANGE sr 0 abc", "SETRANGE sr 1 ''", "SETRANGE sr2 0 ''", "SETRANGE sr 5 z",
        "GETDEL k3", "GETDEL nokey", "GETEX k EX 50", "GETEX k PERSIST", "GETEX k PERSIST",
        "GETEX k", "GETEX k4 PXAT 1", "EXPIRE m1 100", "EXPIRE m1 100 NX", "PEXPIRE m2 0",
        "EXPIREAT m3 1", "EXPIRE nokey 10", "PERSIST m1", "PERSIST m1", "DEL m4 m5 nokey m4",
        "UNLINK ap", "RENAME k kk", "RENAME kk kk", "RENAMENX kk c", "RENAMENX kk fresh",
        "COPY fresh kcopy", "COPY fresh kcopy", "COPY fresh kcopy REPLACE",
        "COPY fresh kcopy DB 2", "MOVE kcopy 3", "MOVE nokey 3",
    ]

    def test_keyspace_events_all_classes(self):
        events = self.keyspace_events("KEA", self.STRING_AND_KEY_COMMANDS)
        self.assertGreater(len(events), 60)

    def test_keyspace_events_with_new_and_subsets(self):
        self.keyspace_events("KEAn", self.STRING_AND_KEY_COMMANDS)
        for c in (self.a, self.b):
            c.call("FLUSHALL")
        self.keyspace_events("E$", self.STRING_AND_KEY_COMMANDS, pattern="*")
        for c in (self.a, self.b):
            c.call("FLUSHALL")
        self.keyspace_events("Kg", self.STRING_AND_KEY_COMMANDS, pattern="*")

    COLLECTION_COMMANDS = [
        "HSET h f1 v1 f2 v2", "HSET h f1 x", "HMSET h f3 v", "HSETNX h f1 y", "HSETNX h f9 y",
        "HSETNX h2 f v", "HINCRBY h n 5", "HINCRBY h3 n 1", "HINCRBYFLOAT h fl 1.5",
        "HDEL h nofield", "HDEL h f1 f2", "HDEL h2 f", "HDEL h f3 n fl f9",
        "RPUSH l a b c d e", "LPUSH l z", "LPUSHX nol x", "RPUSHX l y", "LPOP l", "RPOP l 2",
        "LPOP l 0", "LSET l 0 q", "LINSERT l BEFORE q p", "LINSERT l AFTER nopivot x",
        "LREM l 0 nothing", "LREM l 1 q", "LTRIM l 0 -1", "LTRIM nol 0 1", "RPUSH l2 1 2",
        "LMOVE l l3 LEFT RIGHT", "RPOPLPUSH l2 l2", "LMPOP 2 nol l2 RIGHT COUNT 5",
        "LTRIM l 5 10", "RPUSH l4 x", "BLPOP l4 0", "BRPOP nol l4 0.01",
        "SADD s a b c", "SADD s a", "SREM s zz", "SREM s a", "SMOVE s s2 b", "SMOVE s s2 nope",
        "SADD s2 c", "SMOVE s s2 c", "SADD s5 7", "SPOP s5", "SADD s6 1 2 3",
        harness.Cmd("SPOP s6", rule=harness.ignore),
        harness.Cmd("SPOP s6 5", rule=harness.ignore),
        "SADD t1 1 2", "SADD t2 2 3", "SINTERSTORE d t1 t2", "SUNIONSTORE d t1 t2",
        "SDIFFSTORE d t1 t1", "SDIFFSTORE d t1 t1", "SINTERSTORE d2 t1 nokey",
        "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 nope", "ZINCRBY z 2 a", "ZREM z zz",
        "ZREM z b", "ZPOPMIN z", "ZPOPMAX z 5", "ZADD z2 1 x 2 y", "ZREMRANGEBYSCORE z2 0 1",
        "ZUNIONSTORE zu 1 z2", "ZINTERSTORE zu 2 z2 nokey", "BZPOPMIN z2 0",
        "MULTI", "SET mk 1", "INCR mk", "HSET mh f v", "DEL mk", "EXEC",
    ]

    def test_keyspace_events_collections(self):
        events = self.keyspace_events("KEAn", self.COLLECTION_COMMANDS)
        self.assertGreater(len(events), 80)

    def test_keyspace_events_expired(self):
        self.keyspace_events("Ex", [])
        sub, subr = self.pair()
        self.same([("SUBSCRIBE __keyevent@0__:expired", 1)], sub, subr)
        self.assertSame(["SET e1 v PX 50", "SET e2 v PX 50", "SELECT 1", "SET e3 v PX 50",
                         "SELECT 0"])
        time.sleep(0.15)
        self.assertSame(["GET e1"])  # lazily, or already by the active cycle
        got_a = sorted(drain(sub, quiet=1.5))
        got_b = sorted(drain(subr, quiet=1.5))
        self.assertEqual(got_a, got_b)
        self.assertEqual(len(got_a), 2)

    def test_notify_config_errors(self):
        self.assertSame([
            "CONFIG SET notify-keyspace-events KEq", "CONFIG SET notify-keyspace-events KEA",
            "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Elg$",
            "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events ''",
            "CONFIG GET notify-keyspace-events",
        ])

    def test_monitor(self):
        mon, monr = self.pair()
        self.assertEqual(mon.call("MONITOR"), monr.call("MONITOR"))
        c, cr = self.pair()
        commands = [
            "SET k v", "GET k", "AUTH secret", "AUTH user secret", "HELLO 2 AUTH default pw",
            "CONFIG GET timeout", "SELECT 1", "SET k2 v", "SELECT 0", "MULTI", "INCR c",
            "SET c", "DISCARD", "MULTI", "INCR c", "EXEC", "EXEC", "EXEC x", "NOSUCH", "PING",
            ["SET", "sp ace", b'q"uo\\te\x01\n\t'], "WATCH k", "UNWATCH",
        ]
        self.assertSame(commands, a=c, b=cr, rules={"HELLO": harness.ignore})
        line = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$", re.S)

        def lines(m):
            out = []
            for raw in drain(m):
                match = line.match(raw)
                self.assertIsNotNone(match, raw)
                self.assertLess(abs(int(match.group(1)) - time.time()), 60)
                out.append((match.group(3), match.group(5)))
            return out

        got_a, got_b = lines(mon), lines(monr)
        self.assertEqual(got_a, got_b)
        self.assertIn((b"0", b'"AUTH" "(redacted)" "(redacted)"'), got_a)

    MONITOR_LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$", re.S)

    def monitor_lines(self, mon, client_addr):
        """(db, origin is the client, arguments) of every line a monitor received."""
        out = []
        for raw in drain(mon):
            match = self.MONITOR_LINE.match(raw)
            self.assertIsNotNone(match, raw)
            self.assertLess(abs(int(match.group(1)) - time.time()), 60)
            out.append((match.group(3), match.group(4) == client_addr, match.group(5)))
        return out

    def addr_of(self, c):
        return b"127.0.0.1:%d" % c.sock.getsockname()[1]

    def test_monitor_more(self):
        mon, monr = self.pair()
        self.assertEqual(mon.call("MONITOR"), monr.call("MONITOR"))
        c, cr = self.pair()
        self.assertSame([
            ["ECHO", "caf\u00e9 \u2603".encode(), b"\x00\x7f\xff", b"\a\b\f\v\x1b", "", "'"],
            "INFO server", "CLIENT SETNAME mon-test", "CLIENT GETNAME", "CONFIG SET maxclients 900",
            "DEBUG SLEEP 0", "GET", "SET a", "NOSUCHCOMMAND x",
            "MULTI", "SELECT 3", "SET k v", "GET k", "SELECT 0", "EXEC",
            "MULTI", "SET k v", "NOSUCH", "EXEC",
            "BLPOP nolist 0.01", "PUBLISH ch msg", "HELLO 3 AUTH default nopass SETNAME x",
            "HELLO 2", "AUTH onlypass", "CLIENT NO-EVICT on", "LPUSH lst x",
            "CONFIG SET maxclients 10000",
        ], a=c, b=cr, rules={"HELLO": harness.ignore, "INFO": harness.ignore,
                             "AUTH": harness.ignore})
        sub, subr = self.pair()
        self.same([("SUBSCRIBE ch", 1), ("PING", 1), ("UNSUBSCRIBE", 1)], sub, subr)
        got_a = self.monitor_lines(mon, self.addr_of(c))
        got_b = self.monitor_lines(monr, self.addr_of(cr))
        got_a = [line if line[1] else (line[0], "other", line[2]) for line in got_a]
        got_b = [line if line[1] else (line[0], "other", line[2]) for line in got_b]
        self.assertEqual(got_a, got_b)

    def test_monitor_blocked_command(self):
        mon, monr = self.pair()
        self.assertEqual(mon.call("MONITOR"), monr.call("MONITOR"))
        blocked, blockedr = self.pair()
        for x in (blocked, blockedr):
            x.send_command("BLPOP", "bl", "0")
        time.sleep(0.2)
        self.assertSame(["RPUSH bl a"])
        self.assertEqual(blocked.read_reply(), blockedr.read_reply())
        got_a = [line[2] for line in self.monitor_lines(mon, b"")]
        got_b = [line[2] for line in self.monitor_lines(monr, b"")]
        self.assertEqual(got_a, got_b)

    def test_subscribed_mode_resp3(self):
        # RESP3 clients may run any command while subscribed; replies stay ordinary replies,
        # messages and (un)subscribe confirmations are pushes.
        a, b = self.pair()
        for c in (a, b):
            self.assertTrue(c.call("HELLO", "3").startswith(b"%7"))
        self.same([
            ("SUBSCRIBE ch", 1), ("PING", 1), ("PING hi", 1), ("SET k v", 1), ("GET k", 1),
            ("PSUBSCRIBE c*", 1), ("ECHO x", 1), ("UNSUBSCRIBE nope", 1), ("PUNSUBSCRIBE", 1),
            ("SSUBSCRIBE s", 1), ("MULTI", 1), ("GET k", 1), ("EXEC", 1),
            ("UNSUBSCRIBE", 1), ("SUNSUBSCRIBE", 1), ("PING", 1),
            ("SUBSCRIBE ch2", 1), ("RESET", 1), ("PING", 1),
        ], a, b)


class FanOutTest(harness.ServerTestCase):
    """Many subscribers on every io thread, one publisher."""

    def test_fan_out_to_50_subscribers(self):
        subs = []
        for i in range(50):
            c = self.raw()
            self.assertEqual(decode(c.call("SUBSCRIBE", "fan"))[2], 1)
            if i % 2 == 0:
                self.assertEqual(decode(c.call("PSUBSCRIBE", "f*"))[2], 2)
            subs.append(c)
        pub = self.raw()
        n = 200
        for i in range(n):
            self.assertEqual(decode(pub.call("PUBLISH", "fan", "m%d" % i)), 75)
        self.assertEqual(decode(pub.call("PUBSUB", "NUMSUB", "fan")), [b"fan", 50])

        errors = []

        def read_all(i, c):
            try:
                want = n * (2 if i % 2 == 0 else 1)
                got = [decode(c.read_reply()) for _ in range(want)]
                direct = [m[2] for m in got if m[0] == b"message"]
                if direct != [b"m%d" % k for k in range(n)]:
                    errors.append("subscriber %d: out of order or missing" % i)
                if i % 2 == 0 and [m[3] for m in got if m[0] == b"pmessage"] != direct:
                    errors.append("subscriber %d: pattern messages differ" % i)
            except Exception as e:
                errors.append("subscriber %d: %r" % (i, e))

        ts = [threading.Thread(target=read_all, args=(i, c)) for i, c in enumerate(subs)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        self.assertEqual(errors, [])

    def test_concurrent_publishers_resp3(self):
        sub = self.raw()
        self.assertTrue(sub.call("HELLO", "3").startswith(b"%"))
        self.assertTrue(sub.call("SUBSCRIBE", "c1").startswith(b">3"))
        self.assertEqual(sub.call("SET", "x", "1"), b"+OK\r\n")  # RESP3: commands still work
        errors = []

        def publish(tag):
            try:
                p = RawClient(self.server.port)
                for i in range(100):
                    if decode(p.call("PUBLISH", "c1", "%s-%d" % (tag, i))) != 1:
                        errors.append("receivers != 1")
                p.close()
            except Exception as e:
                errors.append(e)

        ts = [threading.Thread(target=publish, args=("p%d" % k,)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(30)
        self.assertEqual(errors, [])
        got = [decode(sub.read_reply()) for _ in range(400)]
        self.assertTrue(all(isinstance(m, harness.Push) for m in got))
        for k in range(4):  # each publisher's messages arrive in its order
            mine = [m[2] for m in got if m[2].startswith(b"p%d-" % k)]
            self.assertEqual(mine, [b"p%d-%d" % (k, i) for i in range(100)])

    def test_unsubscribe_on_close(self):
        c = RawClient(self.server.port)
        c.call("SUBSCRIBE", "gone")
        c.call("PSUBSCRIBE", "go*")
        c.close()
        pub = self.raw()
        harness.wait_until(lambda: decode(pub.call("PUBLISH", "gone", "x")) == 0, 5,
                           message="closed subscriber removed")
        self.assertEqual(decode(pub.call("PUBSUB", "NUMPAT")), 0)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])
    return 0


class SlowSubscriberTest(harness.ServerTestCase):
    """A subscriber that stops reading is disconnected at the pubsub output-buffer limits."""

    def slow_subscriber(self, channel):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", self.server.port))
        self.addCleanup(s.close)
        s.sendall(encode_command("SUBSCRIBE", channel))
        time.sleep(0.1)
        return s

    def numsub(self, pub, channel):
        return decode(pub.call("PUBSUB", "NUMSUB", channel))[1]

    def test_hard_limit(self):
        pub = self.raw()
        self.assertEqual(pub.call("CONFIG", "SET", "client-output-buffer-limit",
                                  "pubsub 1mb 512kb 60"), b"+OK\r\n")
        self.addCleanup(lambda: self.server.raw().call(
            "CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60"))
        self.slow_subscriber("firehose")
        self.assertEqual(self.numsub(pub, "firehose"), 1)
        before = rss_kb(self.server.pid)
        payload = b"x" * 100000
        for _ in harness.bounded(400, 20):  # up to 40 MB offered
            pub.call("PUBLISH", "firehose", payload)
            if self.numsub(pub, "firehose") == 0:
                break
        self.assertEqual(self.numsub(pub, "firehose"), 0)
        self.assertEqual(pub.call("PING"), b"+PONG\r\n")  # the server and others are fine
        self.assertLess(rss_kb(self.server.pid) - before, 64 * 1024)

    def test_soft_limit_needs_its_seconds(self):
        pub = self.raw()
        self.assertEqual(pub.call("CONFIG", "SET", "client-output-buffer-limit",
                                  "pubsub 256mb 100kb 1"), b"+OK\r\n")
        self.addCleanup(lambda: self.server.raw().call(
            "CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60"))
        self.slow_subscriber("trickle")
        payload = b"y" * 100000
        for _ in range(80):  # 8 MB: well past the kernel's socket buffers
            pub.call("PUBLISH", "trickle", payload)
        start = time.monotonic()
        pub.call("PUBLISH", "trickle", "small")
        self.assertEqual(self.numsub(pub, "trickle"), 1)  # over the soft limit, not for long
        deadline = start + 10
        while time.monotonic() < deadline and self.numsub(pub, "trickle") == 1:
            pub.call("PUBLISH", "trickle", "small")
            time.sleep(0.1)
        elapsed = time.monotonic() - start
        self.assertEqual(self.numsub(pub, "trickle"), 0)
        self.assertGreaterEqual(elapsed, 0.9)


if __name__ == "__main__":
    harness.main(timeout=120)
