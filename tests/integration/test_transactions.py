"""MULTI / EXEC / DISCARD / WATCH / UNWATCH: replies compared with redis-server (queueing,
EXECABORT, run-time errors, WATCH failures), redis-py pipelines, WATCH retry loops under
contention, isolation of concurrent transactions, and a kill -9 crash test (appendfsync always):
every acknowledged EXEC is present after restart and no EXEC is ever half applied.

REDROCK_SEED=<n> replays the kill timings of a failed crash run.
"""

import os
import random
import threading
import time

import redis

import harness
from harness import Cmd, ConnectionClosed, RawClient, RedrockServer, decode


class TransactionCompareTest(harness.CompareTestCase):
    """Replies of redrock and Redis to the same MULTI/EXEC sequences."""

    def second_clients(self):
        """A second connection to each server: (redrock, redis)."""
        a2, b2 = self.server.raw(), self.reference.raw()
        self.addCleanup(a2.close)
        self.addCleanup(b2.close)
        return a2, b2

    def test_queue_and_exec(self):
        self.assertSame([
            "MULTI", "SET a 1", "INCR a", "GET a", "INCRBYFLOAT a 0.5", "EXEC", "GET a",
            "MULTI", "EXEC",
            "MULTI", "PING", "ECHO hi", "DISCARD", "GET a",
        ])

    def test_errors_outside_and_nested(self):
        self.assertSame([
            "EXEC", "DISCARD",
            "MULTI", "MULTI", "SET x 1", "WATCH x", "EXEC",  # neither flags the transaction
            "GET x", "UNWATCH",
        ])

    def test_queue_time_errors_abort(self):
        self.assertSame([
            "MULTI", "SET a", "SET b 1", "EXEC", "EXISTS b",             # arity
            "MULTI", "NOSUCHCMD x", "SET b 1", "EXEC", "EXISTS b",       # unknown command
            "MULTI", "CONFIG NOSUCH", "EXEC",                            # unknown subcommand
            "MULTI", "SAVE", "EXEC",                                     # no-multi command
            "MULTI", "SET a 1", "EXEC x", "EXEC",                        # EXEC's own arity
            "EXEC x",
            "MULTI", "GET", "DISCARD", "GET a",                          # DISCARD clears it
        ])

    def test_runtime_errors_do_not_roll_back(self):
        self.assertSame([
            "SET s text",
            "MULTI", "SET t 1", "INCR s", "LPUSH s x", "INCR t", "SET u 2", "EXEC",
            "MGET s t u",
            "MULTI", "SET n 5", "INCRBY n notanumber", "DECR n", "EXEC", "GET n",
        ])

    def test_select_inside_multi(self):
        self.assertSame([
            "MULTI", "SET k db0", "SELECT 3", "SET k db3", "INCR c", "SELECT 0", "INCR c", "EXEC",
            "GET k", "GET c", "SELECT 3", "GET k", "GET c", "SELECT 0",
            "MULTI", "SELECT 5", "SET j 1", "EXEC", "GET j", "SELECT 5", "GET j", "FLUSHDB",
            "SELECT 0",
            "MULTI", "SELECT 99", "SET z 1", "EXEC", "GET z",  # a failed SELECT keeps the db
        ])

    def test_key_commands_inside_multi(self):
        self.assertSame([
            "MULTI", "SET a 1", "RENAME a b", "COPY b c", "MOVE c 2", "EXPIRE b 100", "TTL b",
            "PERSIST b", "TTL b", "DEL b", "EXISTS a b c", "EXEC",
            "SELECT 2", "GET c", "FLUSHDB", "SELECT 0",
            "MULTI", "MSET m1 1 m2 2", "MGET m1 m2 m3", "COPY m1 m9 DB 4", "EXEC",
            "SELECT 4", "GET m9", "FLUSHDB", "SELECT 0",
        ])

    def test_flush_inside_multi(self):
        # FLUSHDB/FLUSHALL split the transaction in two parts (see server/multi.h).
        self.assertSame([
            "SET old 1",
            "MULTI", "SET a 1", "FLUSHDB", "SET b 2", "DBSIZE", "EXEC", "MGET old a b",
            "MULTI", "SET c 1", "FLUSHALL", "INCR d", "EXEC", "MGET b c d", "DBSIZE",
        ])

    def test_flush_inside_multi_more(self):
        # A flush between writes of one EXEC; the writes after it land in the emptied db, a
        # WATCH of the client itself taken before is checked once, at the start.
        self.assertSame([
            "SET w 1", "WATCH w", "MULTI", "SET a 1", "FLUSHDB", "SET b 2", "EXEC",
            "KEYS *", "WATCH b", "MULTI", "FLUSHALL", "SET c 3", "SELECT 2", "SET d 4",
            "FLUSHDB", "SET e 5", "EXEC", "DBSIZE", "SELECT 2", "DBSIZE", "SELECT 0",
            "MULTI", "SELECT 3", "SET f 1", "MOVE f 4", "SELECT 4", "GET f", "FLUSHDB", "GET f",
            "EXEC", "SELECT 0",
        ])

    def test_watch_around_flush_and_move(self):
        # Redis counts a flush as a change of the watched keys that existed in the flushed db
        # only; MOVE changes the key in both dbs.
        a2, b2 = self.second_clients()
        cases = [
            ([], ["FLUSHALL"], 0),
            (["SET k 1"], ["FLUSHALL"], 0),
            (["SET k 1"], ["SELECT 1", "FLUSHDB", "SELECT 0"], 0),
            (["SET k 1"], ["FLUSHDB"], 0),
            (["SET k 1", "EXPIRE k 100"], ["FLUSHDB"], 0),
            (["SELECT 1", "SET k 1", "SELECT 0"], ["FLUSHALL"], 0),
            ([], ["SET other 1", "FLUSHDB"], 0),
            ([], ["SET k 1", "FLUSHDB"], 0),
            (["SET k 1"], ["DEL k", "FLUSHDB"], 0),
            (["SET k 1"], ["MOVE k 1"], 0),
            (["SET k 1"], ["MOVE k 1"], 1),
            (["SELECT 1", "SET k 1", "SELECT 0"], ["SELECT 1", "MOVE k 0", "SELECT 0"], 0),
            # Not here: a MOVE that fails because the target exists. It took the key's lock,
            # which redrock counts as a change (see docs/commands.md, WATCH).
        ]
        for setup, change, watch_db in cases:
            with self.subTest(setup=setup, change=change, watch_db=watch_db):
                for c in (self.a, self.b):
                    c.call("FLUSHALL")
                self.assertSame(setup, a=a2, b=b2)
                self.assertSame(["SELECT %d" % watch_db, "WATCH k"])
                self.assertSame(change, a=a2, b=b2)
                self.assertSame(["MULTI", "PING", "EXEC", "SELECT 0"])

    def test_watch_modified_by_another_client(self):
        a2, b2 = self.second_clients()
        self.assertSame(["SET k 1", "WATCH k", "GET k"])
        self.assertSame(["SET k 2"], a=a2, b=b2)
        self.assertSame(["MULTI", "SET k 3", "EXEC", "GET k"])
        # A watched key that did not exist and was then created.
        self.assertSame(["WATCH nokey"])
        self.assertSame(["SET nokey 1"], a=a2, b=b2)
        self.assertSame(["MULTI", "SET nokey 3", "EXEC", "GET nokey"])
        # Deleted, renamed away, expired by EXPIRE 0: all changes.
        for change in ("DEL k", "RENAME k k2", "EXPIRE k 0", "APPEND k x", "FLUSHALL"):
            self.assertSame(["SET k 1", "WATCH k"])
            self.assertSame([change], a=a2, b=b2)
            self.assertSame(["MULTI", "PING", "EXEC"])

    def test_watch_own_modification_and_unwatch(self):
        self.assertSame([
            "SET k 1", "WATCH k", "SET k 2", "MULTI", "SET k 3", "EXEC", "GET k",
            "WATCH k", "UNWATCH", "SET k 4", "MULTI", "SET k 5", "EXEC", "GET k",
            "WATCH k", "MULTI", "DISCARD", "SET k 6", "MULTI", "SET k 7", "EXEC", "GET k",
            "WATCH k a b k", "MULTI", "INCR a", "EXEC",  # unchanged: runs
            "WATCH k", "GET k", "MULTI", "SET k 8", "EXEC", "GET k",  # reading is no change
        ])

    def test_watch_other_db_and_resp3(self):
        a2, b2 = self.second_clients()
        self.assertSame(["SET k 1", "WATCH k"])
        self.assertSame(["SELECT 1", "SET k 2", "SELECT 0"], a=a2, b=b2)  # another db's k
        self.assertSame(["MULTI", "SET k 3", "EXEC", "GET k"])
        self.assertSame(["HELLO 3", "WATCH k"])
        self.assertSame(["SET k 9"], a=a2, b=b2)
        self.assertSame(["MULTI", "GET k", "EXEC", "MULTI", "SET", "EXEC", "HELLO 2"],
                        rules={"HELLO": harness.ignore})

    def test_watch_key_that_expires(self):
        self.assertSame(["SET k v PX 150", "WATCH k"])
        time.sleep(0.4)
        self.assertSame(["MULTI", "SET other 1", "EXEC", "GET other"])
        # A key already expired when WATCH ran is not a change.
        self.assertSame(["SET k v PX 10"])
        time.sleep(0.1)
        self.assertSame(["WATCH k", "MULTI", "SET other 2", "EXEC", "GET other"])

    def test_blocking_commands_inside_multi_do_not_block(self):
        self.assertSame([
            "MULTI", "BLPOP empty 0", "BRPOPLPUSH empty other 0", "BLMOVE empty other LEFT LEFT 0",
            "RPUSH full x", "BLPOP full 0", "EXEC",
        ])

    def test_pubsub_inside_multi(self):
        self.assertSame([
            "MULTI", "SUBSCRIBE ch", "EXEC",
            "MULTI",  # refused in subscribed mode...
            "EXEC",   # ...and so is EXEC, with EXECABORT
            "RESET",
        ])


class PipelineTest(harness.ServerTestCase):
    """redis-py pipelines and concurrency."""

    def test_redis_py_pipelines(self):
        r = self.client()
        r.flushall()
        with r.pipeline(transaction=True) as p:
            p.set("a", 1).incr("a").incrby("a", 5).get("a").lpush("a", "x").get("a")
            res = p.execute(raise_on_error=False)
        self.assertEqual(res[:4], [True, 2, 7, b"7"])
        self.assertIsInstance(res[4], redis.ResponseError)
        self.assertEqual(res[5], b"7")
        with r.pipeline(transaction=False) as p:
            for i in range(100):
                p.set("k%d" % i, i)
            p.mget(["k%d" % i for i in range(100)])
            res = p.execute()
        self.assertEqual(res[-1], [str(i).encode() for i in range(100)])
        with self.assertRaises(redis.ResponseError):
            with r.pipeline(transaction=True) as p:
                p.execute_command("SET", "only-key")  # arity error at queue time: EXECABORT
                p.execute()
        self.assertIsNone(r.get("only-key"))

    def test_watch_retry_loop_is_exact(self):
        r = self.client()
        r.set("counter", 0)
        threads, per_thread = 8, 40
        aborts = [0]
        errors = []

        def worker():
            c = self.server.client()
            try:
                for _ in range(per_thread):
                    for _attempt in harness.bounded(10 ** 6, 40):
                        with c.pipeline() as p:
                            try:
                                p.watch("counter")
                                v = int(p.get("counter"))
                                p.multi()
                                p.set("counter", v + 1)
                                p.execute()
                                break
                            except redis.WatchError:
                                aborts[0] += 1
                    else:
                        raise AssertionError("retry loop did not finish in time")
            except Exception as e:  # reported by the main thread
                errors.append(e)
            finally:
                c.close()

        ts = [threading.Thread(target=worker) for _ in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(60)
        self.assertEqual(errors, [])
        self.assertEqual(int(r.get("counter")), threads * per_thread)
        self.assertGreater(aborts[0], 0)  # the loop did contend

    def test_transactions_are_isolated(self):
        """Transfers between two keys in MULTI/EXEC, with readers reading both in MULTI/EXEC:
        no reader may ever see a half-applied transfer."""
        r = self.client()
        r.mset({"acct:a": 1000, "acct:b": 1000})
        stop = threading.Event()
        errors = []
        reads = [0]

        def transfer(seed):
            c = RawClient(self.server.port)
            rnd = random.Random(seed)
            try:
                while not stop.is_set():
                    n = rnd.randint(1, 10)
                    src, dst = ("acct:a", "acct:b") if rnd.random() < 0.5 else ("acct:b", "acct:a")
                    c.send(b"".join(harness.encode_command(*cmd) for cmd in (
                        ("MULTI",), ("DECRBY", src, n), ("INCRBY", dst, n), ("EXEC",))))
                    replies = c.read_replies(4)
                    if not replies[3].startswith(b"*2\r\n"):
                        errors.append("EXEC replied %r" % replies[3])
            except Exception as e:
                errors.append(e)
            finally:
                c.close()

        def reader():
            c = RawClient(self.server.port)
            try:
                while not stop.is_set():
                    c.send(b"".join(harness.encode_command(*cmd) for cmd in (
                        ("MULTI",), ("GET", "acct:a"), ("GET", "acct:b"), ("EXEC",))))
                    a, b = decode(c.read_replies(4)[3])
                    if int(a) + int(b) != 2000:
                        errors.append("saw a=%s b=%s" % (a, b))
                    reads[0] += 1
            except Exception as e:
                errors.append(e)
            finally:
                c.close()

        ts = [threading.Thread(target=transfer, args=(i,)) for i in range(4)]
        ts += [threading.Thread(target=reader) for _ in range(2)]
        for t in ts:
            t.start()
        time.sleep(3)
        stop.set()
        for t in ts:
            t.join(20)
        self.assertEqual(errors, [])
        self.assertGreater(reads[0], 10)
        self.assertEqual(int(r.get("acct:a")) + int(r.get("acct:b")), 2000)

    def test_client_list_shows_multi(self):
        c = self.raw()
        r = self.client()
        self.assertEqual(c.call("MULTI"), b"+OK\r\n")
        c.call("SET", "x", "1")
        c.call("GET", "x")
        line = [l for l in r.execute_command("CLIENT", "LIST").decode().splitlines()
                if "flags=x" in l]
        self.assertEqual(len(line), 1, r.execute_command("CLIENT", "LIST"))
        self.assertIn(" multi=2 ", line[0])
        self.assertIn(" cmd=get ", line[0])  # the last command queued
        self.assertEqual(c.call("DISCARD"), b"+OK\r\n")


def exec_loop(port, state, stop):
    """MULTI / INCR a / INCR b / EXEC in a pipeline, one transaction at a time; records each
    acknowledged EXEC until the connection dies."""
    try:
        c = RawClient(port, timeout=5)
    except OSError as e:
        state["error"] = e
        return
    payload = b"".join(harness.encode_command(*cmd) for cmd in (
        ("MULTI",), ("INCR", "a"), ("INCR", "b"), ("EXEC",)))
    try:
        while not stop.is_set():
            state["inflight"] = True
            c.send(payload)
            replies = c.read_replies(4)
            value = decode(replies[3])
            if not isinstance(value, list) or value[0] != value[1]:
                state["error"] = AssertionError("EXEC replied %r" % replies[3])
                return
            state["acked"] = value[0]
            state["inflight"] = False
    except (ConnectionClosed, OSError, TimeoutError):
        pass  # the server was killed
    finally:
        c.close()


class CrashTest(harness.ServerTestCase):
    """kill -9 while a client streams transactions with appendfsync always."""

    server_kwargs = {"appendfsync": "always"}

    def test_kill9_never_splits_a_transaction(self):
        seed = int(os.environ.get("REDROCK_SEED", random.randrange(1 << 30)))
        rnd = random.Random(seed)
        acked_total = 0
        for round_no in range(4):
            state = {"acked": None, "inflight": False, "error": None}
            stop = threading.Event()
            t = threading.Thread(target=exec_loop, args=(self.server.port, state, stop))
            t.start()
            time.sleep(rnd.uniform(0.2, 0.8))
            self.server.kill9()
            stop.set()
            t.join(15)
            self.assertIsNone(state["error"], "seed=%d" % seed)
            self.server.start()
            r = self.client()
            a, b = r.get("a"), r.get("b")
            a = int(a) if a is not None else 0
            b = int(b) if b is not None else 0
            msg = "seed=%d round=%d a=%d b=%d acked=%r" % (seed, round_no, a, b, state["acked"])
            self.assertEqual(a, b, msg)  # never half a transaction
            if state["acked"] is not None:
                self.assertGreaterEqual(a, state["acked"], msg)  # every acknowledged EXEC
                self.assertLessEqual(a, state["acked"] + 1, msg)  # at most the one in flight
                acked_total = state["acked"]
            r.close()
        self.assertGreater(acked_total, 0)


if __name__ == "__main__":
    harness.main(timeout=120)
