"""Sorted-set commands reply for reply against Debian's redis-server 7.0: every command and
error, RESP3 shapes, score formatting (-0, inf, denormals), encodings, a seeded random
sequence, properties of the random commands (ZRANDMEMBER, ZSCAN of big sets), and the
blocking commands (BZPOPMIN, BZPOPMAX, BZMPOP) with concurrent clients. Every test passes
against Redis itself too (REDROCK_SERVER=/usr/bin/redis-server)."""

import harness
from harness import Cmd, CompareTestCase, ServerTestCase, decode

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"


def zadd_many(key, n, score=lambda i: i, member=lambda i: "m%d" % i):
    """One ZADD command adding n members."""
    cmd = ["ZADD", key]
    for i in range(n):
        cmd += [repr(float(score(i))) if not isinstance(score(i), str) else score(i), member(i)]
    return cmd


class AddTest(CompareTestCase):
    def test_zadd_and_zincrby(self):
        self.assertSame([
            "ZADD z 1 a",
            "ZADD z 2 b 3 c 1 a",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZADD z 5 a 5 a 6 a",  # a member named twice sees its first change
            "ZSCORE z a",
            "ZADD z CH 7 a 7 b 8 new",
            "ZADD z CH 7 a",
            "ZINCRBY z 2.5 a",
            "ZINCRBY z -10 nope",
            "ZINCRBY nokey 1 m",
            "ZINCRBY z abc a",
            "ZINCRBY z 1e400 a",
            "ZINCRBY z nan a",
            "ZINCRBY z nx a",
            "ZINCRBY z 1",
            "ZINCRBY z 1 a b",
            "ZADD z 1",
            "ZADD z 1 a 2",
            "ZADD z",
            "ZADD z nx",
            "ZADD z abc a",
            "ZADD z 1 a abc b",
            "ZADD z ' 1' a",
            "ZADD z '1 ' a",
            "ZADD z '' a",
            "ZADD z 0x10 hex",
            "ZADD z 1e5 e 1E-3 f .5 g 5. h +3 p",
            "ZADD z inf i -inf ni +inf pi",
            "ZADD z Infinity x",
            "ZADD z nan a",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZCARD z",
            ["ZADD", "bin", "1", b"\x00\xff", "1", "", "1", b"\r\n"],
            ["ZRANGE", "bin", "0", "-1"],
        ])

    def test_zadd_options(self):
        self.assertSame([
            "ZADD z 10 a 20 b",
            "ZADD z NX 99 a 30 c",
            "ZADD z XX 11 a 40 d",
            "ZADD z XX CH 11 a 12 b",
            "ZADD z GT 5 a 15 a",
            "ZADD z GT CH 1 a 100 b 50 e",
            "ZADD z LT CH 1 a 100 b",
            "ZADD z XX GT CH 2 a 200 b 7 zz",
            "ZADD z XX LT 1 a",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZADD z NX XX 1 a",
            "ZADD z XX NX 1 a",
            "ZADD z GT LT 1 a",
            "ZADD z NX GT 1 a",
            "ZADD z NX LT 1 a",
            "ZADD z NX XX GT 1 a",  # NX XX is reported first
            "ZADD z INCR 1 a 2 b",
            "ZADD z INCR XX NX 1 a 2 b",
            "ZADD z nx xx",
            "ZADD z gt lt 1 a 2",
            "ZADD z ch ch ch 1 a",
            "ZADD z incr incr 1 a",
            "ZADD z INCR 5 a",
            "ZADD z INCR NX 5 a",
            "ZADD z INCR NX 5 newmember",
            "ZADD z INCR XX 5 nomember",
            "ZADD z INCR GT -5 a",
            "ZADD z INCR LT -5 a",
            "ZADD z INCR LT 5 a",
            "ZADD z INCR GT 5 a",
            "ZADD z INCR CH 0 a",
            "ZADD nokey XX 1 a",
            "ZADD nokey XX INCR 1 a",
            "EXISTS nokey",
            "ZADD nokey GT 1 a",
            "ZADD nokey2 LT CH 1 a",
            "ZRANGE z 0 -1 WITHSCORES",
        ])

    def test_scores_and_nan(self):
        self.assertSame([
            "ZADD z 0 b -0 a",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZSCORE z a",
            "ZADD z -0 c 0 d",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZINCRBY z -0 a",
            "ZINCRBY z -0 newneg",
            "ZSCORE z newneg",
            "ZADD z INCR -0 newneg2",
            "ZADD z 1e-320 den -1e-320 nden 4.9e-324 tiny",
            "ZADD z 0.1 p1 1.7976931348623157e308 max -1.7976931348623157e308 min",
            "ZADD z 12345678901234567890 big 3.0000000000000004 prec 1e16 e16",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZADD z inf i",
            "ZINCRBY z -inf i",
            "ZADD z INCR -inf i",
            "ZSCORE z i",
            "ZINCRBY z inf i",
            "ZADD z 1.5e308 huge",
            "ZINCRBY z 1.5e308 huge",
            "ZSCORE z huge",
            "ZRANGEBYSCORE z -0 0 WITHSCORES",
            "ZRANGEBYSCORE z (0 (1e-300 WITHSCORES",
            "ZCOUNT z -inf +inf",
        ])


class ReadTest(CompareTestCase):
    def test_point_reads(self):
        self.assertSame([
            "ZADD z 1 a 2 b 3 c 3 d",
            "ZSCORE z a",
            "ZSCORE z nope",
            "ZSCORE nokey a",
            "ZMSCORE z a nope c",
            "ZMSCORE nokey a b",
            "ZMSCORE z",
            "ZCARD z",
            "ZCARD nokey",
            "ZRANK z a",
            "ZRANK z d",
            "ZRANK z nope",
            "ZRANK nokey a",
            "ZREVRANK z a",
            "ZREVRANK z d",
            "ZREVRANK z nope",
            "ZSCORE z",
            "ZSCORE z a b",
            "ZCARD",
            "ZCARD z z",
            "ZRANK z",
            "ZRANK z a WITHSCORE",
            "ZREVRANK z a b",
        ])

    def test_counts(self):
        self.assertSame([
            "ZADD z 1 a 2 b 2 c 3 d -inf ninf inf pinf",
            "ZCOUNT z 1 2",
            "ZCOUNT z (1 2",
            "ZCOUNT z (1 (2",
            "ZCOUNT z -inf +inf",
            "ZCOUNT z (-inf (+inf",
            "ZCOUNT z 2 1",
            "ZCOUNT z (2 2",
            "ZCOUNT z '' 1",
            "ZCOUNT z ( 1",
            "ZCOUNT z ' 1' 2",
            "ZCOUNT z 0x1 0x2",
            "ZCOUNT z 1e400 inf",
            "ZCOUNT z abc 1",
            "ZCOUNT z 1 abc",
            "ZCOUNT z [1 2",
            "ZCOUNT z nan 2",
            "ZCOUNT z 1 (nan",
            "ZCOUNT z '1 ' 2",
            "ZCOUNT nokey 1 2",
            "ZCOUNT nokey abc 2",
            "ZCOUNT z 1",
            "ZADD l 0 a 0 b 0 c 0 d 0 e",
            "ZLEXCOUNT l - +",
            "ZLEXCOUNT l [b [d",
            "ZLEXCOUNT l (b (d",
            "ZLEXCOUNT l (b [bb",
            "ZLEXCOUNT l + -",
            "ZLEXCOUNT l - -",
            "ZLEXCOUNT l + +",
            "ZLEXCOUNT l [c (c",
            "ZLEXCOUNT l [c [c",
            "ZLEXCOUNT l a [c",
            "ZLEXCOUNT l [a c",
            "ZLEXCOUNT l '' +",
            "ZLEXCOUNT l -a +",
            "ZLEXCOUNT l - +a",
            "ZLEXCOUNT nokey - +",
            "ZLEXCOUNT nokey a b",
            "ZLEXCOUNT z - +",
            "ZLEXCOUNT z [a [c",
            "ZLEXCOUNT l - + x",
        ])


class RangeTest(CompareTestCase):
    def test_zrange_by_rank(self):
        self.assertSame([
            "ZADD z 1 a 2 b 3 c 4 d 5 e",
            "ZRANGE z 0 -1",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZRANGE z 1 2",
            "ZRANGE z -2 -1",
            "ZRANGE z -100 100",
            "ZRANGE z 3 1",
            "ZRANGE z 5 10",
            "ZRANGE z -1 -2",
            "ZRANGE z 0 0 REV",
            "ZRANGE z 0 -1 REV WITHSCORES",
            "ZRANGE z 1 3 rev withscores",
            "ZRANGE z 0 -1 LIMIT 0 1",
            "ZRANGE z 0 -1 LIMIT 0 -1",
            "ZRANGE z 0 -1 LIMIT 1 -1",
            "ZRANGE z 0 -1 LIMIT 0",
            "ZRANGE z a 1",
            "ZRANGE z 0 1.5",
            "ZRANGE z 0 -1 BOGUS",
            "ZRANGE z 0 -1 REV REV",
            "ZRANGE z 0 -1 WITHSCORES WITHSCORES",
            "ZRANGE nokey 0 -1",
            "ZRANGE nokey a b",
            "ZRANGE z 0",
            "ZREVRANGE z 0 -1",
            "ZREVRANGE z 0 1 WITHSCORES",
            "ZREVRANGE z -2 -1",
            "ZREVRANGE z 0 -1 REV",
            "ZREVRANGE z 0 -1 BYSCORE",
            "ZREVRANGE z 0 -1 LIMIT 0 1",
            "ZREVRANGE nokey 0 1",
        ])

    def test_zrange_by_score(self):
        self.assertSame([
            "ZADD z 1 a 2 b 2 c 3 d 4 e -inf ninf inf pinf",
            "ZRANGE z 2 3 BYSCORE",
            "ZRANGE z (2 3 BYSCORE WITHSCORES",
            "ZRANGE z -inf +inf BYSCORE",
            "ZRANGE z (-inf (+inf BYSCORE",
            "ZRANGE z 3 2 BYSCORE",
            "ZRANGE z 3 2 BYSCORE REV",
            "ZRANGE z 3 (2 BYSCORE REV WITHSCORES",
            "ZRANGE z +inf -inf BYSCORE REV LIMIT 1 3",
            "ZRANGE z -inf +inf BYSCORE LIMIT 2 2",
            "ZRANGE z -inf +inf BYSCORE LIMIT 2 -1",
            "ZRANGE z -inf +inf BYSCORE LIMIT 2 0",
            "ZRANGE z -inf +inf BYSCORE LIMIT -1 2",
            "ZRANGE z -inf +inf BYSCORE LIMIT 7 2",
            "ZRANGE z -inf +inf BYSCORE LIMIT 100 2",
            "ZRANGE z -inf +inf BYSCORE LIMIT 0 2 LIMIT 1 1",
            "ZRANGE z -inf +inf BYSCORE LIMIT a 1",
            "ZRANGE z -inf +inf BYSCORE LIMIT 1 a",
            "ZRANGE z -inf +inf BYSCORE LIMIT 1",
            "ZRANGE z -inf +inf BYSCORE BYSCORE",
            "ZRANGE z -inf +inf BYSCORE BYLEX",
            "ZRANGE z a +inf BYSCORE",
            "ZRANGE z 1 [2 BYSCORE",
            "ZRANGE nokey 0 1 BYSCORE",
            "ZRANGE nokey a 1 BYSCORE",
            "ZRANGEBYSCORE z 2 3",
            "ZRANGEBYSCORE z 2 3 WITHSCORES",
            "ZRANGEBYSCORE z -inf inf LIMIT 1 2 WITHSCORES",
            "ZRANGEBYSCORE z -inf inf WITHSCORES LIMIT 1 2",
            "ZRANGEBYSCORE z (1 (4",
            "ZRANGEBYSCORE z 1 2 REV",
            "ZRANGEBYSCORE z 1 2 BYSCORE",
            "ZRANGEBYSCORE z 1 x",
            "ZREVRANGEBYSCORE z 3 2",
            "ZREVRANGEBYSCORE z 2 3",
            "ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 3",
            "ZREVRANGEBYSCORE z (4 (1",
            "ZREVRANGEBYSCORE z x 1",
            "ZREVRANGEBYSCORE nokey 1 0",
        ])

    def test_zrange_by_lex(self):
        self.assertSame([
            "ZADD z 0 a 0 b 0 c 0 d 0 e 0 f 0 ab",
            "ZRANGE z - + BYLEX",
            "ZRANGE z [b (e BYLEX",
            "ZRANGE z (a [b BYLEX",
            "ZRANGE z + - BYLEX REV",
            "ZRANGE z [e [b BYLEX REV",
            "ZRANGE z (e (b BYLEX REV",
            "ZRANGE z - + BYLEX LIMIT 2 3",
            "ZRANGE z + - BYLEX REV LIMIT 1 2",
            "ZRANGE z - + BYLEX LIMIT -1 2",
            "ZRANGE z - + BYLEX WITHSCORES",
            "ZRANGE z - + BYLEX REV WITHSCORES",
            "ZRANGE z a + BYLEX",
            "ZRANGE z - b BYLEX",
            "ZRANGE z [c (c BYLEX",
            "ZRANGE z [c [c BYLEX",
            "ZRANGE z - - BYLEX",
            "ZRANGE z + + BYLEX",
            "ZRANGE z +x + BYLEX",
            "ZRANGE z '' + BYLEX",
            "ZRANGEBYLEX z - +",
            "ZRANGEBYLEX z [aa (d",
            "ZRANGEBYLEX z - + LIMIT 0 2",
            "ZRANGEBYLEX z - + WITHSCORES",
            "ZRANGEBYLEX z - + BYLEX",
            "ZRANGEBYLEX z 1 2",
            "ZREVRANGEBYLEX z + -",
            "ZREVRANGEBYLEX z [d (a",
            "ZREVRANGEBYLEX z - +",
            "ZREVRANGEBYLEX z + - LIMIT 1 1",
            "ZREVRANGEBYLEX nokey + -",
            # Mixed scores: Redis's listpack walk, which we follow.
            "ZADD mixed 1 b 2 z 3 a 4 c",
            "ZRANGEBYLEX mixed [a [c",
            "ZRANGEBYLEX mixed [b [b",
            "ZRANGEBYLEX mixed - +",
            "ZRANGEBYLEX mixed (a +",
            "ZRANGEBYLEX mixed [a [c LIMIT 1 5",
            "ZREVRANGEBYLEX mixed [c -",
            "ZREVRANGEBYLEX mixed [y -",
            "ZREVRANGEBYLEX mixed + [zz",
            "ZLEXCOUNT mixed [a [c",
            "ZLEXCOUNT mixed - +",
            "ZREMRANGEBYLEX mixed [b [c",
            "ZRANGE mixed 0 -1",
        ])

    def test_zrangestore(self):
        self.assertSame([
            "ZADD src 1 a 2 b 3 c 4 d",
            "ZRANGESTORE dst src 0 1",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZRANGESTORE dst src 2 +inf BYSCORE",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZRANGESTORE dst src +inf 2 BYSCORE REV LIMIT 0 2",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZRANGESTORE dst src [a [b BYLEX",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZRANGESTORE dst src 0 -1 REV",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZRANGESTORE dst src 5 10",
            "EXISTS dst",
            "ZRANGESTORE dst src 0 -1",
            "ZRANGESTORE dst nokey 0 -1",
            "EXISTS dst",
            "SET str v",
            "ZRANGESTORE str src 0 0",
            "TYPE str",
            "ZRANGESTORE dst str 0 0",
            "ZRANGESTORE dst src 0 -1 WITHSCORES",
            "ZRANGESTORE dst src 0 -1 LIMIT 0 1",
            "ZRANGESTORE dst src 0 a",
            "ZRANGESTORE dst src a 1 BYSCORE",
            "ZRANGESTORE dst src a 1 BYLEX",
            "ZRANGESTORE src src 1 2",
            "ZRANGE src 0 -1 WITHSCORES",
            "ZRANGESTORE dst src 0",
            "SET ttl v EX 100",
            "ZRANGESTORE ttl src 0 -1",
            "TTL ttl",
        ])


class RemoveTest(CompareTestCase):
    def test_zrem_and_ranges(self):
        self.assertSame([
            "ZADD z 1 a 2 b 3 c 4 d 5 e 6 f",
            "ZREM z a nope a",
            "ZREM z nope",
            "ZREM nokey a",
            "ZREMRANGEBYRANK z 0 0",
            "ZREMRANGEBYRANK z -1 -1",
            "ZREMRANGEBYRANK z 5 10",
            "ZREMRANGEBYRANK z 2 1",
            "ZRANGE z 0 -1",
            "ZREMRANGEBYSCORE z (3 4",
            "ZREMRANGEBYSCORE z 10 20",
            "ZREMRANGEBYSCORE z x 1",
            "ZRANGE z 0 -1",
            "ZADD l 0 a 0 b 0 c 0 d",
            "ZREMRANGEBYLEX l [b (d",
            "ZREMRANGEBYLEX l x y",
            "ZREMRANGEBYLEX l - -",
            "ZRANGE l 0 -1",
            "ZREMRANGEBYLEX l - +",
            "EXISTS l",
            "ZREMRANGEBYRANK z 0 -1",
            "EXISTS z",
            "ZREMRANGEBYRANK nokey 0 -1",
            "ZREMRANGEBYSCORE nokey 0 1",
            "ZREMRANGEBYLEX nokey - +",
            "ZREMRANGEBYRANK nokey a 1",
            "ZREMRANGEBYSCORE nokey a 1",
            "ZREMRANGEBYLEX nokey a 1",
            "ZADD z 1 a",
            "ZREM z a",
            "EXISTS z",
            "ZREM z",
            "ZREMRANGEBYRANK z 0",
            "ZREMRANGEBYSCORE z 0 1 2",
        ])


class PopTest(CompareTestCase):
    def test_zpopmin_zpopmax(self):
        self.assertSame([
            "ZADD z 1 a 2 b 3 c 4 d 5 e",
            "ZPOPMIN z",
            "ZPOPMAX z",
            "ZPOPMIN z 2",
            "ZPOPMAX z 0",
            "ZPOPMIN z 10",
            "EXISTS z",
            "ZPOPMIN z",
            "ZPOPMIN z 0",
            "ZPOPMIN nokey 5",
            "ZPOPMIN z -1",
            "ZPOPMIN z abc",
            "ZPOPMAX nokey -1",
            "ZPOPMIN z 1 2",
            "ZPOPMAX",
            "SET s v",
            "ZPOPMIN s",
            "ZPOPMIN s 0",
        ])

    def test_zmpop(self):
        self.assertSame([
            "ZADD z1 1 a 2 b 3 c",
            "ZADD z2 10 x",
            "ZMPOP 1 z1 MIN",
            "ZMPOP 2 nokey z1 MAX",
            "ZMPOP 2 z2 z1 max COUNT 10",
            "ZMPOP 2 z2 z1 MIN COUNT 10",
            "ZMPOP 2 z2 z1 MIN",
            "ZMPOP 0 z1 MIN",
            "ZMPOP -1 z1 MIN",
            "ZMPOP abc z1 MIN",
            "ZMPOP 2 z1 MIN",
            "ZMPOP 1 z1 MID",
            "ZMPOP 1 z1 MIN COUNT 0",
            "ZMPOP 1 z1 MIN COUNT -1",
            "ZMPOP 1 z1 MIN COUNT abc",
            "ZMPOP 1 z1 MIN COUNT",
            "ZMPOP 1 z1 MIN COUNT 1 COUNT 1",
            "ZMPOP 1 z1 MIN BOGUS",
            "ZMPOP 99999999999999 z1 MIN",
            "ZMPOP 1 z1",
            "SET s v",
            "ZADD z3 1 a",
            "ZMPOP 2 s z3 MIN",
            "ZMPOP 2 z3 s MIN",
            "ZMPOP 2 nokey s MAX",
        ])


class CombineTest(CompareTestCase):
    def setUp(self):
        super().setUp()
        for c in (self.a, self.b):
            c.call("ZADD", "z1", "1", "a", "2", "b", "3", "c")
            c.call("ZADD", "z2", "10", "b", "20", "c", "30", "d")
            c.call("SADD", "s", "c", "d", "e")
            c.call("ZADD", "pinf", "inf", "m", "1", "x")
            c.call("ZADD", "ninf", "-inf", "m", "-1", "x")
            c.call("SET", "str", "v")

    def test_union_inter_diff(self):
        self.assertSame([
            "ZUNION 2 z1 z2",
            "ZUNION 2 z1 z2 WITHSCORES",
            "ZUNION 3 z1 z2 s WITHSCORES",
            "ZUNION 4 z1 z2 s nokey WEIGHTS 2 0.5 100 1 WITHSCORES",
            "ZUNION 2 z1 z2 AGGREGATE MIN WITHSCORES",
            "ZUNION 2 z1 z2 AGGREGATE max WITHSCORES",
            "ZUNION 2 z1 z2 WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES",
            "ZUNION 2 z1 z1 WITHSCORES",
            "ZUNION 2 pinf ninf WITHSCORES",
            "ZUNION 2 pinf ninf AGGREGATE MIN WITHSCORES",
            "ZUNION 2 pinf z1 WEIGHTS 0 1 WITHSCORES",
            "ZUNION 1 z1 WEIGHTS -1 WITHSCORES",
            "ZUNION 1 z1 WEIGHTS 0 WITHSCORES",
            "ZUNION 1 nokey",
            "ZINTER 2 z1 z2",
            "ZINTER 2 z1 z2 WITHSCORES",
            "ZINTER 3 z1 z2 s WITHSCORES",
            "ZINTER 2 z1 s WEIGHTS 3 5 AGGREGATE MAX WITHSCORES",
            "ZINTER 2 z2 z1 WEIGHTS 1 2 AGGREGATE MIN WITHSCORES",
            "ZINTER 2 z1 nokey",
            "ZINTER 2 z1 z1 WITHSCORES",
            "ZINTER 2 pinf ninf WITHSCORES",
            "ZINTER 2 pinf z1 WEIGHTS 0 1 WITHSCORES",
            "ZINTER 1 s WITHSCORES",
            "ZDIFF 2 z1 z2",
            "ZDIFF 2 z1 z2 WITHSCORES",
            "ZDIFF 2 z2 s WITHSCORES",
            "ZDIFF 1 z2 WITHSCORES",
            "ZDIFF 2 z1 z1",
            "ZDIFF 2 nokey z1",
            "ZDIFF 2 s z1 WITHSCORES",
            "ZINTERCARD 2 z1 z2",
            "ZINTERCARD 2 z1 z2 LIMIT 1",
            "ZINTERCARD 2 z1 z2 LIMIT 0",
            "ZINTERCARD 2 z1 z2 LIMIT 100",
            "ZINTERCARD 3 z1 z2 s",
            "ZINTERCARD 2 z1 nokey",
            "ZINTERCARD 1 s",
        ])

    def test_store_forms(self):
        self.assertSame([
            "ZUNIONSTORE dst 2 z1 z2",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZUNIONSTORE dst 3 z1 z2 s WEIGHTS 1 1 2 AGGREGATE MAX",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZINTERSTORE dst 2 z1 z2",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZINTERSTORE dst 2 z1 nokey",
            "EXISTS dst",
            "ZDIFFSTORE dst 2 z2 z1",
            "ZRANGE dst 0 -1 WITHSCORES",
            "ZDIFFSTORE dst 2 z1 z1",
            "EXISTS dst",
            "ZUNIONSTORE z1 2 z1 z2",
            "ZRANGE z1 0 -1 WITHSCORES",
            "ZUNIONSTORE str 1 z2",
            "TYPE str",
            "ZINTERSTORE s 2 s z2",
            "TYPE s",
            "ZRANGE s 0 -1 WITHSCORES",
            "SET ttl v EX 100",
            "ZUNIONSTORE ttl 1 z2",
            "TTL ttl",
            "ZUNIONSTORE dst 2 z1 z2 WITHSCORES",
            "ZDIFFSTORE dst 2 z1 z2 WEIGHTS 1 2",
            "ZUNIONSTORE dst 0 z1",
            "ZUNIONSTORE dst 2 z1",
            "ZUNIONSTORE dst",
        ])

    def test_errors(self):
        self.assertSame([
            "ZUNION 0 z1",
            "ZUNION -1 z1",
            "ZUNION abc z1",
            "ZUNION 3 z1 z2",
            "ZUNION 2 z1 str",
            "ZUNION 2 z1 str BOGUS",  # WRONGTYPE beats a bad option
            "ZUNION 2 z1 z2 BOGUS",
            "ZUNION 2 z1 z2 WEIGHTS 1",
            "ZUNION 2 z1 z2 WEIGHTS 1 x",
            "ZUNION 2 z1 z2 WEIGHTS 1 nan",
            "ZUNION 2 z1 z2 WEIGHTS 1 inf WITHSCORES",
            "ZUNION 2 z1 str WEIGHTS 1 x",
            "ZUNION 2 z1 z2 AGGREGATE",
            "ZUNION 2 z1 z2 AGGREGATE AVG",
            "ZUNION 2 z1 z2 AGGREGATE sum AGGREGATE min WITHSCORES",
            "ZUNION 2 z1 z2 WITHSCORES WITHSCORES",
            "ZINTER 0 z1",
            "ZINTER 2 z1 z2 LIMIT 1",
            "ZDIFF 2 z1 z2 WEIGHTS 1 1",
            "ZDIFF 2 z1 z2 AGGREGATE SUM",
            "ZDIFF 0 z1",
            "ZINTERCARD 0 z1",
            "ZINTERCARD -1 z1",
            "ZINTERCARD 2 z1",
            "ZINTERCARD 1 z1 LIMIT -1",
            "ZINTERCARD 1 z1 LIMIT abc",
            "ZINTERCARD 1 z1 LIMIT",
            "ZINTERCARD 1 z1 WITHSCORES",
            "ZINTERCARD 1 z1 WEIGHTS 1",
            "ZINTERCARD 2 z1 str",
            "ZINTERCARD 2 str z1 LIMIT -1",
            "ZINTERSTORE dst 0 z1",
            "ZINTERSTORE dst 2 z1 str",
            "ZDIFFSTORE dst 1 z1 AGGREGATE MIN",
            "ZUNION",
            "ZUNION 1",
            "ZINTERCARD 1",
            "ZDIFFSTORE dst 1",
        ])


class Resp3Test(CompareTestCase):
    def test_resp3_shapes(self):
        self.assertSame([
            "HELLO 3",
            "ZADD z 1 a 2.5 b 3 c -0 d inf e",
            "ZSCORE z b",
            "ZSCORE z nope",
            "ZSCORE nokey a",
            "ZMSCORE z a nope e",
            "ZINCRBY z 1 a",
            "ZADD z INCR 1 a",
            "ZADD z INCR NX 1 a",
            "ZRANGE z 0 -1",
            "ZRANGE z 0 -1 WITHSCORES",
            "ZRANGE z 0 1 BYSCORE WITHSCORES",
            "ZRANGE nokey 0 -1 WITHSCORES",
            "ZRANK z b",
            "ZRANK z nope",
            "ZPOPMIN z",
            "ZPOPMIN z 1",
            "ZPOPMAX z 2",
            "ZPOPMIN nokey",
            "ZPOPMIN nokey 2",
            "ZMPOP 1 z MIN",
            "ZMPOP 1 nokey MIN",
            "ZADD z 1 a 2 b 3 c",
            "ZUNION 1 z WITHSCORES",
            "ZINTER 1 z",
            "ZRANDMEMBER z 10 WITHSCORES",  # the whole set: deterministic
            "ZRANDMEMBER z 10",
            "ZRANDMEMBER nokey",
            "ZRANDMEMBER nokey 5 WITHSCORES",
            "ZSCAN z 0",
            "BZPOPMIN nokey 0.01",
            "BZMPOP 0.01 1 nokey MIN",
            "BZPOPMAX z 0",
        ])


class WrongTypeAndArityTest(CompareTestCase):
    def test_wrongtype(self):
        cmds = ["SET s v", "HSET h f v", "RPUSH l x", "SADD set m"]
        for k in ("s", "h", "l"):
            cmds += [
                "ZADD %s 1 a" % k,
                "ZADD %s XX 1 a" % k,
                "ZADD %s abc a" % k,  # the score error comes first
                "ZINCRBY %s 1 a" % k,
                "ZREM %s a" % k,
                "ZCARD %s" % k,
                "ZSCORE %s a" % k,
                "ZMSCORE %s a b" % k,
                "ZCOUNT %s 0 1" % k,
                "ZCOUNT %s x 1" % k,
                "ZLEXCOUNT %s - +" % k,
                "ZRANGE %s 0 -1" % k,
                "ZRANGE %s 0 -1 BOGUS" % k,
                "ZRANGE %s 0 1 BYSCORE" % k,
                "ZRANGE %s - + BYLEX" % k,
                "ZREVRANGE %s 0 -1" % k,
                "ZRANGEBYSCORE %s 0 1" % k,
                "ZREVRANGEBYSCORE %s 1 0" % k,
                "ZRANGEBYLEX %s - +" % k,
                "ZREVRANGEBYLEX %s + -" % k,
                "ZRANGESTORE dst %s 0 -1" % k,
                "ZRANK %s a" % k,
                "ZREVRANK %s a" % k,
                "ZREMRANGEBYRANK %s 0 -1" % k,
                "ZREMRANGEBYSCORE %s 0 1" % k,
                "ZREMRANGEBYLEX %s - +" % k,
                "ZPOPMIN %s" % k,
                "ZPOPMAX %s 2" % k,
                "ZMPOP 1 %s MIN" % k,
                "BZPOPMIN %s 0" % k,
                "BZMPOP 0 1 %s MAX" % k,
                "ZRANDMEMBER %s" % k,
                "ZRANDMEMBER %s 2" % k,
                "ZRANDMEMBER %s abc" % k,
                "ZUNION 1 %s" % k,
                "ZINTER 2 set %s" % k,
                "ZDIFF 1 %s" % k,
                "ZINTERCARD 1 %s" % k,
                "ZUNIONSTORE dst 1 %s" % k,
                "ZSCAN %s 0" % k,
                "ZSCAN %s 0 COUNT 0" % k,
                "ZSCAN %s abc" % k,
            ]
        cmds += ["EXISTS dst", "ZRANGE set 0 -1", "ZSCORE set m"]
        self.assertSame(cmds)

    def test_arity(self):
        self.assertSame([
            "ZADD z", "ZADD z 1", "ZINCRBY z 1", "ZREM z", "ZCARD", "ZSCORE z", "ZMSCORE z",
            "ZCOUNT z 1", "ZLEXCOUNT z -", "ZRANGE z 0", "ZRANGESTORE d z 0",
            "ZREVRANGE z 0", "ZRANGEBYSCORE z 0", "ZREVRANGEBYSCORE z 0", "ZRANGEBYLEX z -",
            "ZREVRANGEBYLEX z +", "ZRANK z", "ZREVRANK z", "ZREMRANGEBYRANK z 0",
            "ZREMRANGEBYSCORE z 0", "ZREMRANGEBYLEX z -", "ZPOPMIN", "ZPOPMAX", "ZMPOP 1 z",
            "BZPOPMIN z", "BZPOPMAX", "BZMPOP 0 1 z", "ZRANDMEMBER", "ZUNION 1", "ZINTER 1",
            "ZDIFF 1", "ZUNIONSTORE d 1", "ZINTERSTORE d 1", "ZDIFFSTORE d 1", "ZINTERCARD 1",
            "ZSCAN z", "zadd", "ZaDd z 1 a", "ZSCORE z a",
        ])


class EncodingTest(CompareTestCase):
    def test_object_encoding(self):
        self.assertSame([
            zadd_many("z", 128),
            "OBJECT ENCODING z",
            "ZADD z 200 extra",
            "OBJECT ENCODING z",
            "ZREMRANGEBYRANK z 0 120",
            "OBJECT ENCODING z",  # never converts back
            ["ZADD", "long", "1", "x" * 64],
            "OBJECT ENCODING long",
            ["ZADD", "long", "1", "y" * 65],
            "OBJECT ENCODING long",
            ["ZADD", "long2", "1", "a", "2", "y" * 65],
            "OBJECT ENCODING long2",
            "ZINCRBY inc 1 a",
            "OBJECT ENCODING inc",
            "ZUNIONSTORE u 1 z",  # a STORE result is re-encoded by its size
            "OBJECT ENCODING u",
            "ZRANGESTORE r z 0 127",
            "OBJECT ENCODING r",
            "ZRANGESTORE r z 0 -1",
            "OBJECT ENCODING r",
            "ZINTERSTORE i 2 long long",
            "OBJECT ENCODING i",
            "ZDIFFSTORE d 1 long2",
            "OBJECT ENCODING d",
            "COPY z zc",
            "OBJECT ENCODING zc",
            "RENAME long2 long3",
            "OBJECT ENCODING long3",
            "CONFIG SET zset-max-listpack-entries 2",
            "ZADD small 1 a 2 b",
            "OBJECT ENCODING small",
            "ZADD small 3 c",
            "OBJECT ENCODING small",
            "CONFIG SET zset-max-listpack-entries 128",
            "CONFIG SET zset-max-listpack-value 3",
            "ZADD v 1 abc",
            "OBJECT ENCODING v",
            "ZADD v 1 abcd",
            "OBJECT ENCODING v",
            "CONFIG SET zset-max-listpack-value 64",
            "TYPE z",
        ])


class KeyspaceTest(CompareTestCase):
    def test_with_generic_commands(self):
        self.assertSame([
            "ZADD z 1 a 2 b",
            "TYPE z",
            "EXPIRE z 100",
            "ZADD z 3 c",
            "TTL z",
            "ZREM z a b c",
            "EXISTS z",
            "TTL z",
            "ZADD z 1 a 2 b",
            "RENAME z z2",
            "ZRANGE z2 0 -1 WITHSCORES",
            "ZRANK z2 b",
            "COPY z2 z3",
            "ZADD z3 5 c",
            "ZRANGE z2 0 -1 WITHSCORES",
            "ZRANGE z3 0 -1 WITHSCORES",
            "MOVE z3 1",
            "SELECT 1",
            "ZRANGE z3 0 -1 WITHSCORES",
            "SELECT 0",
            "DEL z2",
            "ZADD z2 9 x",
            "ZRANGE z2 0 -1 WITHSCORES",
            "SET z2 str",
            "ZADD z2 1 a",
            "DEL z2",
            "ZADD z2 1 a",
            "PEXPIRE z2 1",
            Cmd("DEBUG SLEEP 0.01", rule=harness.ignore),
            "ZRANGE z2 0 -1",
            "ZCARD z2",
            "ZADD z2 2 b",
            "ZRANGE z2 0 -1 WITHSCORES",
            "MULTI",
            "ZADD m 1 a",
            "ZINCRBY m 5 a",
            "ZADD m 2 b",
            "ZRANGE m 0 -1 WITHSCORES",
            "ZPOPMIN m",
            "ZCARD m",
            "EXEC",
        ])


class NotificationTest(CompareTestCase):
    def test_keyspace_events(self):
        """The events of every writing command, in Redis's order ("new" and "del" included)."""
        cmds = [["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "1", "a"],
                ["ZINCRBY", "z", "1", "a"], ["ZREM", "z", "a"], ["ZADD", "z", "3", "c"],
                ["ZPOPMIN", "z"], ["ZPOPMAX", "z", "5"], ["ZADD", "z", "1", "a", "2", "b"],
                ["ZRANGESTORE", "d", "z", "0", "-1"], ["ZRANGESTORE", "d", "z", "5", "9"],
                ["ZUNIONSTORE", "u", "1", "z"], ["ZINTERSTORE", "u", "2", "z", "nokey"],
                ["ZREMRANGEBYSCORE", "z", "1", "1"], ["ZREMRANGEBYRANK", "z", "0", "-1"],
                ["ZADD", "l", "0", "a", "0", "b"], ["ZREMRANGEBYLEX", "l", "-", "+"],
                ["ZADD", "m", "1", "x"], ["ZMPOP", "1", "m", "MIN"], ["ZADD", "z", "XX", "1", "q"],
                ["ZADD", "n", "INCR", "1", "x"], ["ZDIFFSTORE", "dd", "1", "n"],
                ["BZPOPMIN", "n", "0"]]
        streams = []
        for server in (self.server, self.reference):
            ctl, sub = self.a if server is self.server else self.b, server.raw()
            self.addCleanup(sub.close)
            ctl.call("CONFIG", "SET", "notify-keyspace-events", "Ezgn")
            self.addCleanup(ctl.call, "CONFIG", "SET", "notify-keyspace-events", "")
            sub.call("PSUBSCRIBE", "__keyevent@0__:*")
            for c in cmds:
                ctl.call(*c)
            ctl.call("PUBLISH", "__keyevent@0__:end", "x")
            events = []
            for _ in harness.bounded(200, 10):
                msg = decode(sub.read_reply())
                events.append((msg[2].split(b":")[-1], msg[3]))
                if events[-1][0] == b"end":
                    break
            streams.append(events)
        self.assertEqual(streams[0], streams[1])
        self.assertIn((b"zrangestore", b"d"), streams[0])


class BigSetTest(CompareTestCase):
    """1,000 members (a skiplist in Redis): ranks, ranges and counts deep in the set."""

    def test_big_set(self):
        for c in (self.a, self.b):
            c.call(*zadd_many("big", 1000, score=lambda i: i % 100, member=lambda i: "m%04d" % i))
        self.assertSame([
            "ZCARD big",
            "ZRANGE big 500 510 WITHSCORES",
            "ZRANGE big -510 -500 WITHSCORES",
            "ZRANGE big 400 405 REV WITHSCORES",
            "ZRANK big m0500",
            "ZREVRANK big m0500",
            "ZRANK big m0999",
            "ZCOUNT big 10 20",
            "ZCOUNT big (10 (20",
            "ZCOUNT big -inf +inf",
            "ZCOUNT big 99 99",
            "ZRANGEBYSCORE big 50 50",
            "ZRANGEBYSCORE big (49 +inf LIMIT 300 5 WITHSCORES",
            "ZREVRANGEBYSCORE big +inf -inf LIMIT 500 5 WITHSCORES",
            "ZRANGE big (98 100 BYSCORE",
            "ZLEXCOUNT big - +",
            "ZREMRANGEBYSCORE big 0 9",
            "ZREMRANGEBYRANK big 100 199",
            "ZREMRANGEBYRANK big -50 -1",
            "ZCARD big",
            "ZPOPMIN big 3",
            "ZPOPMAX big 3",
            "ZRANGE big 0 -1 WITHSCORES",
            "ZUNIONSTORE u 2 big big WEIGHTS 1 2",
            "ZRANGE u 100 110 WITHSCORES",
            "OBJECT ENCODING u",
            "ZINTERCARD 2 big u LIMIT 500",
            "ZDIFF 2 big u",
        ])
        # Equal scores: lex ranges deep in a big set.
        for c in (self.a, self.b):
            c.call(*zadd_many("lex", 1000, score=lambda i: 0, member=lambda i: "k%04d" % i))
        self.assertSame([
            "ZRANGEBYLEX lex [k0500 (k0510",
            "ZREVRANGEBYLEX lex (k0510 [k0500",
            "ZRANGEBYLEX lex - + LIMIT 990 20",
            "ZLEXCOUNT lex [k0100 [k0899",
            "ZLEXCOUNT lex (k0100 +",
            "ZREMRANGEBYLEX lex [k0200 (k0800",
            "ZCARD lex",
            "ZRANGEBYLEX lex (k0198 [k0801",
            "ZRANK lex k0900",
        ])


class ScanAndRandomTest(CompareTestCase):
    def test_zscan_small_sets_and_errors(self):
        self.assertSame([
            "ZADD z 3 c 1 a 2.5 b -0 d inf e",
            "ZSCAN z 0",
            "ZSCAN z 0 COUNT 1",
            "ZSCAN z 0 MATCH [ab]",
            "ZSCAN z 0 MATCH * COUNT 100",
            "ZSCAN z 123456",
            "ZSCAN z abc",
            "ZSCAN z -1",
            "ZSCAN z 0 COUNT 0",
            "ZSCAN z 0 COUNT -1",
            "ZSCAN z 0 COUNT abc",
            "ZSCAN z 0 MATCH",
            "ZSCAN z 0 TYPE zset",
            "ZSCAN z 0 BOGUS x",
            "ZSCAN nokey 0",
            "ZSCAN nokey 0 COUNT 0",
            "ZSCAN nokey abc",
        ])

    def test_zscan_big_set_visits_everything(self):
        for c in (self.a, self.b):
            c.call(*zadd_many("big", 500, score=lambda i: i / 4, member=lambda i: "m%d" % i))
        for c in (self.a, self.b):
            seen = {}
            cursor = b"0"
            for _ in harness.bounded(10000, 30):
                cursor, items = decode(c.call("ZSCAN", "big", cursor, "COUNT", "37"))
                for m, s in zip(items[::2], items[1::2]):
                    seen[m] = s
                if cursor == b"0":
                    break
            self.assertEqual(cursor, b"0")
            self.assertEqual(len(seen), 500)
            for i in range(500):
                self.assertEqual(float(seen[b"m%d" % i]), i / 4)
            cursor, items = decode(c.call("ZSCAN", "big", "0", "MATCH", "m1?", "COUNT", "1000"))
            self.assertEqual(sorted(items[::2]), sorted(b"m1%d" % i for i in range(10)))

    def test_zrandmember_properties(self):
        for c in (self.a, self.b):
            c.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
            c.call(*zadd_many("big", 300))
        members = {b"a": b"1", b"b": b"2", b"c": b"3", b"d": b"4", b"e": b"5"}
        for c in (self.a, self.b):
            self.assertIn(decode(c.call("ZRANDMEMBER", "z")), members)
            got = decode(c.call("ZRANDMEMBER", "z", "3"))
            self.assertEqual(len(set(got)), 3)
            self.assertTrue(set(got) <= set(members))
            got = decode(c.call("ZRANDMEMBER", "z", "3", "WITHSCORES"))
            self.assertEqual(len(got), 6)
            for m, s in zip(got[::2], got[1::2]):
                self.assertEqual(members[m], s)
            got = decode(c.call("ZRANDMEMBER", "z", "-20", "WITHSCORES"))
            self.assertEqual(len(got), 40)
            for m, s in zip(got[::2], got[1::2]):
                self.assertEqual(members[m], s)
            got = decode(c.call("ZRANDMEMBER", "big", "-1000"))
            self.assertEqual(len(got), 1000)
            self.assertGreater(len(set(got)), 200)
            got = decode(c.call("ZRANDMEMBER", "big", "250"))
            self.assertEqual(len(set(got)), 250)
            got = decode(c.call("ZRANDMEMBER", "big", "20", "WITHSCORES"))
            for m, s in zip(got[::2], got[1::2]):
                self.assertEqual(b"m%d" % int(float(s)), m)
        self.assertSame([
            "ZRANDMEMBER z 10",  # count >= size: the whole set, highest score first
            "ZRANDMEMBER z 5 WITHSCORES",
            "ZRANDMEMBER z 0",
            "ZRANDMEMBER z 0 WITHSCORES",
            "ZRANDMEMBER nokey",
            "ZRANDMEMBER nokey 3",
            "ZRANDMEMBER nokey -3 WITHSCORES",
            "ZRANDMEMBER z abc",
            "ZRANDMEMBER z 1.5",
            "ZRANDMEMBER z 1 WITHSCORE",
            "ZRANDMEMBER z 1 WITHSCORES x",
            "ZRANDMEMBER z " + LLONG_MIN,
            "ZRANDMEMBER z " + LLONG_MAX,
            "ZRANDMEMBER z " + LLONG_MAX + " WITHSCORES",
            "ZRANDMEMBER z -9223372036854775807 WITHSCORES",
            "ZRANDMEMBER z -4611686018427387904 WITHSCORES",
            "ZRANDMEMBER nokey " + LLONG_MIN,
            "ZRANDMEMBER z abc WITHSCORES x",
        ])


class RandomSequenceTest(CompareTestCase):
    """Seeded random mixes (harness.random_seeds) of the sorted-set commands over a few keys
    (and a string for WRONGTYPE, and a set, which the ZUNION/ZINTER/ZDIFF family reads as
    members of score 1); every reply must match Redis's."""

    def test_random_sequence(self):
        self.assertSameSeeded(self.make_commands)

    @staticmethod
    def make_commands(rnd):
        keys = ["z1", "z2", "z3"]
        members = ["a", "b", "c", "d", "e", "f", "g", "aa", "", "1"]

        def k():
            return rnd.choice(keys + ["s", "set"] if rnd.random() < 0.04 else keys)

        def src():
            """An input of the ZUNION family: sets are allowed there."""
            return rnd.choice(keys + ["set", "set", "s"] if rnd.random() < 0.2 else keys)

        def numkeys_srcs():
            n = rnd.randint(1, 3)
            return [str(n)] + [src() for _ in range(n)]

        def weights(n):
            if rnd.random() < 0.7:
                return []
            return ["WEIGHTS"] + [rnd.choice(["1", "2", "-1", "0.5", "0", "inf"]) for _ in range(n)]

        def aggregate():
            return rnd.choice([[], ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]])

        def combine(name, store):
            srcs = numkeys_srcs()
            cmd = [name] + ([k()] if store else []) + srcs
            if name not in ("ZDIFF", "ZDIFFSTORE"):
                cmd += weights(int(srcs[0])) + aggregate()
            if not store:
                cmd += ws()
            return cmd

        def m():
            return rnd.choice(members)

        def score():
            return rnd.choice(["0", "1", "2", "-1", "2.5", "-0", "inf", "-inf", "1e-5", "3",
                               str(rnd.randint(-5, 5))])

        def bound():
            return rnd.choice(["", "("]) + score()

        def lexb():
            r = rnd.random()
            if r < 0.15:
                return rnd.choice(["-", "+"])
            return rnd.choice(["[", "("]) + m()

        def idx():
            return str(rnd.randint(-6, 6))

        def limit():
            if rnd.random() < 0.6:
                return []
            return ["LIMIT", str(rnd.randint(-1, 4)), str(rnd.randint(-1, 4))]

        def ws():
            return ["WITHSCORES"] if rnd.random() < 0.5 else []

        def zadd():
            opts = rnd.sample(["NX", "XX", "GT", "LT", "CH", "INCR"], rnd.randint(0, 2))
            n = 1 if "INCR" in opts else rnd.randint(1, 4)
            cmd = ["ZADD", k()] + opts
            for _ in range(n):
                cmd += [score(), m()]
            return cmd

        gens = [
            zadd, zadd, zadd,
            lambda: ["ZINCRBY", k(), score(), m()],
            lambda: ["ZREM", k()] + [m() for _ in range(rnd.randint(1, 3))],
            lambda: ["ZSCORE", k(), m()],
            lambda: ["ZMSCORE", k(), m(), m()],
            lambda: ["ZCARD", k()],
            lambda: ["ZRANK", k(), m()],
            lambda: ["ZREVRANK", k(), m()],
            lambda: ["ZCOUNT", k(), bound(), bound()],
            lambda: ["ZLEXCOUNT", k(), lexb(), lexb()],
            lambda: ["ZRANGE", k(), idx(), idx()] + (["REV"] if rnd.random() < 0.3 else []) + ws(),
            lambda: ["ZRANGE", k(), bound(), bound(), "BYSCORE"] +
            (["REV"] if rnd.random() < 0.5 else []) + limit() + ws(),
            lambda: ["ZRANGE", k(), lexb(), lexb(), "BYLEX"] +
            (["REV"] if rnd.random() < 0.5 else []) + limit(),
            lambda: ["ZREVRANGE", k(), idx(), idx()] + ws(),
            lambda: ["ZRANGEBYSCORE", k(), bound(), bound()] + ws() + limit(),
            lambda: ["ZREVRANGEBYSCORE", k(), bound(), bound()] + ws() + limit(),
            lambda: ["ZRANGEBYLEX", k(), lexb(), lexb()] + limit(),
            lambda: ["ZREVRANGEBYLEX", k(), lexb(), lexb()] + limit(),
            lambda: ["ZRANGESTORE", k(), k(), idx(), idx()],
            lambda: ["ZRANGESTORE", k(), k(), bound(), bound(), "BYSCORE"] + limit(),
            lambda: ["ZREMRANGEBYRANK", k(), idx(), idx()],
            lambda: ["ZREMRANGEBYSCORE", k(), bound(), bound()],
            lambda: ["ZREMRANGEBYLEX", k(), lexb(), lexb()],
            lambda: ["ZPOPMIN", k()] + ([str(rnd.randint(0, 3))] if rnd.random() < 0.5 else []),
            lambda: ["ZPOPMAX", k()] + ([str(rnd.randint(0, 3))] if rnd.random() < 0.5 else []),
            lambda: ["ZMPOP", "2", k(), k(), rnd.choice(["MIN", "MAX"])] +
            (["COUNT", str(rnd.randint(1, 3))] if rnd.random() < 0.5 else []),
            lambda: ["ZUNION", "2", k(), k()] + rnd.choice([[], ["WEIGHTS", "2", "-1"]]) +
            rnd.choice([[], ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]]) + ws(),
            lambda: ["ZINTER", "2", k(), k()] + rnd.choice([[], ["WEIGHTS", "0.5", "3"]]) +
            rnd.choice([[], ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]]) + ws(),
            lambda: ["ZDIFF", "2", k(), k()] + ws(),
            lambda: ["ZUNIONSTORE", k(), "2", k(), k()] +
            rnd.choice([[], ["AGGREGATE", rnd.choice(["SUM", "MIN", "MAX"])]]),
            lambda: ["ZINTERSTORE", k(), "2", k(), k()],
            lambda: ["ZDIFFSTORE", k(), "2", k(), k()],
            lambda: combine(rnd.choice(["ZUNION", "ZINTER", "ZDIFF"]), False),
            lambda: combine(rnd.choice(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]), True),
            lambda: ["ZINTERCARD", "2", k(), k()] + rnd.choice([[], ["LIMIT", "1"]]),
            lambda: ["ZINTERCARD"] + numkeys_srcs() + rnd.choice([[], ["LIMIT", "2"]]),
            # One slot for the blocking forms: a timeout costs Redis up to 100 ms (its hz).
            lambda: rnd.choice([["BZPOPMIN", k(), k(), "0.001"],
                                ["BZMPOP", "0.001", "2", k(), k(), rnd.choice(["MIN", "MAX"])]]),
            lambda: ["ZRANDMEMBER", k(), "100", "WITHSCORES"],
            lambda: ["OBJECT", "ENCODING", k()],
            lambda: ["DEL", k()],
        ]
        cmds = ["SET s str", "SADD set a b 1 zz"]
        for _ in range(harness.RANDOM_OPS_PER_SEED):
            cmds.append(rnd.choice(gens)())
        cmds += ["ZRANGE %s 0 -1 WITHSCORES" % key for key in keys]
        return cmds


# ---------------------------------------------------------------------------------------------
# Blocking commands


class BlockingCompareTest(CompareTestCase):
    """The paths of the blocking commands that do not block, and their errors."""

    def test_served_at_once(self):
        self.assertSame([
            "ZADD a 1 x 2 y 3 z",
            "ZADD b 5 q",
            "BZPOPMIN a b 0",
            "BZPOPMAX a b 0",
            "BZPOPMIN nokey b 1",
            "BZPOPMAX nokey a b 1",
            "BZPOPMAX nokey a 1",
            "EXISTS a b",
            "ZADD a 1 x 2 y 3 z",
            "BZMPOP 0 2 nokey a MIN COUNT 2",
            "BZMPOP 0.5 1 a MAX",
            "BZMPOP 0.5 1 a MAX",
        ])

    def test_timeouts_and_errors(self):
        self.assertSame([
            "BZPOPMIN nokey 0.01",
            "BZPOPMAX nokey other 0.01",
            "BZMPOP 0.01 2 nokey other MIN",
            "BZPOPMIN nokey abc",
            "BZPOPMIN nokey -1",
            "BZPOPMIN nokey nan",
            "BZPOPMIN nokey inf",
            "BZPOPMAX nokey ''",
            "BZMPOP -1 1 a MIN",
            "BZMPOP x 1 a MIN",
            "BZMPOP x 0 a MIN",  # numkeys is checked before the timeout
            "BZMPOP x 1 a MID",
            "BZMPOP 0 0 a MIN",
            "BZMPOP 0 2 a MIN",
            "BZMPOP 0 1 a MIN COUNT 0",
            "BZMPOP 0 1 a MIN COUNT",
            "BZMPOP 0 1 a MIN BOGUS",
            "SET s v",
            "BZPOPMIN s 0",
            "BZPOPMIN nokey s 0",
            "BZMPOP 0 2 nokey s MIN",
        ])

    def test_inside_multi(self):
        self.assertSame([
            "ZADD full 1 a",
            "MULTI",
            "BZPOPMIN nokey 0",
            "BZPOPMAX nokey 0",
            "BZMPOP 0 1 nokey MIN",
            "BZPOPMIN full 0",
            "ZADD later 1 x",
            "BZPOPMAX later 0",
            "EXEC",
        ])


class BlockingTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ctl = self.raw()
        self.ctl.call("FLUSHALL")

    def blocked(self):
        info = self.ctl.call("INFO", "clients").decode()
        for line in info.split("\r\n"):
            if line.startswith("blocked_clients:"):
                return int(line.split(":")[1])
        raise AssertionError("no blocked_clients in INFO: %r" % info)

    def wait_blocked(self, n, timeout=5.0):
        harness.wait_until(lambda: self.blocked() == n, timeout,
                           message="blocked_clients == %d (now %d)" % (n, self.blocked()))

    def block(self, *args):
        """A new raw client that sent a blocking command and is blocked in it (not yet
        answered): waits on this client's own flags, not on the number of blocked clients."""
        c = self.raw()
        cid = decode(c.call("CLIENT", "ID"))
        c.send_command(*args)
        harness.wait_until(lambda: b"flags=b" in self.ctl.call("CLIENT", "LIST", "ID", str(cid)),
                           5.0, message="client %d blocked in %r" % (cid, args))
        return c

    def test_zadd_wakes_bzpopmin(self):
        c = self.block("BZPOPMIN", "q", "0")
        self.assertEqual(self.ctl.call("ZADD", "q", "2", "b", "1", "a"), b":2\r\n")
        self.assertEqual(decode(c.read_reply()), [b"q", b"a", b"1"])
        self.assertEqual(decode(self.ctl.call("ZRANGE", "q", "0", "-1")), [b"b"])

    def test_bzpopmax_multiple_keys(self):
        c = self.block("BZPOPMAX", "k1", "k2", "k3", "0")
        self.ctl.call("ZADD", "k3", "1", "x", "9", "y")
        self.assertEqual(decode(c.read_reply()), [b"k3", b"y", b"9"])

    def test_bzmpop_count(self):
        c = self.block("BZMPOP", "0", "2", "m1", "m2", "MAX", "COUNT", "2")
        self.ctl.call("ZADD", "m2", "1", "a", "2", "b", "3", "c")
        self.assertEqual(decode(c.read_reply()), [b"m2", [[b"c", b"3"], [b"b", b"2"]]])
        self.assertEqual(self.ctl.call("ZCARD", "m2"), b":1\r\n")

    def test_fifo_and_one_member_each(self):
        clients = [self.block("BZPOPMIN", "fifo", "0") for _ in range(3)]
        self.ctl.call("ZADD", "fifo", "1", "a", "2", "b")
        self.assertEqual(decode(clients[0].read_reply()), [b"fifo", b"a", b"1"])
        self.assertEqual(decode(clients[1].read_reply()), [b"fifo", b"b", b"2"])
        self.wait_blocked(1)
        self.ctl.call("ZINCRBY", "fifo", "7", "c")
        self.assertEqual(decode(clients[2].read_reply()), [b"fifo", b"c", b"7"])

    def test_timeout_and_resp3(self):
        c = self.raw()
        c.send_command("BZPOPMIN", "none", "0.05")
        self.assertEqual(c.read_reply(), b"*-1\r\n")
        c.call("HELLO", "3")
        c.send_command("BZMPOP", "0.05", "1", "none", "MIN")
        self.assertEqual(c.read_reply(), b"_\r\n")
        c.send_command("BZPOPMAX", "r3", "0")
        self.wait_blocked(1)
        self.ctl.call("ZADD", "r3", "1.5", "m")
        self.assertEqual(c.read_reply(), b"*3\r\n$2\r\nr3\r\n$1\r\nm\r\n,1.5\r\n")

    def test_store_commands_wake_waiters(self):
        self.ctl.call("ZADD", "src", "1", "a", "2", "b")
        c1 = self.block("BZPOPMIN", "dst1", "0")
        c2 = self.block("BZPOPMAX", "dst2", "0")
        c3 = self.block("BZPOPMIN", "dst3", "0")
        self.ctl.call("ZUNIONSTORE", "dst1", "1", "src")
        self.assertEqual(decode(c1.read_reply()), [b"dst1", b"a", b"1"])
        self.ctl.call("ZRANGESTORE", "dst2", "src", "0", "-1")
        self.assertEqual(decode(c2.read_reply()), [b"dst2", b"b", b"2"])
        self.ctl.call("RENAME", "src", "dst3")
        self.assertEqual(decode(c3.read_reply()), [b"dst3", b"a", b"1"])

    def test_wrong_type_ends_the_wait(self):
        c = self.block("BZPOPMIN", "w", "0")
        self.ctl.call("SET", "w", "string")
        self.ctl.call("DEL", "w")
        self.ctl.call("ZADD", "w", "1", "a")
        self.assertEqual(decode(c.read_reply()), [b"w", b"a", b"1"])

    def test_other_types_landing_on_the_key_do_not_serve(self):
        # A string renamed onto the key wakes nobody: the client keeps waiting (Redis serves
        # only a sorted set there) and is served once a sorted set is there (a WRONGTYPE sent
        # meanwhile would be read first); with two keys, the other one serves it.
        c = self.block("BZPOPMIN", "w", "0")
        self.ctl.call("SET", "x", "str")
        self.assertEqual(self.ctl.call("RENAME", "x", "w"), b"+OK\r\n")
        self.ctl.call("DEL", "w")
        self.ctl.call("ZADD", "w", "4", "late")
        self.assertEqual(decode(c.read_reply()), [b"w", b"late", b"4"])
        self.ctl.call("DEL", "w")
        c = self.block("BZPOPMAX", "w", "w2", "0")
        self.ctl.call("SET", "x", "str2")
        self.ctl.call("RENAME", "x", "w")
        self.ctl.call("ZADD", "w2", "3", "m")
        self.assertEqual(decode(c.read_reply()), [b"w2", b"m", b"3"])

    def test_zadd_inside_multi_wakes_waiter(self):
        c = self.block("BZPOPMAX", "mq", "0")
        self.ctl.call("MULTI")
        self.ctl.call("ZADD", "mq", "1", "one")
        self.assertEqual(decode(self.ctl.call("EXEC")), [1])
        self.assertEqual(decode(c.read_reply()), [b"mq", b"one", b"1"])


if __name__ == "__main__":
    harness.main(timeout=120)
