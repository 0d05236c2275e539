"""List commands reply for reply against Debian's redis-server 7.0, and blocking commands
(BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) with several concurrent clients: FIFO wake-ups,
sub-second timeouts, wake-ups from other connections, BLMOVE chains, disconnects while
blocked, CLIENT UNBLOCK, INFO blocked_clients. Every blocking test passes against Redis
itself too (REDROCK_SERVER=/usr/bin/redis-server)."""

import random
import threading
import time

import harness
from harness import CompareTestCase, ServerTestCase, decode

LLONG_MAX = "9223372036854775807"
LLONG_MIN = "-9223372036854775808"


class PushPopTest(CompareTestCase):
    def test_push_and_pop(self):
        self.assertSame([
            "LPUSH l a",
            "LPUSH l b c",
            "RPUSH l d e f",
            "LRANGE l 0 -1",
            "LLEN l",
            "LPUSHX l x",
            "RPUSHX l y z",
            "LPUSHX nolist x",
            "RPUSHX nolist x",
            "EXISTS nolist",
            "LRANGE l 0 -1",
            "LPOP l",
            "RPOP l",
            "LPOP l 2",
            "RPOP l 3",
            "LPOP l 0",
            "RPOP l 0",
            "LPOP l 100",
            "EXISTS l",
            "LPOP l",
            "RPOP l",
            "LPOP l 0",
            "LPOP l 2",
            "RPOP l 1",
            ["RPUSH", "bin", b"\x00\xff\r\n", "", b"\x00"],
            ["LRANGE", "bin", "0", "-1"],
            ["LPOP", "bin", "3"],
        ])

    def test_pop_errors_and_arity(self):
        self.assertSame([
            "RPUSH l a b c",
            "LPOP l -1",
            "LPOP l abc",
            "LPOP l 1.5",
            "LPOP l " + LLONG_MIN,
            "LPOP l " + LLONG_MAX,
            "RPUSH l a b c",
            "RPOP l -5",
            "LPOP l 1 2",
            "RPOP l 1 2",
            "LPOP",
            "RPOP",
            "LPUSH l",
            "RPUSH",
            "LPUSHX l",
            "RPUSHX",
            "LPOP nokey -1",
            "LPOP nokey abc",
            "LLEN",
            "LLEN a b",
            "LLEN nokey",
        ])

    def test_resp3_shapes(self):
        self.assertSame([
            "HELLO 3",
            "RPUSH l a b",
            "LPOP nokey",
            "LPOP nokey 2",
            "LPOP l 0",
            "LPOP l 5",
            "LINDEX l 9",
            "LPOS l zz",
            "LPOS l zz COUNT 0",
            "LMPOP 1 nokey LEFT",
            "BLPOP nokey 0.01",
            "BLMOVE nokey d LEFT LEFT 0.01",
            "BRPOPLPUSH nokey d 0.01",
            "BLMPOP 0.01 1 nokey RIGHT",
            "RPUSH l c",
            "BLPOP l 0",
            "LMPOP 1 l RIGHT COUNT 5",
            "MULTI",
            "BLPOP nokey 0",
            "BLMOVE nokey d LEFT LEFT 0",
            "EXEC",
        ])


class ReadTest(CompareTestCase):
    def test_lrange_and_lindex(self):
        cmds = ["RPUSH l a b c d e"]
        for start, stop in [(0, -1), (0, 0), (-1, -1), (-2, -1), (-100, 1), (3, 100), (5, 10),
                            (3, 2), (-1, -2), (4, 4), (-5, -5), (-6, -6), (1, -2),
                            (LLONG_MIN, LLONG_MAX), (LLONG_MAX, LLONG_MIN), (0, LLONG_MIN)]:
            cmds.append("LRANGE l %s %s" % (start, stop))
        for i in [0, 1, 4, 5, -1, -5, -6, 100, LLONG_MIN, LLONG_MAX]:
            cmds.append("LINDEX l %s" % i)
        cmds += [
            "LRANGE nokey 0 -1",
            "LINDEX nokey 0",
            "LRANGE l a 1",
            "LRANGE l 0 b",
            "LRANGE l 0 1.5",
            "LINDEX l x",
            "LINDEX l 1.0",
            "LRANGE l 0",
            "LRANGE l 0 1 2",
            "LINDEX l",
            "LINDEX l 0 1",
        ]
        self.assertSame(cmds)

    def test_both_end_growth(self):
        cmds = []
        for i in range(60):
            cmds.append("LPUSH l L%d" % i if i % 3 else "RPUSH l R%d" % i)
        cmds += ["LRANGE l 0 -1", "LLEN l", "LINDEX l 0", "LINDEX l -1", "LINDEX l 20",
                 "RPOP l 25", "LRANGE l 0 -1", "LPOP l 10", "LRANGE l 0 -1", "LINDEX l 0"]
        self.assertSame(cmds)


class EditTest(CompareTestCase):
    def test_lset(self):
        self.assertSame([
            "RPUSH l a b c",
            "LSET l 0 A",
            "LSET l -1 C",
            "LSET l 1 B",
            "LRANGE l 0 -1",
            "LSET l 3 x",
            "LSET l -4 x",
            "LSET l " + LLONG_MIN + " x",
            "LSET nokey 0 x",
            "LSET nokey x x",
            "LSET l x x",
            "SET str v",
            "LSET str x x",
            "LINDEX nokey x",
            "LINDEX str x",
            "LSET l 0",
            "LSET l 0 a b",
            "LRANGE l 0 -1",
        ])

    def test_linsert(self):
        self.assertSame([
            "RPUSH l a b c d e",
            "LINSERT l BEFORE a head",
            "LINSERT l AFTER e tail",
            "LINSERT l before c mid1",
            "LINSERT l after c mid2",
            "LINSERT l AFTER d x",
            "LINSERT l BEFORE b y",
            "LRANGE l 0 -1",
            "LINSERT l BEFORE nope x",
            "LINSERT nokey BEFORE a x",
            "EXISTS nokey",
            "LINSERT l MIDDLE a x",
            "LINSERT nokey MIDDLE a x",
            "LINSERT l BEFORE a",
            "RPUSH dup x x x",
            "LINSERT dup AFTER x y",
            "LRANGE dup 0 -1",
            "LRANGE l 0 -1",
        ])

    def test_lrem(self):
        cmds = []
        for count in ["2", "-2", "0", "1", "-1", "10", "-10", LLONG_MIN, LLONG_MAX]:
            cmds += ["DEL l", "RPUSH l a x b x c x d x", "LREM l %s x" % count,
                     "LRANGE l 0 -1"]
        cmds += [
            "LREM l 0 nope",
            "LREM nokey 0 a",
            "RPUSH all z z z",
            "LREM all 0 z",
            "EXISTS all",
            "LREM l abc x",
            "LREM l 1",
            "LREM l 1 x y",
        ]
        self.assertSame(cmds)

    def test_ltrim(self):
        cmds = []
        for start, stop in [(1, -2), (0, -1), (-2, 100), (3, 1), (5, 10), (-100, 0),
                            (0, 0), (-1, -1), (LLONG_MIN, LLONG_MAX), (2, LLONG_MIN)]:
            cmds += ["DEL l", "RPUSH l a b c d e", "LTRIM l %s %s" % (start, stop),
                     "LRANGE l 0 -1", "EXISTS l"]
        cmds += ["LTRIM nokey 0 1", "LTRIM l a 1", "LTRIM l 0 b", "LTRIM l 0", "LTRIM l 0 1 2"]
        self.assertSame(cmds)


class LPosTest(CompareTestCase):
    def test_lpos(self):
        self.assertSame([
            "RPUSH l a b c 1 2 3 c c",
            "LPOS l c",
            "LPOS l c RANK 1",
            "LPOS l c RANK 2",
            "LPOS l c RANK -1",
            "LPOS l c RANK -3",
            "LPOS l c RANK 4",
            "LPOS l c COUNT 0",
            "LPOS l c COUNT 2",
            "LPOS l c RANK -1 COUNT 0",
            "LPOS l c RANK 2 COUNT 0",
            "LPOS l c COUNT 0 MAXLEN 3",
            "LPOS l c RANK -1 COUNT 0 MAXLEN 2",
            "LPOS l c MAXLEN 1",
            "LPOS l c MAXLEN 0",
            "LPOS l zz",
            "LPOS l zz COUNT 1",
            "LPOS nokey a",
            "LPOS nokey a COUNT 1",
            "LPOS nokey a RANK 0",
            "LPOS l c RANK 0",
            "LPOS l c RANK " + LLONG_MIN,
            "LPOS l c RANK " + LLONG_MIN + " COUNT 1",
            "LPOS l c RANK " + LLONG_MIN + " COUNT 0 MAXLEN 2",
            "LPOS l c RANK " + LLONG_MIN + " MAXLEN 1",
            "LPOS l c RANK -" + LLONG_MAX + " COUNT 0",
            "LPOS l c RANK " + LLONG_MAX,
            "LPOS l c RANK x",
            "LPOS l c COUNT -1",
            "LPOS l c COUNT x",
            "LPOS l c MAXLEN -1",
            "LPOS l c MAXLEN x",
            "LPOS l c RANK",
            "LPOS l c COUNT",
            "LPOS l c BOGUS 1",
            "LPOS l c COUNT 1 RANK 0",
            "LPOS l c RANK 0 COUNT -1",
            "LPOS l c rank 1 count 1 maxlen 10",
            "LPOS l",
        ])


class MoveTest(CompareTestCase):
    def test_lmove_and_rpoplpush(self):
        self.assertSame([
            "RPUSH src a b c d",
            "LMOVE src dst LEFT RIGHT",
            "LMOVE src dst RIGHT LEFT",
            "LMOVE src dst left left",
            "LRANGE src 0 -1",
            "LRANGE dst 0 -1",
            "RPOPLPUSH src dst",
            "EXISTS src",
            "LRANGE dst 0 -1",
            "RPOPLPUSH src dst",
            "LMOVE src dst LEFT LEFT",
            "RPUSH r 1 2 3 4",
            "RPOPLPUSH r r",
            "LRANGE r 0 -1",
            "LMOVE r r LEFT RIGHT",
            "LRANGE r 0 -1",
            "LMOVE r r LEFT LEFT",
            "LMOVE r r RIGHT RIGHT",
            "LRANGE r 0 -1",
            "RPUSH one x",
            "LMOVE one one LEFT RIGHT",
            "LRANGE one 0 -1",
            "LMOVE src dst UP LEFT",
            "LMOVE src dst LEFT DOWN",
            "LMOVE r dst UP LEFT",
            "LMOVE src dst LEFT",
            "RPOPLPUSH src",
            "RPOPLPUSH a b c",
        ])

    def test_lmpop(self):
        self.assertSame([
            "RPUSH b 1 2 3 4 5",
            "LMPOP 2 a b LEFT",
            "LMPOP 2 a b RIGHT COUNT 2",
            "LMPOP 3 x a b left count 10",
            "EXISTS b",
            "LMPOP 2 a b LEFT",
            "RPUSH a z",
            "LMPOP 1 a RIGHT count 1",
            "LMPOP 0 a LEFT",
            "LMPOP -1 a LEFT",
            "LMPOP x a LEFT",
            "LMPOP 2 a LEFT",
            "LMPOP 3 a b LEFT",
            "LMPOP 1 a MIDDLE",
            "LMPOP 1 a LEFT COUNT",
            "LMPOP 1 a LEFT COUNT 0",
            "LMPOP 1 a LEFT COUNT -1",
            "LMPOP 1 a LEFT COUNT x",
            "LMPOP 1 a LEFT COUNT 1 COUNT 1",
            "LMPOP 1 a LEFT BOGUS",
            "LMPOP " + LLONG_MAX + " a LEFT",
            "LMPOP 1 a",
            "LMPOP 1",
        ])


class WrongTypeTest(CompareTestCase):
    def test_wrongtype(self):
        self.assertSame([
            "SET s v",
            "RPUSH l a",
            "LPUSH s a",
            "RPUSH s a",
            "LPUSHX s a",
            "RPUSHX s a",
            "LPOP s",
            "RPOP s 2",
            "LPOP s 0",
            "LLEN s",
            "LRANGE s 0 -1",
            "LINDEX s 0",
            "LSET s 0 a",
            "LINSERT s BEFORE a b",
            "LREM s 0 a",
            "LTRIM s 0 1",
            "LPOS s a",
            "LMOVE s l LEFT LEFT",
            "LMOVE l s LEFT LEFT",
            "LRANGE l 0 -1",
            "LMOVE nokey s LEFT LEFT",
            "RPOPLPUSH s l",
            "RPOPLPUSH l s",
            "LMPOP 2 s l LEFT",
            "LMPOP 2 l s LEFT",
            "LMPOP 2 nokey s LEFT",
            "BLPOP s 0",
            "BLPOP nokey s 0",
            "BRPOP l s 0",
            "RPUSH l b",
            "BLMOVE s l LEFT LEFT 0",
            "BLMOVE l s LEFT LEFT 0",
            "BRPOPLPUSH s l 0",
            "BLMPOP 0 2 s l LEFT",
            "TYPE l",
            "OBJECT ENCODING l",
            "GET s",
        ])


class BlockingCompareTest(CompareTestCase):
    """The paths of the blocking commands that do not block, and their errors."""

    def test_served_at_once(self):
        self.assertSame([
            "RPUSH a 1 2 3",
            "RPUSH b x",
            "BLPOP a b 0",
            "BRPOP a b 0",
            "BLPOP nokey b 1",
            "BRPOP nokey b a 1",
            "RPUSH a 4 5 6",
            "BLPOP a a a 0",
            "BLMOVE a b LEFT RIGHT 0",
            "LRANGE b 0 -1",
            "BRPOPLPUSH b a 0",
            "LRANGE a 0 -1",
            "RPUSH b y z",
            "BLMPOP 0 2 nokey b LEFT COUNT 5",
            "BLMPOP 0.5 1 a RIGHT",
            "BLMPOP 0.5 1 a RIGHT",
            "EXISTS a b",
        ])

    def test_timeouts_and_errors(self):
        self.assertSame([
            "BLPOP nokey 0.01",
            "BRPOP nokey other 0.01",
            "BLMOVE nokey d LEFT LEFT 0.01",
            "BRPOPLPUSH nokey d 0.01",
            "BLMPOP 0.01 2 nokey other LEFT",
            "BLPOP nokey 0.0001",
            "BLPOP nokey abc",
            "BLPOP nokey ''",
            "BLPOP nokey ' 1'",
            "BLPOP nokey nan",
            "BLPOP nokey -1",
            "BLPOP nokey -0.5",
            "BLPOP nokey inf",
            "BLPOP nokey -inf",
            "BLPOP nokey 1e20",
            "BLPOP nokey 9223372036854776",
            "BRPOP nokey -1",
            "BLMOVE nokey d LEFT LEFT -1",
            "BLMOVE nokey d LEFT LEFT x",
            "BLMOVE nokey d UP LEFT -1",
            "BLMOVE nokey d LEFT UP x",
            "BRPOPLPUSH nokey d -1",
            "BLMPOP -1 1 a LEFT",
            "BLMPOP x 1 a LEFT",
            "BLMPOP 0 0 a LEFT",
            "BLMPOP 0 2 a LEFT",
            "BLMPOP 0 1 a UP",
            "BLMPOP 0 1 a LEFT COUNT 0",
            "BLMPOP 0 1 a LEFT COUNT",
            "BLMPOP 0 1 a LEFT BOGUS",
            "BLMPOP -1 0 a LEFT",
            "BLMPOP x 1 a UP",
            "BLMPOP -1 1 a LEFT COUNT 0",
            "BLMOVE a b UP LEFT -1",
            "BLMOVE a b LEFT LEFT x",
            "BLPOP nokey",
            "BLPOP",
            "BLMOVE a b LEFT LEFT",
            "BRPOPLPUSH a b",
            "BLMPOP 0 1",
        ])

    def test_inside_multi(self):
        self.assertSame([
            "RPUSH full 1",
            "MULTI",
            "BLPOP nokey 0",
            "BRPOP nokey 0",
            "BLMOVE nokey d LEFT LEFT 0",
            "BRPOPLPUSH nokey d 0",
            "BLMPOP 0 1 nokey LEFT",
            "BLPOP full 0",
            "RPUSH later x",
            "BLPOP later 0",
            "EXEC",
        ])


class RandomSequenceTest(CompareTestCase):
    """Seeded random mixes (harness.random_seeds) of every list command over a few keys (and
    a string and a set, for WRONGTYPE); every reply must match Redis's."""

    def test_random_sequence(self):
        self.assertSameSeeded(self.make_commands)

    @staticmethod
    def make_commands(rnd):
        keys = ["l1", "l2", "l3"]
        vals = ["a", "b", "c", "d", "1", "22"]

        def k():
            return rnd.choice(keys + ["s", "set"] if rnd.random() < 0.05 else keys)

        def v():
            return rnd.choice(vals)

        def idx():
            return str(rnd.randint(-8, 8))

        def side():
            return rnd.choice(["LEFT", "RIGHT"])

        gens = [
            lambda: ["LPUSH", k()] + [v() for _ in range(rnd.randint(1, 4))],
            lambda: ["RPUSH", k()] + [v() for _ in range(rnd.randint(1, 4))],
            lambda: ["LPUSHX", k(), v()],
            lambda: ["RPUSHX", k(), v(), v()],
            lambda: ["LPOP", k()] + ([str(rnd.randint(0, 4))] if rnd.random() < 0.5 else []),
            lambda: ["RPOP", k()] + ([str(rnd.randint(0, 4))] if rnd.random() < 0.5 else []),
            lambda: ["LLEN", k()],
            lambda: ["LRANGE", k(), idx(), idx()],
            lambda: ["LINDEX", k(), idx()],
            lambda: ["LSET", k(), idx(), v()],
            lambda: ["LINSERT", k(), rnd.choice(["BEFORE", "AFTER"]), v(), v()],
            lambda: ["LREM", k(), str(rnd.randint(-3, 3)), v()],
            lambda: ["LTRIM", k(), idx(), idx()],
            lambda: ["LPOS", k(), v()] + rnd.choice([[], ["RANK", rnd.choice(["1", "2", "-1",
                                                                            "-2"])],
                                                     ["COUNT", str(rnd.randint(0, 3))],
                                                     ["RANK", "-1", "COUNT", "0", "MAXLEN",
                                                      str(rnd.randint(0, 6))]]),
            lambda: ["LMOVE", k(), k(), side(), side()],
            lambda: ["RPOPLPUSH", k(), k()],
            lambda: ["LMPOP", "2", k(), k(), side()] + (["COUNT", str(rnd.randint(1, 3))]
                                                        if rnd.random() < 0.5 else []),
            lambda: ["LMPOP", str(rnd.randint(1, 3)), k(), k(), k(), side()],
            # One slot for the blocking forms: a timeout costs Redis up to 100 ms (its hz).
            lambda: rnd.choice([
                ["BLPOP", k(), k(), "0.001"],
                ["BRPOP", k(), "0.001"],
                ["BLMOVE", k(), k(), side(), side(), "0.001"],
                ["BRPOPLPUSH", k(), k(), "0.001"],
                ["BLMPOP", "0.001", "2", k(), k(), side()] +
                (["COUNT", str(rnd.randint(1, 3))] if rnd.random() < 0.5 else []),
            ]),
            lambda: ["DEL", k()],
        ]
        cmds = ["SET s str", "SADD set m"]
        for _ in range(harness.RANDOM_OPS_PER_SEED):
            cmds.append(rnd.choice(gens)())
        cmds += ["LRANGE l1 0 -1", "LRANGE l2 0 -1", "LRANGE l3 0 -1"]
        return cmds


# ---------------------------------------------------------------------------------------------
# Blocking behaviour with concurrent clients (redrock alone; also passes against Redis)


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
        answered). Waits on this client's own flags rather than on the number of blocked
        clients, which others blocked with short timeouts may change meanwhile."""
        c = self.raw()
        cid = decode(c.call("CLIENT", "ID"))
        c.send_command(*args)
        harness.wait_until(lambda: b"flags=b" in self.ctl.call("CLIENT", "LIST", "ID", str(cid)),
                           5.0, message="client %d blocked in %r" % (cid, args))
        return c

    def test_wake_by_push_from_another_connection(self):
        c = self.block("BLPOP", "q", "0")
        self.assertEqual(self.ctl.call("RPUSH", "q", "hello"), b":1\r\n")
        self.assertEqual(decode(c.read_reply()), [b"q", b"hello"])
        self.wait_blocked(0)
        self.assertEqual(self.ctl.call("EXISTS", "q"), b":0\r\n")
        # The client goes on with its next commands afterwards.
        self.assertEqual(c.call("PING"), b"+PONG\r\n")

    def test_multiple_keys_and_brpop(self):
        c = self.block("BRPOP", "k1", "k2", "k3", "0")
        self.ctl.call("RPUSH", "k3", "a", "b")
        self.assertEqual(decode(c.read_reply()), [b"k3", b"b"])
        c2 = self.block("BLMPOP", "0", "2", "m1", "m2", "RIGHT", "COUNT", "3")
        self.ctl.call("RPUSH", "m2", "x", "y")
        self.assertEqual(decode(c2.read_reply()), [b"m2", [b"y", b"x"]])
        self.wait_blocked(0)

    def test_fifo_order(self):
        clients = [self.block("BLPOP", "fifo", "0") for _ in range(5)]
        # One push of several elements serves the waiters oldest first.
        self.ctl.call("RPUSH", "fifo", "e0", "e1", "e2")
        for i in range(3):
            self.assertEqual(decode(clients[i].read_reply()), [b"fifo", b"e%d" % i])
        self.wait_blocked(2)
        # One element at a time: still in arrival order.
        self.ctl.call("RPUSH", "fifo", "e3")
        self.assertEqual(decode(clients[3].read_reply()), [b"fifo", b"e3"])
        self.ctl.call("LPUSH", "fifo", "e4")
        self.assertEqual(decode(clients[4].read_reply()), [b"fifo", b"e4"])
        self.wait_blocked(0)
        self.assertEqual(self.ctl.call("LLEN", "fifo"), b":0\r\n")

    def test_many_waiters_each_get_one_element(self):
        n = 20
        clients = [self.block("BRPOP", "many", "10") for _ in range(n)]
        self.ctl.call("LPUSH", "many", *["v%d" % i for i in range(n)])
        got = [decode(c.read_reply()) for c in clients]
        self.assertEqual([g[1] for g in got], [b"v%d" % i for i in range(n)])
        self.wait_blocked(0)

    def test_sub_second_timeouts(self):
        c = self.raw()
        for timeout, cmd in [(0.1, ["BLPOP", "none", "0.1"]),
                             (0.2, ["BLMOVE", "none", "d", "LEFT", "LEFT", "0.2"]),
                             (0.15, ["BLMPOP", "0.15", "1", "none", "LEFT"])]:
            t0 = time.monotonic()
            self.assertEqual(c.call(*cmd), b"*-1\r\n")
            elapsed = time.monotonic() - t0
            # Never early: the server's timer starts after the client sent the command. Late
            # by as much as a loaded machine delays a reply (ctest -j, parallel builds); the
            # bound only catches a timeout that did not fire on its own (the socket read
            # would give up at 10 s).
            self.assertGreaterEqual(elapsed, timeout - 0.01, cmd)
            self.assertLess(elapsed, timeout + 3.0, cmd)
        self.assertEqual(self.blocked(), 0)
        c.call("HELLO", "3")
        self.assertEqual(c.call("BRPOPLPUSH", "none", "d", "0.05"), b"_\r\n")

    def test_concurrent_timeouts_do_not_disturb_others(self):
        # The short waiters are not waited for: on a loaded machine one may time out before
        # the test could see it blocked. Whenever they block, they can only end by timing
        # out (nothing is pushed before the forever waiter is blocked and they answered).
        short = []
        for _ in range(3):
            c = self.raw()
            c.send_command("BLPOP", "t", "0.2")
            short.append(c)
        forever = self.block("BLPOP", "t", "0")
        for c in short:
            self.assertEqual(c.read_reply(), b"*-1\r\n")
        self.wait_blocked(1)
        self.ctl.call("RPUSH", "t", "late")
        self.assertEqual(decode(forever.read_reply()), [b"t", b"late"])

    def test_blmove_chain(self):
        # a -> b -> c -> final waiter: one push travels down the chain.
        c1 = self.block("BLMOVE", "a", "b", "LEFT", "RIGHT", "0")
        c2 = self.block("BRPOPLPUSH", "b", "c", "0")
        c3 = self.block("BLPOP", "c", "0")
        self.ctl.call("RPUSH", "a", "token")
        self.assertEqual(decode(c1.read_reply()), b"token")
        self.assertEqual(decode(c2.read_reply()), b"token")
        self.assertEqual(decode(c3.read_reply()), [b"c", b"token"])
        self.wait_blocked(0)
        self.assertEqual(self.ctl.call("EXISTS", "a", "b", "c"), b":0\r\n")

    def test_disconnect_while_blocked(self):
        gone = self.block("BLPOP", "d", "0")
        stays = self.block("BLPOP", "d", "0")
        gone.close()
        self.wait_blocked(1)
        self.ctl.call("RPUSH", "d", "x")
        self.assertEqual(decode(stays.read_reply()), [b"d", b"x"])
        # Nobody left: the element stays in the list.
        only = self.block("BLPOP", "d2", "0")
        only.close()
        self.wait_blocked(0)
        self.ctl.call("RPUSH", "d2", "kept")
        time.sleep(0.1)
        self.assertEqual(self.ctl.call("LRANGE", "d2", "0", "-1"), b"*1\r\n$4\r\nkept\r\n")

    def test_elements_skip_waiters_that_disconnected(self):
        # Waiters that disconnected are out of the queues once the server has seen them go:
        # every element pushed after that is served to a live waiter or left in the list.
        doomed = [self.block("BLPOP", "race", "0") for _ in range(5)]
        live = [self.block("BLPOP", "race", "0") for _ in range(3)]
        for c in doomed:
            c.close()
        self.wait_blocked(3)
        self.ctl.call("RPUSH", "race", "a", "b", "c", "d")
        got = [decode(c.read_reply())[1] for c in live]
        self.assertEqual(got, [b"a", b"b", b"c"])  # FIFO among the live ones
        self.wait_blocked(0)
        self.assertEqual(decode(self.ctl.call("LRANGE", "race", "0", "-1")), [b"d"])

    def test_disconnects_racing_a_push(self):
        # Waiters disconnect while elements arrive. A waiter whose close the server has not
        # read yet is still a waiter and may be served into its dead socket (Redis does the
        # same), so elements may go missing here; but none is served twice, every live
        # waiter gets exactly one, and nobody is left blocked.
        doomed = [self.block("BLPOP", "race", "0") for _ in range(5)]
        live = [self.block("BLPOP", "race", "0") for _ in range(3)]
        for c in doomed:
            c.close()
        pushed = [b"e%d" % i for i in range(8)]
        self.ctl.call("RPUSH", "race", *pushed)
        got = [decode(c.read_reply())[1] for c in live]
        self.wait_blocked(0)
        left = decode(self.ctl.call("LRANGE", "race", "0", "-1"))
        self.assertEqual(len(set(got + left)), len(got + left))  # no element twice
        self.assertLessEqual(set(got + left), set(pushed))
        self.assertGreaterEqual(len(got + left), len(pushed) - len(doomed))

    def test_client_unblock(self):
        c = self.block("BLPOP", "u", "0")
        ids = [line for line in self.ctl.call("CLIENT", "LIST").decode().split("\n")
               if "cmd=blpop" in line]
        self.assertEqual(len(ids), 1)
        cid = ids[0].split()[0].split("=")[1]
        self.assertIn("flags=b", ids[0])
        self.assertEqual(self.ctl.call("CLIENT", "UNBLOCK", cid), b":1\r\n")
        self.assertEqual(c.read_reply(), b"*-1\r\n")
        self.wait_blocked(0)
        self.assertEqual(self.ctl.call("CLIENT", "UNBLOCK", cid), b":0\r\n")
        c.send_command("BRPOP", "u", "0")
        self.wait_blocked(1)
        self.assertEqual(self.ctl.call("CLIENT", "UNBLOCK", cid, "ERROR"), b":1\r\n")
        self.assertEqual(c.read_reply(), b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        self.assertEqual(self.ctl.call("CLIENT", "UNBLOCK", "999999", "TIMEOUT"), b":0\r\n")

    def test_pipelined_commands_wait_behind_the_blocked_one(self):
        c = self.raw()
        c.send(harness.encode_command("BLPOP", "p", "0") + harness.encode_command("ECHO", "after"))
        self.wait_blocked(1)
        self.ctl.call("RPUSH", "p", "v")
        self.assertEqual(decode(c.read_reply()), [b"p", b"v"])
        self.assertEqual(c.read_reply(), b"$5\r\nafter\r\n")

    def test_push_inside_multi_wakes_waiter(self):
        c = self.block("BLPOP", "mq", "0")
        self.ctl.call("MULTI")
        self.ctl.call("RPUSH", "mq", "one", "two")
        self.ctl.call("RPUSH", "other", "z")
        self.assertEqual(decode(self.ctl.call("EXEC")), [2, 1])
        self.assertEqual(decode(c.read_reply()), [b"mq", b"one"])
        self.assertEqual(self.ctl.call("LRANGE", "mq", "0", "-1"), b"*1\r\n$3\r\ntwo\r\n")

    def test_wrong_type_destination_when_woken(self):
        c = self.block("BLMOVE", "src", "dst", "LEFT", "LEFT", "0")
        self.ctl.call("SET", "dst", "string")
        self.ctl.call("RPUSH", "src", "x")
        self.assertTrue(c.read_reply().startswith(b"-WRONGTYPE"))
        self.wait_blocked(0)
        self.assertEqual(self.ctl.call("LRANGE", "src", "0", "-1"), b"*1\r\n$1\r\nx\r\n")

    def test_wrong_type_on_the_waited_key_keeps_the_client_blocked(self):
        # Redis 7 serves a blocked client only from a key of the type it waits for: a string
        # or a set landing on the key (with or without a wake-up signal) leaves it blocked,
        # and it is served once a list is there again.
        writes = [
            [["SET", "w", "str"]],
            [["SADD", "tmp", "m"], ["RENAME", "tmp", "w"]],
            [["MULTI"], ["RPUSH", "w", "gone"], ["DEL", "w"], ["ZADD", "w", "1", "m"],
             ["EXEC"]],
            [["MULTI"], ["RPUSH", "w", "gone"], ["DEL", "w"], ["HSET", "w", "f", "v"],
             ["EXEC"]],
        ]
        commands = [
            (["BLPOP", "w", "0"], [b"w", b"x"]),
            (["BRPOP", "w", "0"], [b"w", b"x"]),
            (["BLMPOP", "0", "1", "w", "LEFT"], [b"w", [b"x"]]),
            (["BLMOVE", "w", "dst", "LEFT", "RIGHT", "0"], b"x"),
            (["BRPOPLPUSH", "w", "dst", "0"], b"x"),
        ]
        for cmd, served in commands:
            for write in writes:
                self.ctl.call("DEL", "w", "dst")
                c = self.block(*cmd)
                for w in write:
                    self.ctl.call(*w)
                self.ctl.call("DEL", "w")
                self.ctl.call("RPUSH", "w", "x")
                # Replies come in order: a WRONGTYPE sent meanwhile would be read first.
                self.assertEqual(decode(c.read_reply()), served, (cmd, write))
                self.wait_blocked(0)
                c.close()

    def test_wrong_type_on_one_of_the_waited_keys(self):
        c = self.block("BLPOP", "k1", "k2", "0")
        self.ctl.call("MULTI")
        self.ctl.call("SET", "k1", "str")
        self.ctl.call("RPUSH", "k2", "b")
        self.ctl.call("EXEC")
        self.assertEqual(decode(c.read_reply()), [b"k2", b"b"])
        # Not blocked: a key of another type is still WRONGTYPE at once, wherever it stands.
        self.assertTrue(c.call("BLPOP", "k0", "k1", "0").startswith(b"-WRONGTYPE"))
        self.assertTrue(c.call("BLMOVE", "k1", "d", "LEFT", "LEFT", "0")
                        .startswith(b"-WRONGTYPE"))

    def test_rename_into_watched_key_wakes_waiter(self):
        c = self.block("BLPOP", "target", "0")
        self.ctl.call("RPUSH", "tmp", "moved")
        self.ctl.call("RENAME", "tmp", "target")
        self.assertEqual(decode(c.read_reply()), [b"target", b"moved"])

    def test_threads_with_redis_py(self):
        # Consumers on redis-py connections (spread over the io threads) and one producer.
        n_consumers, per_consumer = 4, 25
        results, errors = [], []
        lock = threading.Lock()

        def consume():
            r = self.server.client()
            try:
                for _ in range(per_consumer):
                    item = r.blpop(["work"], timeout=10)
                    if item is None:
                        errors.append("timeout")
                        return
                    with lock:
                        results.append(item[1])
            except Exception as e:  # reported below
                errors.append(repr(e))
            finally:
                r.close()

        threads = [threading.Thread(target=consume) for _ in range(n_consumers)]
        for t in threads:
            t.start()
        producer = self.server.client()
        total = n_consumers * per_consumer
        for i in range(total):
            producer.rpush("work", "job%d" % i)
        for t in threads:
            t.join(30)
        producer.close()
        self.assertEqual(errors, [])
        self.assertEqual(sorted(results), sorted(b"job%d" % i for i in range(total)))
        self.wait_blocked(0)

    def test_stress_short_timeouts_lose_and_duplicate_nothing(self):
        # Consumers with 20 ms timeouts on two keys race producers: timeouts, wake-ups and
        # hand-overs interleave, yet every element is received exactly once.
        total, n_consumers = 600, 6
        received, errors = [], []
        lock = threading.Lock()
        done = threading.Event()
        deadline = time.monotonic() + 30

        def consume(i):
            c = self.server.raw()
            try:
                while not done.is_set() and time.monotonic() < deadline:
                    cmd = [["BLPOP", "s1", "s2", "0.02"], ["BRPOP", "s2", "s1", "0.02"],
                           ["BLMPOP", "0.02", "2", "s1", "s2", "LEFT", "COUNT", "3"]][i % 3]
                    reply = decode(c.call(*cmd))
                    if reply is None:
                        continue
                    items = reply[1] if isinstance(reply[1], list) else [reply[1]]
                    with lock:
                        received.extend(items)
                        if len(received) >= total:
                            done.set()
            except Exception as e:  # reported below
                errors.append(repr(e))
            finally:
                c.close()

        def produce(p):
            c = self.server.raw()
            rnd = random.Random(p)
            try:
                for j in range(total // 3):
                    c.call(rnd.choice(["RPUSH", "LPUSH"]), rnd.choice(["s1", "s2"]),
                           "p%d-%d" % (p, j))
                    if j % 50 == 0:
                        time.sleep(0.01)
            finally:
                c.close()

        threads = [threading.Thread(target=consume, args=(i,)) for i in range(n_consumers)]
        threads += [threading.Thread(target=produce, args=(p,)) for p in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(40)
        self.assertEqual(errors, [])
        expected = sorted(b"p%d-%d" % (p, j) for p in range(3) for j in range(total // 3))
        self.assertEqual(sorted(received), expected)
        self.wait_blocked(0)


if __name__ == "__main__":
    harness.main(timeout=120)
