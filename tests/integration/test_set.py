"""Set commands, reply for reply against Debian's redis-server 7.0: SADD SREM SMEMBERS SISMEMBER
SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SINTER SUNION SDIFF, their STORE forms, SINTERCARD, SSCAN,
encodings, RESP3 shapes, every error reply, and a seeded random sequence. Replies whose order
Redis leaves unspecified are compared as multisets; random replies are checked by properties."""


import harness
from harness import CompareTestCase, Cmd, RespSet, by, decode

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"


def _unordered(v):
    """Order-free form of a reply, keeping its RESP type."""
    if isinstance(v, list):
        return (type(v).__name__, sorted(v, key=repr))
    return v


def _scan_unordered(v):
    if isinstance(v, list) and len(v) == 2 and isinstance(v[1], list):
        return (v[0], sorted(v[1]))
    return v


def _shape_len(v):
    """Random replies: type and length only."""
    if isinstance(v, list):
        return (type(v).__name__, len(v))
    return type(v).__name__ if not isinstance(v, harness.Error) else v


UNORDERED = by(_unordered, "unordered")
RULES = {
    "SMEMBERS": UNORDERED,
    "SINTER": UNORDERED,
    "SUNION": UNORDERED,
    "SDIFF": UNORDERED,
    "SSCAN": by(_scan_unordered, "scan_unordered"),
    "SRANDMEMBER": by(_shape_len, "shape_len"),
    "SPOP": by(_shape_len, "shape_len"),
}


def members(client, key):
    return set(decode(client.call("SMEMBERS", key)))


class SetCompareTest(CompareTestCase):
    def assertSame(self, commands, rules=None, a=None, b=None):
        super().assertSame(commands, dict(RULES, **(rules or {})), a, b)


class SetBasicsTest(SetCompareTest):
    def test_add_remove_membership(self):
        self.assertSame([
            "SADD s a b c",
            "SADD s a d a",
            "SADD s a",
            "SCARD s",
            "SCARD nokey",
            "SMEMBERS s",
            "SMEMBERS nokey",
            "SISMEMBER s a",
            "SISMEMBER s z",
            "SISMEMBER nokey a",
            "SMISMEMBER s a z d a",
            "SMISMEMBER nokey a b",
            "SREM s a z a",
            "SREM s z",
            "SREM nokey a",
            "SREM s b c d",
            "EXISTS s",
            "SCARD s",
            "DBSIZE",
            "SADD s ''",
            "SISMEMBER s ''",
            ["SADD", "bin", b"\x00\xff", b"\r\n", b""],
            ["SMEMBERS", "bin"],
            ["SISMEMBER", "bin", b"\x00\xff"],
            "sadd S Upper",
            "SMEMBERS S",
            "TYPE S",
        ])

    def test_arity_and_syntax_errors(self):
        self.assertSame([
            "SADD s",
            "SADD",
            "SREM s",
            "SMEMBERS",
            "SMEMBERS s x",
            "SISMEMBER s",
            "SISMEMBER s a b",
            "SMISMEMBER s",
            "SCARD",
            "SPOP",
            "SRANDMEMBER",
            "SMOVE a b",
            "SMOVE a b c d",
            "SINTER",
            "SUNION",
            "SDIFF",
            "SINTERSTORE d",
            "SUNIONSTORE d",
            "SDIFFSTORE d",
            "SINTERCARD 1",
            "SSCAN s",
            "DBSIZE",
        ])

    def test_wrong_type(self):
        self.assertSame([
            "SET str v",
            "HSET h f v",
            "SADD s a",
            "SADD str a",
            "SREM str a",
            "SMEMBERS str",
            "SISMEMBER str a",
            "SMISMEMBER str a",
            "SCARD str",
            "SPOP str",
            "SPOP str 0",
            "SPOP str 2",
            "SPOP str -1",
            "SRANDMEMBER str",
            "SRANDMEMBER str 0",
            "SRANDMEMBER str -3",
            "SRANDMEMBER str x",
            "SMOVE str s a",
            "SMOVE s str a",
            "SMOVE s str nomember",
            "SMOVE nokey str a",
            "SMOVE s h a",
            "SINTER s str",
            "SINTER nokey str",
            "SINTER str nokey",
            "SUNION s h",
            "SDIFF nokey str",
            "SDIFF s nokey str",
            "SINTERSTORE d s str",
            "SUNIONSTORE d str",
            "SDIFFSTORE d nokey h",
            "EXISTS d",
            "SINTERCARD 2 s str",
            "SINTERCARD 2 nokey str",
            "SSCAN str 0",
            "SSCAN str 0 COUNT 0",
            "GET str",
            "SMEMBERS s",
        ])

    def test_encoding(self):
        ints = " ".join(str(i) for i in range(512))
        self.assertSame([
            "SADD i 1 2 3",
            "OBJECT ENCODING i",
            "SADD i -9223372036854775808 9223372036854775807",
            "OBJECT ENCODING i",
            "SADD j 1 01",
            "OBJECT ENCODING j",
            "SADD k 1 -0",
            "OBJECT ENCODING k",
            "SADD l 9223372036854775808",
            "OBJECT ENCODING l",
            "SADD m a",
            "OBJECT ENCODING m",
            "SADD i x",
            "SREM i x",
            "OBJECT ENCODING i",
            "SADD big " + ints,
            "OBJECT ENCODING big",
            "SADD big 0 1",
            "OBJECT ENCODING big",
            "SADD big 512",
            "OBJECT ENCODING big",
            "SREM big 512 511",
            "OBJECT ENCODING big",
            "SINTERSTORE d1 i i",
            "OBJECT ENCODING d1",
            "SADD mix a 1 2",
            "SDIFFSTORE d2 mix m nokey",
            "OBJECT ENCODING d2",
            "SDIFFSTORE d3 mix j",
            "OBJECT ENCODING d3",
            "SMOVE mix new1 1",
            "OBJECT ENCODING new1",
            "SMOVE mix new2 a",
            "OBJECT ENCODING new2",
            "COPY big bigcopy",
            "OBJECT ENCODING bigcopy",
            "CONFIG SET set-max-intset-entries 3",
            "SADD small 1 2 3",
            "OBJECT ENCODING small",
            "SADD small 4",
            "OBJECT ENCODING small",
            "CONFIG SET set-max-intset-entries 512",
        ])

    def test_spop_and_srandmember_replies(self):
        self.assertSame([
            "SPOP nokey",
            "SPOP nokey 3",
            "SPOP nokey 0",
            "SRANDMEMBER nokey",
            "SRANDMEMBER nokey 3",
            "SRANDMEMBER nokey -3",
            "SADD one x",
            "SRANDMEMBER one",
            "SRANDMEMBER one -3",
            "SRANDMEMBER one 5",
            "SPOP one",
            "EXISTS one",
            "SADD s a b c",
            "SPOP s 0",
            "SRANDMEMBER s 0",
            Cmd("SRANDMEMBER s 3", rule=UNORDERED),
            Cmd("SRANDMEMBER s " + LLONG_MAX, rule=UNORDERED),
            "SRANDMEMBER s -5",
            "SRANDMEMBER s " + LLONG_MIN,
            "SRANDMEMBER s abc",
            "SRANDMEMBER s 1.5",
            "SRANDMEMBER s 1 2",
            "SPOP s -1",
            "SPOP s abc",
            "SPOP s " + LLONG_MIN,
            "SPOP s 1 2",
            "SPOP s 1",
            "SCARD s",
            "SPOP s 10",
            "EXISTS s",
            "SADD t 1 2",
            Cmd("SPOP t " + LLONG_MAX, rule=UNORDERED),
            "EXISTS t",
        ])

    def test_smove(self):
        self.assertSame([
            "SADD src a b",
            "SADD dst 1",
            "SMOVE src dst a",
            "SMOVE src dst a",
            "SMOVE src dst zz",
            "SMEMBERS src",
            "SMEMBERS dst",
            "SMOVE src src b",
            "SMOVE src src q",
            "SMOVE nokey dst a",
            "SMOVE src fresh b",
            "EXISTS src",
            "SMEMBERS fresh",
            "SADD p m n",
            "SADD q m",
            "SMOVE p q m",
            "SCARD p",
            "SCARD q",
            "SADD e x",
            "EXPIRE e 100",
            "SMOVE q e m",
            Cmd("TTL e", rule=harness.tolerance(1)),
        ])

    def test_resp3_shapes(self):
        self.assertSame([
            "HELLO 3",
            "SADD s a b c",
            "SMEMBERS s",
            "SMEMBERS nokey",
            "SINTER s nokey",
            "SUNION s nokey",
            "SDIFF nokey s",
            "SINTERCARD 1 s",
            "SMISMEMBER s a x",
            "SPOP nokey",
            "SPOP nokey 2",
            "SPOP s 0",
            "SRANDMEMBER nokey",
            "SRANDMEMBER nokey 2",
            "SRANDMEMBER s -4",
            Cmd("SRANDMEMBER s 10", rule=UNORDERED),
            "SPOP s 1",  # random from here on: shapes only
            "SRANDMEMBER s 10",
            "SPOP s 10",
            "SSCAN nokey 0",
            "SADD s2 1",
            "SSCAN s2 0",
        ])


class SetAlgebraTest(SetCompareTest):
    def test_inter_union_diff(self):
        self.assertSame([
            "SADD a 1 2 3 4 x",
            "SADD b 2 3 5 y",
            "SADD c 3 4 5 z",
            "SINTER a",
            "SINTER a b",
            "SINTER a b c",
            "SINTER a b nokey",
            "SINTER a a",
            "SUNION a b",
            "SUNION a b c nokey",
            "SUNION nokey",
            "SUNION a a",
            "SDIFF a b",
            "SDIFF a b c",
            "SDIFF a nokey",
            "SDIFF nokey a",
            "SDIFF a a",
            "SDIFF b a c",
        ])

    def test_store(self):
        self.assertSame([
            "SADD a 1 2 3 4 x",
            "SADD b 2 3 5 y",
            "SINTERSTORE d a b",
            "SMEMBERS d",
            "SUNIONSTORE d a b",
            "SCARD d",
            "SDIFFSTORE d a b",
            "SMEMBERS d",
            "SINTERSTORE d a nokey",
            "EXISTS d",
            "SUNIONSTORE d nokey",
            "EXISTS d",
            "SET str v",
            "EXPIRE str 1000",
            "SUNIONSTORE str a",
            "TYPE str",
            "TTL str",
            "SINTERSTORE str nokey",
            "EXISTS str",
            "HSET h f v",
            "SDIFFSTORE h a a",
            "EXISTS h",
            "SINTERSTORE a a b",
            "SMEMBERS a",
            "SUNIONSTORE b b a",
            "SMEMBERS b",
            "SDIFFSTORE b b a",
            "SMEMBERS b",
            "SDIFFSTORE b b b",
            "EXISTS b",
            "DBSIZE",
        ])

    def test_sintercard(self):
        self.assertSame([
            "SADD a 1 2 3 4 5",
            "SADD b 2 3 4 5 6",
            "SINTERCARD 1 a",
            "SINTERCARD 2 a b",
            "SINTERCARD 2 a b LIMIT 0",
            "SINTERCARD 2 a b LIMIT 2",
            "SINTERCARD 2 a b LIMIT 4",
            "SINTERCARD 2 a b LIMIT 100",
            "SINTERCARD 2 a b limit 2 LIMIT 3",
            "SINTERCARD 2 a nokey",
            "SINTERCARD 3 a b a",
            "SINTERCARD 0 a",
            "SINTERCARD -1 a",
            "SINTERCARD abc a",
            "SINTERCARD 1.5 a",
            "SINTERCARD 3 a b",
            "SINTERCARD 2 a b LIMIT -1",
            "SINTERCARD 2 a b LIMIT abc",
            "SINTERCARD 2 a b LIMIT",
            "SINTERCARD 2 a b BOGUS",
            "SINTERCARD 2 a b LIMIT 1 BOGUS",
            "SINTERCARD 1 a b",
            "SINTERCARD " + LLONG_MAX + " a",
        ])

    def test_big_sets(self):
        # Hashtable sets of a few thousand members: merge joins against Redis's hash lookups.
        evens = ["m%d" % i for i in range(0, 6000, 2)]
        threes = ["m%d" % i for i in range(0, 6000, 3)]
        for c in (self.a, self.b):
            c.call("SADD", "evens", *evens)
            c.call("SADD", "threes", *threes)
        self.assertSame([
            "SCARD evens",
            "SINTERCARD 2 evens threes",
            "SINTERCARD 2 evens threes LIMIT 77",
            "SINTER evens threes",
            "SUNION evens threes",
            "SDIFF evens threes",
            "SDIFFSTORE d threes evens",
            "SUNIONSTORE u evens threes",
            "SCARD u",
            "OBJECT ENCODING u",
            "SINTERSTORE i evens threes nokey",
            "EXISTS i",
        ])


def _deep_unordered(v):
    if isinstance(v, list):
        return (type(v).__name__, sorted((_deep_unordered(x) for x in v), key=repr))
    return v


class SetTransactionTest(SetCompareTest):
    def test_multi_exec_sees_pending_members(self):
        # Inside MULTI/EXEC each command reads the pending writes of the earlier ones, and
        # only those of its own keys.
        self.assertSame([
            "SADD z 9",
            "MULTI",
            "SADD a 1 2 x",
            "SADD m 2 3 x",
            "SADD m 4",
            "SMEMBERS m",
            "SINTER a m",
            "SUNION m z",
            "SDIFF m a",
            "SINTERSTORE d a m",
            "SCARD d",
            "SMOVE d e x",
            "SPOP d 5",
            "SINTERCARD 2 a m",
            "SSCAN m 0",
            "SRANDMEMBER m 10",
            "OBJECT ENCODING m",
            "EXEC",
            "SMEMBERS m",
            "SMEMBERS e",
            "EXISTS d",
        ], rules={"EXEC": by(_deep_unordered, "deep_unordered")})


class SetRandomTest(SetCompareTest):
    def test_spop_properties(self):
        c = self.a
        all_members = {b"m%d" % i for i in range(2000)}
        c.call("SADD", "s", *all_members)
        popped = set()
        for count in (1, 10, 100, 500):
            got = decode(c.call("SPOP", "s", count))
            self.assertEqual(len(got), count)
            self.assertEqual(len(set(got)), count)
            self.assertFalse(popped & set(got))
            popped |= set(got)
        one = decode(c.call("SPOP", "s"))
        self.assertIn(one, all_members - popped)
        popped.add(one)
        self.assertEqual(members(c, "s"), all_members - popped)
        self.assertEqual(decode(c.call("SCARD", "s")), 2000 - len(popped))
        rest = decode(c.call("SPOP", "s", 5000))
        self.assertEqual(set(rest) | popped, all_members)
        self.assertEqual(decode(c.call("EXISTS", "s")), 0)
        # Popping most of a set of integers that became a hashtable rebuilds an intset.
        c.call("SADD", "ints", *range(20), "word")
        c.call("SREM", "ints", "word")
        c.call("SPOP", "ints", 17)
        self.assertEqual(c.call("OBJECT", "ENCODING", "ints"), b"$6\r\nintset\r\n")

    def test_srandmember_properties(self):
        c = self.a
        all_members = {b"m%d" % i for i in range(2000)}
        c.call("SADD", "s", *all_members)
        for count in (1, 7, 100, 700, 1999, 2000, 5000):
            got = decode(c.call("SRANDMEMBER", "s", count))
            self.assertEqual(len(got), min(count, 2000))
            self.assertEqual(len(set(got)), len(got))
            self.assertTrue(set(got) <= all_members)
        got = decode(c.call("SRANDMEMBER", "s", -6000))
        self.assertEqual(len(got), 6000)
        self.assertTrue(set(got) <= all_members)
        self.assertGreater(len(set(got)), 1800)
        self.assertEqual(decode(c.call("SCARD", "s")), 2000)  # nothing removed
        # Small sets: every member shows up, repeats do happen.
        c.call("SADD", "small", "a", "b", "c")
        seen = set(decode(c.call("SRANDMEMBER", "small")) for _ in range(200))
        self.assertEqual(seen, {b"a", b"b", b"c"})
        got = decode(c.call("SRANDMEMBER", "small", -50))
        self.assertEqual(len(got), 50)
        self.assertEqual(set(got), {b"a", b"b", b"c"})
        if not self.server.reference_mode:  # Redis would try to build the reply
            self.assertTrue(c.call("SRANDMEMBER", "s", "-100000000").startswith(b"-ERR"))


class SScanTest(SetCompareTest):
    def test_intset_scans_whole(self):
        self.assertSame([
            "SADD s 1 2 3 10 20 -5",
            "SSCAN s 0",
            "SSCAN s 123",
            "SSCAN s 0 COUNT 1",
            "SSCAN s 0 MATCH 1*",
            "SSCAN s 0 MATCH -* COUNT 2",
            "SSCAN s 0 MATCH ''",
            "SSCAN nokey 0",
            "SSCAN nokey 0 NOVALUES",
            "SSCAN s 0 NOVALUES",
            "SSCAN s 0 TYPE set",
            "SSCAN s abc",
            "SSCAN s 0 COUNT 0",
            "SSCAN s 0 COUNT x",
            "SSCAN s 0 MATCH",
            "SSCAN s -1",
            "SSCAN s ''",
        ])

    def test_hashtable_full_iteration(self):
        all_members = {b"m%d" % i for i in range(1500)}
        for c in (self.a, self.b):
            c.call("SADD", "big", *all_members)
            cursor, seen = b"0", []
            for calls in harness.bounded(5000, 30):
                cursor, items = decode(c.call("SSCAN", "big", cursor, "COUNT", "50"))
                seen.extend(items)
                if cursor == b"0":
                    break
            self.assertEqual(set(seen), all_members)
            self.assertGreater(calls, 10)
            cursor, seen = b"0", []
            for calls in harness.bounded(5000, 30):
                cursor, items = decode(c.call("SSCAN", "big", cursor, "MATCH", "m1?", "COUNT",
                                              "200"))
                seen.extend(items)
                if cursor == b"0":
                    break
            self.assertEqual(set(seen), {b"m1%d" % i for i in range(10)})


class SetRandomizedTest(SetCompareTest):
    """Seeded random mixes (harness.random_seeds) of the set commands, the algebra and its
    STORE forms over a few keys, a string and a sorted set (WRONGTYPE); every reply must
    match Redis's."""

    def test_random_sequence(self):
        rules = dict(RULES, SRANDMEMBER=UNORDERED, SPOP=UNORDERED)
        self.assertSameSeeded(self.make_commands, rules=rules)

    @staticmethod
    def make_commands(rng):
        keys = ["s1", "s2", "s3", "str", "zset"]
        pool = [str(i) for i in range(12)] + ["a", "b", "c", "", "-3", "07", "x" * 70]

        def key():
            return rng.choice(keys)

        def member():
            return rng.choice(pool)

        def some(lo, hi):
            return [member() for _ in range(rng.randint(lo, hi))]

        def keyset(lo, hi):
            return [key() for _ in range(rng.randint(lo, hi))]

        makers = [
            lambda: ["SADD", key()] + some(1, 4),
            lambda: ["SADD", key()] + some(1, 4),
            lambda: ["SREM", key()] + some(1, 3),
            lambda: ["SMEMBERS", key()],
            lambda: ["SISMEMBER", key(), member()],
            lambda: ["SMISMEMBER", key()] + some(1, 3),
            lambda: ["SCARD", key()],
            lambda: ["SMOVE", key(), key(), member()],
            lambda: ["SINTER"] + keyset(1, 3),
            lambda: ["SUNION"] + keyset(1, 3),
            lambda: ["SDIFF"] + keyset(1, 3),
            lambda: ["SINTERSTORE", key()] + keyset(1, 3),
            lambda: ["SUNIONSTORE", key()] + keyset(1, 3),
            lambda: ["SDIFFSTORE", key()] + keyset(1, 3),
            lambda: ["SINTERCARD", "2"] + keyset(2, 2) + (["LIMIT", str(rng.randint(0, 3))]
                                                         if rng.random() < 0.5 else []),
            lambda: ["SINTERCARD", str(rng.randint(1, 3))] + keyset(3, 3),
            lambda: ["SRANDMEMBER", key(), "100"],
            lambda: ["SPOP", key(), "100"] if rng.random() < 0.1 else ["SCARD", key()],
            lambda: ["SSCAN", key(), "0", "COUNT", "1000"],
            lambda: ["OBJECT", "ENCODING", key()],
            lambda: ["DEL", key()] if rng.random() < 0.2 else ["EXISTS", key()],
            lambda: ["SET", "str", "v"],
            lambda: ["ZADD", "zset", "1", member()],
        ]
        return [rng.choice(makers)() for _ in range(harness.RANDOM_OPS_PER_SEED)]


class SetStatsTest(CompareTestCase):
    def stat(self, client, name):
        info = decode(client.call("INFO", "stats")).decode()
        for line in info.splitlines():
            if line.startswith(name + ":"):
                return int(line.split(":")[1])
        raise AssertionError("no %s in INFO" % name)

    def test_keyspace_hits_and_misses(self):
        commands = [["SADD", "s", "a"], ["SET", "str", "v"], ["SMEMBERS", "s"],
                    ["SMEMBERS", "nokey"], ["SISMEMBER", "s", "a"], ["SCARD", "nokey"],
                    ["SINTER", "s", "nokey", "s"], ["SUNION", "nokey", "str"],
                    ["SINTERCARD", "2", "s", "nokey"], ["SRANDMEMBER", "s"],
                    ["SRANDMEMBER", "nokey", "-3"], ["SSCAN", "s", "0"], ["SMISMEMBER", "s", "a"],
                    ["SPOP", "nokey"], ["SMOVE", "s", "t", "a"]]
        deltas = []
        for c in (self.a, self.b):
            before = (self.stat(c, "keyspace_hits"), self.stat(c, "keyspace_misses"))
            for cmd in commands:
                c.call(*cmd)
            after = (self.stat(c, "keyspace_hits"), self.stat(c, "keyspace_misses"))
            deltas.append((after[0] - before[0], after[1] - before[1]))
        self.assertEqual(deltas[0], deltas[1])


if __name__ == "__main__":
    harness.main(timeout=120)
