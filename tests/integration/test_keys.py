"""Generic key commands against Debian's redis-server 7.0: DEL UNLINK EXISTS TYPE, the EXPIRE
family, TTL, KEYS, SCAN, RANDOMKEY, RENAME, COPY, MOVE, TOUCH, OBJECT, and expiry itself."""

import shlex
import threading
import time

import harness
from harness import CompareTestCase, decode, encode_command, wait_until

FUTURE_S = int(time.time()) + 100000
LLONG_MAX = "9223372036854775807"


def exact(cmd):
    """`cmd` compared byte for byte, overriding DEFAULT_RULES."""
    return harness.Cmd(cmd, rule=harness.exact)


def fill(client, keys, value="v"):
    """SETs every key with one pipelined send."""
    client.send(b"".join(encode_command("SET", k, value) for k in keys))
    for reply in client.read_replies(len(keys)):
        assert reply == b"+OK\r\n", reply


def full_scan(client, *options, max_calls=20000, timeout=30):
    """Every key a complete SCAN iteration returns (a list, duplicates kept), and the number of
    calls it took."""
    cursor, seen, calls = b"0", [], 0
    for calls in harness.bounded(max_calls, timeout):
        reply = decode(client.call("SCAN", cursor, *options))
        assert isinstance(reply, list) and len(reply) == 2, reply
        cursor, keys = reply
        seen.extend(keys)
        if cursor == b"0":
            return seen, calls + 1
    raise AssertionError("SCAN did not finish within %d calls / %ss" % (max_calls, timeout))


class DelExistsTypeTest(CompareTestCase):
    def test_del_unlink_exists(self):
        self.assertSame([
            "MSET a 1 b 2 c 3 d 4",
            "EXISTS a",
            "EXISTS a a a",
            "EXISTS a b nokey a",
            "EXISTS nokey",
            "DEL a a",
            "EXISTS a",
            "DEL b c nokey",
            "DEL nokey",
            "UNLINK d d nokey",
            "DBSIZE",
            "MSET a 1 b 2",
            "UNLINK a b",
            "DEL",
            "UNLINK",
            "EXISTS",
            "SET t v EX 100",
            "DEL t",
            "SET t v",
            "TTL t",
        ])

    def test_type(self):
        self.assertSame([
            "TYPE nokey",
            "SET s v",
            "TYPE s",
            "SET n 123",
            "TYPE n",
            "TYPE",
            "TYPE a b",
        ])


class ExpireTest(CompareTestCase):
    def test_expire_basic(self):
        self.assertSame([
            "EXPIRE nokey 100",
            "TTL nokey",
            "PTTL nokey",
            "EXPIRETIME nokey",
            "PEXPIRETIME nokey",
            "SET k v",
            "TTL k",
            "PTTL k",
            "EXPIRETIME k",
            "PEXPIRETIME k",
            "EXPIRE k 100",
            "TTL k",
            "PTTL k",
            "PEXPIRE k 50000",
            "TTL k",
            "PTTL k",
            "EXPIREAT k %d" % FUTURE_S,
            "EXPIRETIME k",
            "PEXPIRETIME k",
            "PEXPIREAT k %d" % (FUTURE_S * 1000 + 123),
            "EXPIRETIME k",
            "PEXPIRETIME k",
            "PERSIST k",
            "PERSIST k",
            "PERSIST nokey",
            "TTL k",
            "EXPIRE k 0",
            "EXISTS k",
            "SET k v",
            "EXPIRE k -10",
            "EXISTS k",
            "SET k v",
            "PEXPIRE k -1",
            "EXISTS k",
            "SET k v",
            "EXPIREAT k 1000",
            "EXISTS k",
            "SET k v",
            "PEXPIREAT k 0",
            "EXISTS k",
            "SET k v",
            "EXPIRE k abc",
            "EXPIRE k 1.5",
            "EXPIRE k ''",
            "EXPIRE k " + LLONG_MAX,
            "PEXPIRE k " + LLONG_MAX,
            "EXPIREAT k " + LLONG_MAX,
            "EXPIRE k 9223372036854775",
            "EXPIRE k -9223372036854775808",
            "EXISTS k",
            "SET k v",
            "EXPIRE k 99999999999999999999",
            "TTL k",
            "EXPIRE k",
            "EXPIRE",
            "TTL",
            "TTL a b",
            "PERSIST",
            "EXPIRETIME",
        ])

    def test_expire_nx_xx_gt_lt(self):
        self.assertSame([
            "SET k v",
            "EXPIRE k 100 XX",
            "TTL k",
            "EXPIRE k 100 GT",
            "TTL k",
            "EXPIRE k 100 LT",
            "TTL k",
            "PERSIST k",
            "EXPIRE k 100 NX",
            "EXPIRE k 200 NX",
            "TTL k",
            "EXPIRE k 200 XX",
            "TTL k",
            "EXPIRE k 50 GT",
            "TTL k",
            "EXPIRE k 300 GT",
            "TTL k",
            "EXPIRE k 400 LT",
            "TTL k",
            "EXPIRE k 30 LT",
            "TTL k",
            "EXPIRE k 29 gt",  # not greater (30 would race the clock by a millisecond)
            "EXPIRE k 31 gt",
            "TTL k",
            "PEXPIRE k 10000 LT",
            "PTTL k",
            "EXPIREAT k %d GT" % FUTURE_S,
            "EXPIRETIME k",
            "PEXPIREAT k %d LT" % (FUTURE_S * 1000 - 5000),
            "PEXPIRETIME k",
            "EXPIRE k 10 NX XX",
            "EXPIRE k 10 NX GT",
            "EXPIRE k 10 NX LT",
            "EXPIRE k 10 GT LT",
            "EXPIRE k 10 XX GT",
            "EXPIRE k 10 BOGUS",
            "EXPIRE k 10 NX NX",
            "PEXPIRE k 10 GT LT",
            "EXPIREAT k 10 NX XX",
            "EXPIRE nokey 10 XX",
            "EXPIRE nokey 10 NX",
            "EXPIRE k -1 GT",
            "EXISTS k",
            "SET k v EX 100",
            "EXPIRE k -1 LT",
            "EXISTS k",
            "SET k v EX 100",
            "EXPIRE k -1 XX",
            "EXISTS k",
            "SET k v",
            "EXPIRE k -1 NX",
            "EXISTS k",
        ])

    def test_expired_key_is_gone(self):
        for c in (self.a, self.b):
            c.call("SET", "short", "v", "PX", "100")
            c.call("SET", "short2", "v", "PX", "100")
            c.call("SET", "long", "v", "EX", "100")
        self.assertEqual(self.a.call("GET", "short"), b"$1\r\nv\r\n")
        time.sleep(0.3)
        self.assertSame(["GET short", "EXISTS short", "TTL short", "PTTL short2", "TYPE short2",
                         "GET long", "MGET short short2 long", "EXISTS short short2 long",
                         "KEYS *", "RANDOMKEY", "SET short again NX", "GET short", "TTL short"])

    def test_active_expiry_without_access(self):
        c = self.a
        keys = ["vanish:%d" % i for i in range(200)]
        c.send(b"".join(encode_command("SET", k, "x", "PX", "100") for k in keys))
        c.read_replies(len(keys))
        fill(c, ["stay:%d" % i for i in range(10)])
        self.assertEqual(decode(c.call("DBSIZE")), 210)
        # Nothing touches the volatile keys: only active expiry can make DBSIZE drop.
        wait_until(lambda: decode(c.call("DBSIZE")) == 10, timeout=2.5, interval=0.1,
                   message="DBSIZE to drop to 10 by active expiry")
        self.assertEqual(decode(c.call("EXISTS", "stay:0", "stay:9")), 2)


class KeysTest(CompareTestCase):
    KEYS = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo",
            "h\\llo", "foo", "foo:bar", "foo:baz", "foo:bar:baz", "Foo", "a", "ab", "abc",
            "x-y", "user:1", "user:10", "user:2", "\u00e9t\u00e9", "sp ace"]

    def setUp(self):
        super().setUp()
        for c in (self.a, self.b):
            fill(c, self.KEYS)
            c.call("SELECT", "1")
            fill(c, ["db1:key", "hello"])
            c.call("SELECT", "0")

    def test_keys_patterns(self):
        patterns = ["*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-x]llo", "h[x-a]llo",
                    "h\\*llo", "h\\?llo", "h\\[a\\]llo", "h\\\\llo", "foo:*", "*:*", "*:*:*",
                    "[f]oo*", "[fF]oo", "nomatch*", "", "?", "??", "???", "a*", "*b*",
                    "user:?", "user:[0-9]*", "user:1*", "h[", "h[a", "\u00e9*", "*ace",
                    "sp?ace", "**", "*o", "hel*lo*", "[!a]*", "x\\-y", "x[-]y"]
        self.assertSame(["KEYS %s" % shlex.quote(p) for p in patterns]
                        + ["SELECT 1", "KEYS *", "KEYS hel*", "SELECT 0", "KEYS", "KEYS a b"])


class ScanTest(CompareTestCase):
    def populate(self, c, n=1000):
        keys = ["key:%d" % i for i in range(n)] + ["user:%d" % i for i in range(n // 10)]
        fill(c, keys)
        return set(k.encode() for k in keys)

    def test_full_iteration_returns_every_key(self):
        for c in (self.a, self.b):
            keys = self.populate(c)
            for count in (None, 1, 10, 1000, 100000):
                opts = () if count is None else ("COUNT", str(count))
                seen, calls = full_scan(c, *opts)
                self.assertEqual(set(seen), keys, "COUNT %s" % count)
            # COUNT is a hint, but small counts must not return everything at once.
            _, calls = full_scan(c, "COUNT", "10")
            self.assertGreater(calls, 5)

    def test_match_and_type(self):
        for c in (self.a, self.b):
            keys = self.populate(c)
            seen, _ = full_scan(c, "MATCH", "user:1*", "COUNT", "50")
            self.assertEqual(set(seen), {k for k in keys if k.startswith(b"user:1")})
            seen, _ = full_scan(c, "MATCH", "*:99?", "COUNT", "7")
            self.assertEqual(set(seen), {b"key:%d" % i for i in range(990, 1000)})
            seen, _ = full_scan(c, "MATCH", "nomatch*")
            self.assertEqual(seen, [])
            seen, _ = full_scan(c, "TYPE", "string", "COUNT", "100")
            self.assertEqual(set(seen), keys)
            seen, _ = full_scan(c, "TYPE", "list")
            self.assertEqual(seen, [])
            seen, _ = full_scan(c, "MATCH", "user:*", "TYPE", "string", "COUNT", "100")
            self.assertEqual(set(seen), {k for k in keys if k.startswith(b"user:")})
            seen, _ = full_scan(c, "match", "key:5", "count", "3")
            self.assertEqual(set(seen), {b"key:5"})

    def test_other_database_and_expired_keys_not_returned(self):
        for c in (self.a, self.b):
            fill(c, ["db0:%d" % i for i in range(50)])
            c.send(b"".join(encode_command("SET", "gone:%d" % i, "x", "PX", "50")
                            for i in range(50)))
            c.read_replies(50)
            c.call("SELECT", "3")
            fill(c, ["db3:%d" % i for i in range(20)])
            seen, _ = full_scan(c)
            self.assertEqual(set(seen), {b"db3:%d" % i for i in range(20)})
            c.call("SELECT", "0")
            time.sleep(0.15)
            seen, _ = full_scan(c, "COUNT", "20")
            self.assertEqual(set(seen), {b"db0:%d" % i for i in range(50)})

    def test_scan_errors_and_empty(self):
        self.assertSame([
            "SCAN 0",
            "SET a 1",
            "SCAN 0",
            "SCAN 0 COUNT 0",
            "SCAN 0 COUNT -1",
            "SCAN 0 COUNT abc",
            "SCAN 0 COUNT",
            "SCAN 0 MATCH",
            "SCAN 0 TYPE",
            "SCAN 0 BOGUS x",
            "SCAN abc",
            "SCAN 1.5",
            "SCAN 18446744073709551616",
            "SCAN",
            "SCAN 0 MATCH a COUNT 10 TYPE string",
        ])

    def test_scan_while_keys_change(self):
        """Keys present for the whole iteration must all be returned while other keys come and
        go."""
        c = self.a
        stable = self.populate(c, 1000)
        stop = threading.Event()
        errors = []

        def churn():
            w = self.server.raw()
            try:
                for i in harness.bounded(1000000, 20):
                    if stop.is_set():
                        break
                    w.send(encode_command("SET", "churn:%d" % i, "x")
                           + encode_command("DEL", "churn:%d" % (i - 50)))
                    w.read_replies(2)
            except Exception as e:  # reported by the main thread
                errors.append(e)
            finally:
                w.close()

        writer = threading.Thread(target=churn, daemon=True)
        writer.start()
        try:
            time.sleep(0.05)
            seen, calls = full_scan(c, "COUNT", "20")
        finally:
            stop.set()
            writer.join(25)
        self.assertFalse(errors, errors)
        self.assertFalse(writer.is_alive())
        missing = stable - set(seen)
        self.assertFalse(missing, "%d stable keys never returned, e.g. %s"
                         % (len(missing), sorted(missing)[:5]))
        unexpected = {k for k in seen if not (k in stable or k.startswith(b"churn:"))}
        self.assertFalse(unexpected)


class RandomKeyTest(CompareTestCase):
    def test_randomkey(self):
        self.assertSame(["RANDOMKEY", "SET only v", exact("RANDOMKEY"), "RANDOMKEY extra"])
        fill(self.a, ["r:%d" % i for i in range(100)])
        got = {decode(self.a.call("RANDOMKEY")) for _ in range(60)}
        self.assertTrue(got <= {b"only"} | {b"r:%d" % i for i in range(100)}, got)
        self.assertGreater(len(got), 5)

    def test_randomkey_skips_expired(self):
        for c in (self.a, self.b):
            c.call("SET", "soon", "v", "PX", "50")
        time.sleep(0.15)
        self.assertSame([exact("RANDOMKEY"), "DBSIZE"])


class RenameCopyMoveTest(CompareTestCase):
    def test_rename(self):
        self.assertSame([
            "RENAME nokey x",
            "RENAMENX nokey x",
            "SET a 1",
            "RENAME a b",
            "GET a",
            "GET b",
            "SET c 3",
            "RENAME b c",
            "GET c",
            "EXISTS b",
            "RENAME c c",
            "GET c",
            "RENAMENX c c",
            "SET d 4",
            "RENAMENX c d",
            "GET d",
            "RENAMENX c e",
            "GET e",
            "EXISTS c",
            "SET t v EX 100",
            "RENAME t t2",
            "TTL t2",
            "SET u v",
            "RENAME t2 u",
            "TTL u",
            "SET x v EX 100",
            "SET y v",
            "RENAME y x",
            "TTL x",
            "RENAME a",
            "RENAME a b c",
            "RENAMENX a",
        ])

    def test_copy(self):
        self.assertSame([
            "COPY nokey b",
            "SET a hello",
            "COPY a b",
            "GET b",
            "COPY a b",
            "SET a world",
            "COPY a b REPLACE",
            "GET b",
            "COPY a a",
            "COPY a a REPLACE",
            "COPY a a DB 1",
            "COPY a b DB 1",
            "COPY a b DB 1",
            "COPY a b DB 1 REPLACE",
            "COPY a b DB 16",
            "COPY a b DB -1",
            "COPY a b DB abc",
            "COPY a b DB",
            "COPY a b BOGUS",
            "COPY a b REPLACE REPLACE",
            "SET t v EX 100",
            "COPY t t2",
            "TTL t2",
            "SET n 123",
            "COPY n n2",
            "OBJECT ENCODING n2",
            "SELECT 1",
            "MGET a b",
            "DBSIZE",
            "SELECT 0",
            "COPY a",
        ])

    def test_move(self):
        self.assertSame([
            "MOVE nokey 1",
            "SET a 1",
            "MOVE a 1",
            "EXISTS a",
            "SELECT 1",
            "GET a",
            "SELECT 0",
            "SET a 2",
            "MOVE a 1",
            "GET a",
            "MOVE a 0",
            "MOVE a 16",
            "MOVE a -1",
            "MOVE a abc",
            "SET t v EX 100",
            "MOVE t 2",
            "SELECT 2",
            "TTL t",
            "SELECT 0",
            "MOVE a",
            "MOVE a 1 2",
        ])

    def test_touch(self):
        self.assertSame([
            "TOUCH nokey",
            "MSET a 1 b 2",
            "TOUCH a",
            "TOUCH a b nokey",
            "TOUCH a a a",
            "TOUCH",
        ])


class ObjectTest(CompareTestCase):
    def test_object_subcommands(self):
        self.assertSame([
            "SET s hello",
            "OBJECT ENCODING s",
            "OBJECT REFCOUNT s",
            "OBJECT REFCOUNT nokey",
            "OBJECT IDLETIME s",
            "OBJECT IDLETIME nokey",
            "OBJECT FREQ s",
            "OBJECT FREQ nokey",
            "OBJECT ENCODING nokey",
            "OBJECT ENCODING s extra",
            "OBJECT BOGUS s",
            "OBJECT",
        ])
        help_a, help_b = self.both("OBJECT", "HELP")
        self.assertTrue(help_a.startswith(b"*"), help_a)

    def test_idletime_advances_and_resets(self):
        for c in (self.a, self.b):
            c.call("SET", "idle", "v")
        time.sleep(2.2)
        self.assertSame(["OBJECT IDLETIME idle"])
        self.assertGreaterEqual(decode(self.a.call("OBJECT", "IDLETIME", "idle")), 1)
        # OBJECT itself does not touch the key; GET does.
        self.assertSame(["OBJECT IDLETIME idle", "GET idle", "OBJECT IDLETIME idle"])
        self.assertLessEqual(decode(self.a.call("OBJECT", "IDLETIME", "idle")), 1)


if __name__ == "__main__":
    harness.main()


class SortTest(CompareTestCase):
    """SORT and SORT_RO against redis-server (sets only where their order does not show)."""

    def test_sort_like_redis(self):
        cmds = ["RPUSH nums 3 1 2 10 -1.5 2", "RPUSH words banana apple cherry apple",
                "RPUSH bad 1 x 3", ["RPUSH", "empty_str", "1", "", "2"], "SADD s 5 3 9 1",
                "ZADD z 3 c 1 a 2 b 2 bb", "SET str v",
                "MSET w_3 30 w_1 10 w_2 20 w_10 5 w_-1.5 7",
                "MSET o_3 x o_1 y o_2 z",
                "HSET h_3 f 3 g C", "HSET h_1 f 1 g A", "HSET h_2 f 2 g B",
                "RPUSH users 1 2 3",
                "SORT nums", "SORT nums DESC", "SORT nums LIMIT 1 3", "SORT nums LIMIT -5 2",
                "SORT nums LIMIT 4 100", "SORT nums LIMIT 10 2", "SORT nums LIMIT 0 0",
                "SORT nums LIMIT 2 -1", "SORT nums LIMIT x 1", "SORT nums LIMIT 1",
                "SORT words", "SORT words ALPHA", "SORT words ALPHA DESC LIMIT 0 2",
                "SORT bad", "SORT empty_str", "SORT s", "SORT s DESC", "SORT z", "SORT z ALPHA",
                "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 2",
                "SORT z BY nosort DESC LIMIT 1 2", "SORT nums BY nosort",
                "SORT nums BY nosort DESC", "SORT nums BY nosort DESC LIMIT 1 3",
                "SORT nums BY w_*", "SORT nums BY w_* DESC", "SORT users BY o_* ALPHA",
                "SORT users BY h_*->f DESC", "SORT users BY h_*->g ALPHA",
                "SORT users BY missing_* ", "SORT users BY h_*->", "SORT nums BY o_*",
                "SORT users GET #", "SORT users GET o_* GET # GET h_*->g",
                "SORT users BY nosort GET h_*->f GET nope GET nostar",
                "SORT users DESC GET h_*->g LIMIT 0 2", "SORT str", "SORT missing",
                "SORT missing GET #", "SORT nums FOO", "SORT nums BY", "SORT nums GET",
                "SORT nums STORE dst", "LRANGE dst 0 -1", "TYPE dst",
                "SORT users GET o_* GET nope STORE dst", "LRANGE dst 0 -1",
                "SORT s BY nosort STORE dst2", "LRANGE dst2 0 -1",
                "SET dst3 x", "EXPIRE dst3 100", "SORT words ALPHA STORE dst3", "TTL dst3",
                "LRANGE dst3 0 -1", "SORT missing STORE dst3", "EXISTS dst3",
                "SORT_RO nums DESC", "SORT_RO nums STORE dst4", "SORT_RO str",
                "SORT nums LIMIT 0 2 DESC ALPHA", "MULTI", "RPUSH t 2 1 3", "SORT t STORE t2",
                "SORT t BY w_* GET # GET o_*", "LPUSH t2 0", "EXEC", "LRANGE t2 0 -1",
                "DBSIZE"]
        self.assertSame(cmds)
        self.assertSame(["COMMAND GETKEYS SORT k LIMIT 0 1 GET store BY store STORE d",
                         "COMMAND GETKEYS SORT k STORE d1 STORE d2", "COMMAND GETKEYS SORT_RO k"])

    def test_sort_store_wakes_a_blocked_client(self):
        blocked = self.raw()
        blocked.send_command("BLPOP", "sorted", "5")
        time.sleep(0.2)
        self.a.call("RPUSH", "src", "3", "1", "2")
        self.assertEqual(decode(self.a.call("SORT", "src", "STORE", "sorted")), 3)
        self.assertEqual(decode(blocked.read_replies(1)[0]), [b"sorted", b"1"])
        self.assertEqual(decode(self.a.call("LRANGE", "sorted", "0", "-1")), [b"2", b"3"])
        blocked.close()

