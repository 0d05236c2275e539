"""What the four collection types share, against Debian's redis-server 7.0: cursor scans that
page through the empty member "" (HSCAN, SSCAN, ZSCAN, and SCAN over the empty key name), a
seeded random mix of hashes, lists, sets and sorted sets in one small keyspace (WRONGTYPE
everywhere, the multi-key commands and their STORE forms across types), and the isolation of
numkeys commands (ZUNIONSTORE, LMPOP, SINTERCARD...) inside MULTI/EXEC, whose keys EXEC must
lock. Every test passes against Redis itself too (REDROCK_SERVER=/usr/bin/redis-server)."""

import threading

import harness
from harness import CompareTestCase, ServerTestCase, by, decode


class ScanThroughTheEmptyMemberTest(CompareTestCase):
    """"" is a legal field, member and key name, and the first in byte order: a page that
    ends at it must hand out a cursor that goes on after it. COUNTs of 1, 2, 3... make pages
    end at every position; every member must come back and every scan must end."""

    COUNTS = (1, 2, 3, 5, 64)

    def full_scan(self, client, args, count):
        cursor, items = b"0", []
        for _ in harness.bounded(2000, 60):
            cursor, page = decode(client.call(*(args + [cursor, "COUNT", str(count)])))
            items.extend(page)
            if cursor == b"0":
                return items
        raise AssertionError("%r COUNT %d did not end" % (args, count))

    def check(self, fill, scan_args, expected, pairs):
        for c in (self.a, self.b):
            for command in fill:
                c.call(*command)
            for count in self.COUNTS:
                items = self.full_scan(c, scan_args, count)
                members = items[::2] if pairs else items
                self.assertEqual(set(members), expected, (scan_args, count))

    def test_hscan(self):
        fields = [b""] + [b"f%03d" % i for i in range(200)]  # > 128 fields: paged by COUNT
        self.check([["HSET", "h"] + [x for f in fields for x in (f, b"v")]], ["HSCAN", "h"],
                   set(fields), pairs=True)

    def test_sscan(self):
        members = [b""] + [b"m%03d" % i for i in range(200)]
        self.check([["SADD", "s"] + members], ["SSCAN", "s"], set(members), pairs=False)

    def test_zscan(self):
        members = [b""] + [b"m%03d" % i for i in range(200)]
        self.check([["ZADD", "z"] + [x for i, m in enumerate(members) for x in (str(i), m)]],
                   ["ZSCAN", "z"], set(members), pairs=True)

    def test_scan_over_the_empty_key(self):
        keys = [b""] + [b"k%02d" % i for i in range(40)]
        self.check([["SET", k, "v"] for k in keys], ["SCAN"], set(keys), pairs=False)


def _unordered(v):
    if isinstance(v, list):
        return sorted(v, key=repr)
    return v


def _pairs(v):
    if isinstance(v, list):
        return sorted(zip(v[::2], v[1::2]), key=repr)
    return v


UNORDERED = by(_unordered, "unordered")
UNORDERED_PAIRS = by(_pairs, "unordered_pairs")
RULES = {
    "SMEMBERS": UNORDERED, "SINTER": UNORDERED, "SUNION": UNORDERED, "SDIFF": UNORDERED,
    "SRANDMEMBER": UNORDERED, "SPOP": UNORDERED, "HKEYS": UNORDERED, "HVALS": UNORDERED,
    "HGETALL": UNORDERED_PAIRS,
}


class CrossTypeRandomTest(CompareTestCase):
    """Seeded random mixes (harness.random_seeds) of the commands of every collection type
    on six keys that any command may hit: WRONGTYPE, STORE forms overwriting a key of
    another type, ZUNION and friends reading sets, RENAME/COPY carrying a collection onto
    another... Every reply must match Redis's."""

    def test_random_mix(self):
        self.assertSameSeeded(self.make_commands, rules=RULES)

    @staticmethod
    def make_commands(rnd):
        keys = ["k1", "k2", "k3", "k4", "k5", "k6"]
        elems = ["a", "b", "c", "", "1", "2", "x" * 70]

        def k():
            return rnd.choice(keys)

        def e():
            return rnd.choice(elems)

        def score():
            return rnd.choice(["0", "1", "-2", "2.5", "inf", "-inf"])

        def side():
            return rnd.choice(["LEFT", "RIGHT"])

        def numkeys(lo=1, hi=3):
            """A numkeys and its keys; now and then a count that does not match."""
            n = rnd.randint(lo, hi)
            given = [k() for _ in range(n)]
            r = rnd.random()
            if r < 0.03:
                return ["0"] + given
            if r < 0.06:
                return [str(n + 1)] + given
            return [str(n)] + given

        def combine():
            name = rnd.choice(["ZUNION", "ZINTER", "ZDIFF", "ZUNIONSTORE", "ZINTERSTORE",
                               "ZDIFFSTORE"])
            cmd = [name] + ([k()] if name.endswith("STORE") else []) + numkeys()
            if name in ("ZUNION", "ZINTER", "ZUNIONSTORE", "ZINTERSTORE") and rnd.random() < 0.3:
                cmd += ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]
            if not name.endswith("STORE") and rnd.random() < 0.5:
                cmd += ["WITHSCORES"]
            return cmd

        gens = [
            # hashes
            lambda: ["HSET", k(), e(), e()],
            lambda: ["HDEL", k(), e()],
            lambda: ["HGET", k(), e()],
            lambda: ["HINCRBY", k(), e(), "3"],
            lambda: ["HGETALL", k()],
            lambda: ["HLEN", k()],
            # lists
            lambda: [rnd.choice(["LPUSH", "RPUSH"]), k()] + [e() for _ in range(rnd.randint(1, 3))],
            lambda: [rnd.choice(["LPOP", "RPOP"]), k()],
            lambda: ["LRANGE", k(), "0", "-1"],
            lambda: ["LMOVE", k(), k(), side(), side()],
            lambda: ["RPOPLPUSH", k(), k()],
            lambda: ["LMPOP"] + numkeys() + [side()] +
            (["COUNT", "2"] if rnd.random() < 0.5 else []),
            # One slot for the blocking forms: a timeout costs Redis up to 100 ms (its hz).
            lambda: rnd.choice([["BLMPOP", "0.001"] + numkeys() + [side()],
                                ["BLPOP", k(), k(), "0.001"],
                                ["BLMOVE", k(), k(), side(), side(), "0.001"],
                                ["BZMPOP", "0.001"] + numkeys() + [rnd.choice(["MIN", "MAX"])],
                                ["BZPOPMIN", k(), k(), "0.001"]]),
            # sets
            lambda: ["SADD", k()] + [e() for _ in range(rnd.randint(1, 3))],
            lambda: ["SREM", k(), e()],
            lambda: ["SMEMBERS", k()],
            lambda: ["SISMEMBER", k(), e()],
            lambda: ["SMOVE", k(), k(), e()],
            lambda: [rnd.choice(["SINTER", "SUNION", "SDIFF"])] +
            [k() for _ in range(rnd.randint(1, 3))],
            lambda: [rnd.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), k()] +
            [k() for _ in range(rnd.randint(1, 3))],
            lambda: ["SINTERCARD"] + numkeys() + (["LIMIT", "1"] if rnd.random() < 0.3 else []),
            # sorted sets
            lambda: ["ZADD", k(), score(), e()],
            lambda: ["ZINCRBY", k(), score(), e()],
            lambda: ["ZREM", k(), e()],
            lambda: ["ZRANGE", k(), "0", "-1", "WITHSCORES"],
            lambda: ["ZCARD", k()],
            combine, combine,
            lambda: ["ZINTERCARD"] + numkeys(),
            lambda: ["ZMPOP"] + numkeys() + [rnd.choice(["MIN", "MAX"])],
            lambda: ["ZRANGESTORE", k(), k(), "0", "-1"],
            # any type
            lambda: ["TYPE", k()],
            lambda: ["OBJECT", "ENCODING", k()],
            lambda: ["EXISTS", k(), k()],
            lambda: ["DEL", k()],
            lambda: ["SET", k(), e()],
            lambda: ["RENAME", k(), k()],
            lambda: ["COPY", k(), k()] + (["REPLACE"] if rnd.random() < 0.5 else []),
        ]
        cmds = [rnd.choice(gens)() for _ in range(harness.RANDOM_OPS_PER_SEED)]
        for key in keys:  # the final state, whatever the type (WRONGTYPE for the others)
            cmds += [["TYPE", key], ["HGETALL", key], ["LRANGE", key, "0", "-1"],
                     ["SMEMBERS", key], ["ZRANGE", key, "0", "-1", "WITHSCORES"]]
        return cmds


class NumKeysIsolationTest(ServerTestCase):
    """EXEC locks the keys of every queued command up front, numkeys commands included
    (their keys come from key specs, as COMMAND GETKEYS finds them). A writer keeps adding to
    those keys meanwhile. Transactions made of numkeys commands only (so that no other
    command's keys cover for them) must see no write between their commands: the same read
    twice answers the same, and a pop of everything leaves nothing for the pop after it."""

    def test_transactions_see_no_concurrent_write(self):
        stop = threading.Event()
        errors = []

        def writer():
            c = self.server.raw()
            try:
                for i in harness.bounded(10 ** 7, 60):
                    if stop.is_set():
                        break
                    c.call("ZADD", "z", str(i), "m%d" % i)
                    c.call("SADD", "s", "m%d" % i)
                    c.call("RPUSH", "l", "e%d" % i)
            except Exception as e:  # reported below
                errors.append(repr(e))
            finally:
                c.close()

        t = threading.Thread(target=writer)
        t.start()
        c = self.raw()
        same = [  # both replies equal
            (["ZINTERCARD", "1", "z"], ["ZINTERCARD", "1", "z"]),
            (["ZUNION", "2", "z", "none"], ["ZUNION", "2", "z", "none"]),
            (["ZINTER", "1", "z", "WITHSCORES"], ["ZINTER", "1", "z", "WITHSCORES"]),
            (["ZDIFF", "2", "z", "none"], ["ZDIFF", "2", "z", "none"]),
            (["SINTERCARD", "1", "s"], ["SINTERCARD", "1", "s"]),
            (["ZUNIONSTORE", "copy", "1", "z"], ["ZINTERCARD", "2", "z", "copy"]),
        ]
        drains = [  # the second pop finds nothing
            ["LMPOP", "2", "none", "l", "LEFT", "COUNT", "1000000"],
            ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "1000000"],
            ["ZMPOP", "1", "z", "MIN", "COUNT", "1000000"],
            ["BZMPOP", "0", "1", "z", "MIN", "COUNT", "1000000"],
        ]
        try:
            for round_ in harness.bounded(150, 20):
                for first, second in same + [(d, d) for d in drains]:
                    c.call("MULTI")
                    c.call(*first)
                    c.call(*second)
                    r1, r2 = decode(c.call("EXEC"))
                    if first in drains:
                        self.assertIsNone(r2, (first, round_))
                    else:
                        self.assertEqual(r1, r2, (first, second, round_))
        finally:
            stop.set()
            t.join(10)
        self.assertEqual(errors, [])


if __name__ == "__main__":
    harness.main(timeout=240)
