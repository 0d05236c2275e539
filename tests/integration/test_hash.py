"""Hash commands, reply for reply against Debian's redis-server 7.0: HSET HSETNX HMSET HGET HMGET
HGETALL HDEL HEXISTS HLEN HKEYS HVALS HSTRLEN HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, encodings,
RESP3 shapes, every error reply, and a seeded random sequence. Replies whose order Redis leaves
unspecified are compared as multisets; random replies are checked by their properties."""

import time

import harness
from harness import CompareTestCase, Cmd, RespSet, by, decode, encode_command

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"


def _pairs(items):
    return sorted(zip(items[::2], items[1::2]))


def _unordered(v):
    """Order-free form of a reply, keeping its RESP type: arrays and sets sorted, maps as
    sorted items."""
    if isinstance(v, RespSet):
        return ("set", sorted(v, key=repr))
    if isinstance(v, list):
        return ("array", sorted(v, key=repr))
    if isinstance(v, dict):
        return ("map", sorted(v.items(), key=repr))
    return v


def _unordered_pairs(v):
    """HGETALL: a map in RESP3, flat field/value pairs in RESP2."""
    if isinstance(v, list):
        return ("pairs", _pairs(v))
    return _unordered(v)


def _scan_pairs(v):
    """HSCAN: the cursor and the pairs, order-free."""
    if isinstance(v, list) and len(v) == 2 and isinstance(v[1], list):
        return (v[0], _pairs(v[1]))
    return v


def _shape_len(v):
    """Random replies: the type and the length only."""
    if isinstance(v, list):
        return (type(v).__name__, len(v), [type(x).__name__ for x in v[:1]])
    return type(v).__name__ if not isinstance(v, harness.Error) else v


RULES = {
    "HGETALL": by(_unordered_pairs, "unordered_pairs"),
    "HKEYS": by(_unordered, "unordered"),
    "HVALS": by(_unordered, "unordered"),
    "HSCAN": by(_scan_pairs, "scan_pairs"),
    "HRANDFIELD": by(_shape_len, "shape_len"),
}

def _whole(v):
    """HRANDFIELD with count >= size: the whole hash, in any order (RESP3 nests pairs)."""
    if isinstance(v, list):
        return (type(v).__name__, sorted((tuple(x) if isinstance(x, list) else (x,)) for x in v))
    return v


WHOLE = by(_whole, "whole")


def pipeline(client, commands):
    client.send(b"".join(encode_command(*c) for c in commands))
    return client.read_replies(len(commands))


class HashBasicsTest(CompareTestCase):
    def assertSame(self, commands, rules=None, a=None, b=None):
        super().assertSame(commands, dict(RULES, **(rules or {})), a, b)

    def test_set_get(self):
        self.assertSame([
            "HSET h f v",
            "HSET h f v2 g w",
            "HSET h f v2 f v3 f v4",
            "HGET h f",
            "HGET h nofield",
            "HGET nokey f",
            "HLEN h",
            "HLEN nokey",
            "HMSET h a 1 b 2",
            "HMGET h a b nofield a",
            "HMGET nokey a b",
            "HSETNX h a 9",
            "HSETNX h newf 9",
            "HSETNX newkey f v",
            "HGET h newf",
            "HEXISTS h a",
            "HEXISTS h nofield",
            "HEXISTS nokey a",
            "HSTRLEN h f",
            "HSTRLEN h nofield",
            "HSTRLEN nokey f",
            "HSET h '' empty",
            "HGET h ''",
            "HSET h e ''",
            "HSTRLEN h e",
            ["HSET", "bin", b"\x00\xff\r\n", b"\x01\x00"],
            ["HGET", "bin", b"\x00\xff\r\n"],
            ["HSET", b"\xffkey", "x", "y"],
            ["HGETALL", b"\xffkey"],
            "hset H lower case",
            "HGETALL H",
            "HGETALL h",
            "HKEYS h",
            "HVALS h",
            "HGETALL nokey",
            "HKEYS nokey",
            "HVALS nokey",
            "TYPE h",
            "EXISTS h",
            "DBSIZE",
        ])

    def test_hdel_removes_empty_hash(self):
        self.assertSame([
            "HSET h a 1 b 2 c 3",
            "HDEL h a a nofield",
            "HDEL h nofield",
            "HLEN h",
            "HDEL h b c",
            "EXISTS h",
            "HLEN h",
            "HGETALL h",
            "HDEL h b",
            "HDEL nokey a",
            "DBSIZE",
            "HSET h x 1",
            "HGETALL h",
        ])

    def test_arity_and_syntax_errors(self):
        self.assertSame([
            "HSET",
            "HSET h",
            "HSET h f",
            "HSET h f v g",
            "HMSET h f",
            "HMSET h f v g",
            "HSETNX h f",
            "HSETNX h f v x",
            "HGET h",
            "HGET h f g",
            "HMGET h",
            "HDEL h",
            "HLEN",
            "HLEN h x",
            "HEXISTS h",
            "HSTRLEN h",
            "HKEYS",
            "HVALS h x",
            "HGETALL",
            "HINCRBY h f",
            "HINCRBYFLOAT h f 1 2",
            "HRANDFIELD",
            "HSCAN h",
            "EXISTS h",
        ])

    def test_wrong_type(self):
        self.assertSame([
            "SET s v",
            "SADD set m",
            "HSET s f v",
            "HMSET s f v",
            "HSETNX s f v",
            "HGET s f",
            "HMGET s f",
            "HDEL s f",
            "HEXISTS s f",
            "HLEN s",
            "HSTRLEN s f",
            "HKEYS s",
            "HVALS s",
            "HGETALL set",
            "HINCRBY s f 1",
            "HINCRBYFLOAT s f 1",
            "HINCRBY s f x",
            "HINCRBYFLOAT s f x",
            "HINCRBYFLOAT s f inf",
            "HRANDFIELD s",
            "HRANDFIELD s 0",
            "HRANDFIELD s -5 WITHVALUES",
            "HSCAN s 0",
            "HSCAN s 0 BOGUS",
            "HSCAN s x",
            "GET s",
            "HSET h f v",
            "GET h",
            "SADD h m",
        ])

    def test_hincrby(self):
        self.assertSame([
            "HINCRBY h n 5",
            "HINCRBY h n -12",
            "HINCRBY h n 0",
            "HGET h n",
            "HINCRBY h new " + LLONG_MAX,
            "HINCRBY h new 1",
            "HINCRBY h new -1",
            "HSET h min " + LLONG_MIN,
            "HINCRBY h min -1",
            "HINCRBY h min 1",
            "HSET h txt abc sp ' 1' lead 01 neg0 -0 big 99999999999999999999 f 1.5",
            "HINCRBY h txt 1",
            "HINCRBY h sp 1",
            "HINCRBY h lead 1",
            "HINCRBY h neg0 1",
            "HINCRBY h big 1",
            "HINCRBY h f 1",
            "HINCRBY h n abc",
            "HINCRBY h n 1.5",
            "HINCRBY h n ''",
            "HINCRBY h n 99999999999999999999",
            "HINCRBY nokey f 3",
            "HGETALL h",
            "HINCRBY h2 f " + LLONG_MIN,
            "HGET h2 f",
        ])

    def test_hincrbyfloat(self):
        self.assertSame([
            "HINCRBYFLOAT h f 10.5",
            "HINCRBYFLOAT h f 0.1",
            "HINCRBYFLOAT h f -5",
            "HINCRBYFLOAT h f 5.0e3",
            "HINCRBYFLOAT h f 1e-10",
            "HINCRBYFLOAT h g 3.0",
            "HINCRBYFLOAT h g -3",
            "HINCRBYFLOAT h g 0.1",
            "HINCRBYFLOAT h g 0.2",
            "HINCRBYFLOAT h big 1e100",
            "HINCRBYFLOAT h tiny -1e-20",
            "HINCRBYFLOAT h neg -0.0",
            "HSET h i 17 txt abc sp ' 1' hex 0x10",
            "HINCRBYFLOAT h i 1.5",
            "HINCRBYFLOAT h txt 1",
            "HINCRBYFLOAT h sp 1",
            "HINCRBYFLOAT h hex 1",
            "HINCRBYFLOAT h f abc",
            "HINCRBYFLOAT h f ''",
            "HINCRBYFLOAT h f inf",
            "HINCRBYFLOAT h f -inf",
            "HINCRBYFLOAT h f +inf",
            "HINCRBYFLOAT h f nan",
            "HINCRBYFLOAT h f ' 1'",
            "HINCRBYFLOAT h f 1e5000",
            "HSET h huge 1e4000",
            "HINCRBYFLOAT h huge 1",
            "HINCRBYFLOAT h f 1.7976931348623157e308",
            "HINCRBYFLOAT nokey f 2.5",
            "HGETALL h",
            "OBJECT ENCODING h",
        ])

    def test_ttl_is_kept_by_writes(self):
        self.assertSame([
            "HSET h a 1",
            "EXPIRE h 100",
            "HSET h b 2",
            "HINCRBY h c 1",
            "HDEL h a",
            Cmd("TTL h", rule=harness.tolerance(1)),
            "PERSIST h",
            "TTL h",
            "HSET gone a 1",
            "PEXPIRE gone 1",
        ])
        time.sleep(0.05)
        self.assertSame([
            "HGET gone a",
            "HLEN gone",
            "HSET gone b 2",
            "HGETALL gone",
            "TTL gone",
        ])

    def test_encoding(self):
        wide = "x" * 64
        wider = "x" * 65
        commands = ["HSET h a " + wide, "OBJECT ENCODING h", "HSET h b " + wider,
                    "OBJECT ENCODING h", "HDEL h b", "OBJECT ENCODING h",
                    "HSET k " + wider + " v", "OBJECT ENCODING k",
                    "HSET n a 1", "HSETNX n a " + wider, "OBJECT ENCODING n",
                    "HSETNX n b " + wider, "OBJECT ENCODING n",
                    "HSET i a 1", "HINCRBYFLOAT i a 1e70", "OBJECT ENCODING i",
                    "HINCRBY j " + wider + " 1", "OBJECT ENCODING j"]
        # Redis 7.0's built-in hash-max-listpack-entries is 512 (redis.conf says 128).
        for i in range(512):
            commands.append("HSET many f%d v" % i)
        commands += ["OBJECT ENCODING many", "HSET many f512 v", "OBJECT ENCODING many",
                     "HDEL many f512 f1 f2", "OBJECT ENCODING many",
                     "COPY many copy", "OBJECT ENCODING copy", "RENAME h r",
                     "OBJECT ENCODING r", "HLEN copy",
                     "CONFIG SET hash-max-listpack-entries 4",
                     "CONFIG SET hash-max-listpack-value 8",
                     "HSET c4 a 1 b 2 c 3 d 4", "OBJECT ENCODING c4",
                     "HSET c4 e 5", "OBJECT ENCODING c4",
                     "HSET c8 a 12345678", "OBJECT ENCODING c8",
                     "HSET c8 b 123456789", "OBJECT ENCODING c8",
                     "CONFIG SET hash-max-listpack-entries 512",
                     "CONFIG SET hash-max-listpack-value 64"]
        self.assertSame(commands)

    def test_resp3_shapes(self):
        self.assertSame([
            "HELLO 3",
            "HSET h a 1 b 2",
            "HGETALL h",
            "HGETALL nokey",
            "HKEYS h",
            "HVALS nokey",
            "HMGET h a x",
            "HGET h x",
            "HGET nokey x",
            "HRANDFIELD nokey",
            "HRANDFIELD nokey 3",
            "HRANDFIELD nokey -3 WITHVALUES",
            Cmd("HRANDFIELD h 5 WITHVALUES", rule=WHOLE),
            Cmd("HRANDFIELD h 2", rule=WHOLE),
            "HRANDFIELD h -3 WITHVALUES",
            "HRANDFIELD h 1 WITHVALUES",
            "HRANDFIELD h 0 WITHVALUES",
            "HSCAN h 0",
            "HSCAN nokey 0",
            "HINCRBYFLOAT h f 1.5",
        ])

    def test_hrandfield(self):
        self.assertSame([
            "HRANDFIELD nokey",
            "HRANDFIELD nokey 5",
            "HRANDFIELD nokey -5 WITHVALUES",
            "HSET h a 1 b 2 c 3",
            Cmd("HRANDFIELD h 3", rule=WHOLE),
            Cmd("HRANDFIELD h 10 WITHVALUES", rule=WHOLE),
            Cmd("HRANDFIELD h " + LLONG_MAX, rule=WHOLE),
            "HRANDFIELD h 0",
            "HRANDFIELD h 0 WITHVALUES",
            "HRANDFIELD h 2",
            "HRANDFIELD h -7",
            "HRANDFIELD h -7 WITHVALUES",
            "HRANDFIELD h 2 withvalues",
            "HRANDFIELD h " + LLONG_MIN,
            "HRANDFIELD h " + LLONG_MIN + " WITHVALUES",
            "HRANDFIELD h -9223372036854775807 WITHVALUES",
            "HRANDFIELD h 4611686018427387904 WITHVALUES",
            "HRANDFIELD h -4611686018427387904 WITHVALUES",
            Cmd("HRANDFIELD h 4611686018427387903 WITHVALUES", rule=WHOLE),
            "HRANDFIELD h abc",
            "HRANDFIELD h 1.5",
            "HRANDFIELD h 1 VALUES",
            "HRANDFIELD h 1 WITHVALUES x",
            "HRANDFIELD h abc WITHVALUES",
            "HRANDFIELD h abc BOGUS",
        ])

    def test_hrandfield_properties(self):
        c = self.a
        fields = {b"f%d" % i: b"v%d" % i for i in range(600)}  # a hashtable hash
        c.call("HSET", "h", *[x for kv in fields.items() for x in kv])
        for count in (1, 5, 100, 599, 600, 1000):
            got = decode(c.call("HRANDFIELD", "h", count))
            self.assertEqual(len(got), min(count, 600))
            self.assertEqual(len(set(got)), len(got))
            self.assertTrue(set(got) <= set(fields))
        got = decode(c.call("HRANDFIELD", "h", 50, "WITHVALUES"))
        self.assertEqual(len(got), 100)
        for f, v in zip(got[::2], got[1::2]):
            self.assertEqual(fields[f], v)
        self.assertEqual(len(set(got[::2])), 50)
        got = decode(c.call("HRANDFIELD", "h", -4000))
        self.assertEqual(len(got), 4000)
        self.assertTrue(set(got) <= set(fields))
        self.assertGreater(len(set(got)), 550)  # with 4000 draws, nearly every field shows up
        got = decode(c.call("HRANDFIELD", "h", -10, "WITHVALUES"))
        self.assertEqual(len(got), 20)
        for f, v in zip(got[::2], got[1::2]):
            self.assertEqual(fields[f], v)
        self.assertIn(decode(c.call("HRANDFIELD", "h")), fields)
        # Every field of a small hash comes up over many single draws.
        c.call("HSET", "small", "a", "1", "b", "2", "c", "3")
        seen = set(decode(c.call("HRANDFIELD", "small")) for _ in range(200))
        self.assertEqual(seen, {b"a", b"b", b"c"})
        # RESP3 nests field/value pairs.
        c.call("HELLO", "3")
        got = decode(c.call("HRANDFIELD", "h", -3, "WITHVALUES"))
        self.assertEqual(len(got), 3)
        for pair in got:
            self.assertEqual(len(pair), 2)
            self.assertEqual(fields[pair[0]], pair[1])
        # Absurd draw counts are refused instead of exhausting memory (Redis would try).
        if not self.server.reference_mode:
            self.assertTrue(c.call("HRANDFIELD", "h", "-100000000").startswith(b"-ERR"))


def _deep_unordered(v):
    if isinstance(v, list):
        return (type(v).__name__, sorted((_deep_unordered(x) for x in v), key=repr))
    if isinstance(v, dict):
        return ("map", sorted(v.items(), key=repr))
    return v


class HashTransactionTest(CompareTestCase):
    def test_multi_exec_sees_pending_fields(self):
        # Inside MULTI/EXEC each command reads the pending writes of the earlier ones, and
        # only those of its own keys.
        self.assertSame([
            "HSET z f 1",
            "MULTI",
            "HSET a x 1 y 2",
            "HSET h a 1 b 2",
            "HINCRBY h a 5",
            "HINCRBYFLOAT h b 0.5",
            "HSETNX h a 0",
            "HDEL h nofield",
            "HGETALL h",
            "HKEYS a",
            "HLEN h",
            "HRANDFIELD h 10 WITHVALUES",
            "HSCAN h 0",
            "EXEC",
            "HGETALL h",
        ], rules={"EXEC": by(_deep_unordered, "deep_unordered"),
                  "HGETALL": by(_unordered_pairs, "unordered_pairs")})


class HScanTest(CompareTestCase):
    def assertSame(self, commands, rules=None, a=None, b=None):
        super().assertSame(commands, dict(RULES, **(rules or {})), a, b)

    def test_small_hash_scans_whole(self):
        self.assertSame([
            "HSET h a 1 b 2 c 3 ab 4 '' e",
            "HSCAN h 0",
            "HSCAN h 17",
            "HSCAN h 0 COUNT 1",
            "HSCAN h 0 MATCH a*",
            "HSCAN h 0 MATCH *b COUNT 100",
            "HSCAN h 0 match ? count 1",
            "HSCAN h 0 MATCH ''",
            "HSCAN h 0 MATCH *",
            "HSCAN h 0 MATCH a* MATCH b*",
            "HSCAN h ''",
            "HSCAN h +5",
            "HSCAN h -1",
            "HSCAN nokey 0",
            "HSCAN nokey 0 MATCH x",
        ])

    def test_errors(self):
        self.assertSame([
            "HSET h a 1",
            "HSCAN h abc",
            "HSCAN h 1.5",
            "HSCAN h ' 1'",
            "HSCAN h 18446744073709551616",
            "HSCAN h 0 COUNT 0",
            "HSCAN h 0 COUNT -1",
            "HSCAN h 0 COUNT abc",
            "HSCAN h 0 COUNT",
            "HSCAN h 0 MATCH",
            "HSCAN h 0 NOVALUES",
            "HSCAN h 0 TYPE string",
            "HSCAN h 0 BOGUS x",
            "HSCAN h 0 COUNT 5 BOGUS",
            "HSCAN h 0 COUNT abc BOGUS",
            # The key is looked up before the options: a missing key answers an empty scan.
            "HSCAN nokey 0 BOGUS",
            "HSCAN nokey 0 COUNT 0",
            "HSCAN nokey abc",
            "SET s v",
            "HSCAN s 0 COUNT 0",
        ])

    def test_scan_shares_the_cursor_and_option_parser(self):
        # SCAN parses with the same helper: Redis's strtoul cursor rules, MATCH "" matching
        # only the empty name, the same option errors.
        self.assertSame([
            "SET a 1",
            "SET '' empty",
            "HSET h f v",
            "SCAN ''",
            "SCAN +0",
            "SCAN 0 MATCH ''",
            "SCAN 0 MATCH a COUNT 100",
            "SCAN 0 TYPE hash",
            "SCAN 0 TYPE nosuchtype",
            "SCAN ' 0'",
            "SCAN 0 NOVALUES",
            "SCAN 0 COUNT 0 MATCH a",
            "SCAN 0 COUNT abc",
        ])

    def full_hscan(self, client, key, *options):
        cursor, pairs, calls = b"0", [], 0
        for calls in harness.bounded(5000, 30):
            reply = decode(client.call("HSCAN", key, cursor, *options))
            cursor, items = reply
            pairs.extend(zip(items[::2], items[1::2]))
            if cursor == b"0":
                return pairs, calls + 1
        raise AssertionError("HSCAN did not finish")

    def test_big_hash_full_iteration(self):
        fields = {b"field:%d" % i: b"value:%d" % i for i in range(1000)}
        for c in (self.a, self.b):
            c.call("HSET", "big", *[x for kv in fields.items() for x in kv])
            self.assertEqual(c.call("OBJECT", "ENCODING", "big"), b"$9\r\nhashtable\r\n")
            pairs, calls = self.full_hscan(c, "big")
            self.assertEqual(dict(pairs), fields)  # every field, with its value
            self.assertGreater(calls, 20)  # COUNT 10 pages
            pairs, _ = self.full_hscan(c, "big", "COUNT", "100", "MATCH", "field:1*")
            self.assertEqual(set(dict(pairs)), {f for f in fields if f.startswith(b"field:1")})
        if self.server.reference_mode:
            return
        # redrock: a page never exceeds COUNT, and the scan ends exactly at the last field.
        pairs, calls = self.full_hscan(self.a, "big", "COUNT", "100")
        self.assertEqual(len(pairs), 1000)
        self.assertEqual(calls, 10)

    def test_scan_while_hash_changes(self):
        c = self.a
        c.call("HSET", "big", *[x for i in range(700) for x in (b"f%d" % i, b"v")])
        cursor, seen = b"0", set()
        for step in harness.bounded(1000, 30):
            cursor, items = decode(c.call("HSCAN", "big", cursor, "COUNT", "20"))
            seen.update(items[::2])
            c.call("HSET", "big", "new%d" % step, "v")  # fields added meanwhile may show up
            c.call("HDEL", "big", "f%d" % (699 - step))  # fields removed may be missed
            if cursor == b"0":
                break
        stable = {b"f%d" % i for i in range(700 - step - 1)}
        self.assertTrue(stable <= seen)  # present throughout: returned

    def test_cursor_does_not_leak_into_a_new_version(self):
        if self.server.reference_mode:
            self.skipTest("redrock's cursor scopes")
        c = self.a
        c.call("HSET", "big", *[x for i in range(600) for x in (b"a%03d" % i, b"v")])
        cursor, items = decode(c.call("HSCAN", "big", "0", "COUNT", "250"))
        self.assertNotEqual(cursor, b"0")
        c.call("DEL", "big")
        c.call("HSET", "big", *[x for i in range(600) for x in (b"a%03d" % i, b"v")])
        # The old cursor belongs to the dead version: the scan restarts from the first field.
        cursor, items = decode(c.call("HSCAN", "big", cursor, "COUNT", "5"))
        self.assertEqual(items[0], b"a000")


class HashRandomizedTest(CompareTestCase):
    """Seeded random mixes (harness.random_seeds) of the hash commands over a few keys and a
    string; every reply must match Redis's."""

    def test_random_sequence(self):
        rules = dict(RULES, HRANDFIELD=WHOLE)
        self.assertSameSeeded(self.make_commands, rules=rules)

    @staticmethod
    def make_commands(rng):
        keys = ["h1", "h2", "h3", "str"]
        fields = ["f%d" % i for i in range(8)] + ["", "n1", "n2", "x" * 70]

        def key():
            return rng.choice(keys)

        def field():
            return rng.choice(fields)

        def value():
            r = rng.random()
            if r < 0.3:
                return str(rng.randint(-1000, 1000))
            if r < 0.5:
                return rng.choice(["1.5", "-0.25", "3e2", "abc", "", " 7", "0"])
            if r < 0.55:
                return "v" * rng.choice([64, 65, 200])
            return "v%d" % rng.randint(0, 50)

        makers = [
            lambda: ["HSET", key()] + [x for _ in range(rng.randint(1, 3))
                                       for x in (field(), value())],
            lambda: ["HMSET", key(), field(), value()],
            lambda: ["HSETNX", key(), field(), value()],
            lambda: ["HGET", key(), field()],
            lambda: ["HMGET", key()] + [field() for _ in range(rng.randint(1, 4))],
            lambda: ["HDEL", key()] + [field() for _ in range(rng.randint(1, 3))],
            lambda: ["HLEN", key()],
            lambda: ["HEXISTS", key(), field()],
            lambda: ["HSTRLEN", key(), field()],
            lambda: ["HINCRBY", key(), field(), str(rng.randint(-100, 100))],
            lambda: ["HINCRBYFLOAT", key(), field(),
                     rng.choice(["0.5", "-1.25", "10", "1e3", "0.1", "abc"])],
            lambda: ["HGETALL", key()],
            lambda: ["HKEYS", key()],
            lambda: ["HVALS", key()],
            lambda: ["HRANDFIELD", key(), "1000", "WITHVALUES"],
            lambda: ["HSCAN", key(), "0", "COUNT", "1000"],
            lambda: ["OBJECT", "ENCODING", key()],
            lambda: ["EXISTS", key()],
            lambda: ["DEL", key()] if rng.random() < 0.2 else ["TYPE", key()],
            lambda: ["SET", "str", value()],
        ]
        return [rng.choice(makers)() for _ in range(harness.RANDOM_OPS_PER_SEED)]


class HashStatsTest(CompareTestCase):
    def stat(self, client, name):
        info = decode(client.call("INFO", "stats")).decode()
        for line in info.splitlines():
            if line.startswith(name + ":"):
                return int(line.split(":")[1])
        raise AssertionError("no %s in INFO" % name)

    def test_keyspace_hits_and_misses(self):
        commands = [["HSET", "h", "a", "1"], ["SET", "s", "v"], ["HGET", "h", "a"],
                    ["HGET", "h", "zz"], ["HGET", "nokey", "a"], ["HMGET", "h", "a", "b"],
                    ["HLEN", "nokey"], ["HGETALL", "h"], ["HEXISTS", "s", "a"],
                    ["HRANDFIELD", "h", "-2"], ["HSCAN", "h", "0"], ["HSCAN", "nokey", "0"],
                    ["HSTRLEN", "h", "a"], ["HKEYS", "nokey"], ["HSET", "h", "b", "2"]]
        for c in (self.a, self.b):
            before = (self.stat(c, "keyspace_hits"), self.stat(c, "keyspace_misses"))
            pipeline(c, commands)
            after = (self.stat(c, "keyspace_hits"), self.stat(c, "keyspace_misses"))
            if c is self.a:
                ours = (after[0] - before[0], after[1] - before[1])
            else:
                self.assertEqual(ours, (after[0] - before[0], after[1] - before[1]))


if __name__ == "__main__":
    harness.main(timeout=120)
