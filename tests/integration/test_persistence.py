"""Durability of the server under test (no reference comparison): kill -9 during writes with
no appendfsync mode loses an acknowledged write (always, everysec, no); DEBUG RELOAD, SHUTDOWN, SIGTERM and restarts keep
data, TTLs, DBSIZE and the INFO keyspace.

REDROCK_SEED=<n> replays the kill timings of a failed run.
"""

import os
import random
import threading
import time
import unittest

import harness
from harness import ConnectionClosed, RawClient, RedrockServer, decode, encode_command


class WriterState:
    """What one writer knows was acknowledged, and the one write it may have had in flight."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.n = 0
        self.sets = {}        # key -> value, every acknowledged SET
        self.counter = 0      # last acknowledged INCR result
        self.log = b""        # APPEND log as acknowledged
        self.inflight = None  # ("set", key, value) | ("incr",) | ("append", piece)
        self.acked = 0
        self.error = None

    @property
    def counter_key(self):
        return self.prefix + "ctr"

    @property
    def log_key(self):
        return self.prefix + "log"


def run_writer(port, st, stop, step):
    """Calls step(client, st) until `stop` or the connection dies (the server was killed)."""
    try:
        c = RawClient(port, timeout=5)
    except OSError as e:
        st.error = e
        return
    try:
        for _ in harness.bounded(10 ** 7, 60):
            if stop.is_set():
                return
            step(c, st)
    except (ConnectionClosed, OSError, TimeoutError):
        return  # the server died under us: expected
    except AssertionError as e:
        st.error = e
    finally:
        c.close()


def one_write(c, st):
    """SET / INCR / APPEND in turn, recording the acknowledgement."""
    op = st.n % 3
    if op == 0:
        key, value = "%ss:%d" % (st.prefix, st.n), "value-%d" % st.n
        st.inflight = ("set", key, value.encode())
        reply = c.call("SET", key, value)
        if reply != b"+OK\r\n":
            raise AssertionError("SET replied %r" % reply)
        st.sets[key] = value.encode()
    elif op == 1:
        st.inflight = ("incr",)
        reply = c.call("INCR", st.counter_key)
        if reply != b":%d\r\n" % (st.counter + 1):
            raise AssertionError("INCR after %d replied %r" % (st.counter, reply))
        st.counter += 1
    else:
        piece = b"%d," % st.n
        st.inflight = ("append", piece)
        reply = c.call("APPEND", st.log_key, piece)
        if reply != b":%d\r\n" % (len(st.log) + len(piece)):
            raise AssertionError("APPEND replied %r" % reply)
        st.log += piece
    st.inflight = None
    st.acked += 1
    st.n += 1


def one_pipeline(c, st):
    """20 SETs then 10 INCRs in one send (which redrock commits as two batched runs),
    acknowledged when all 30 replies are in."""
    sets = [("%sp:%d" % (st.prefix, st.n + i), b"pv-%d" % (st.n + i)) for i in range(20)]
    st.inflight = ("pipe", sets, 10)
    c.send(b"".join(encode_command("SET", k, v) for k, v in sets)
           + encode_command("INCR", st.counter_key) * 10)
    replies = c.read_replies(30)
    want = [b"+OK\r\n"] * 20 + [b":%d\r\n" % (st.counter + i) for i in range(1, 11)]
    if replies != want:
        raise AssertionError("pipeline replied %r" % replies[:3])
    for k, v in sets:
        st.sets[k] = v
    st.counter += 10
    st.inflight = None
    st.acked += 30
    st.n += 20


def mget(client, keys, chunk=500):
    values = []
    for i in range(0, len(keys), chunk):
        values += decode(client.call("MGET", *keys[i:i + chunk]))
    return values


def verify_and_adopt(client, st):
    """Checks every acknowledged write of `st` survived; the in-flight write may or may not have.
    Then adopts the server's state as the new acknowledged state."""
    keys = sorted(st.sets)
    values = mget(client, keys) if keys else []
    lost = [(k, st.sets[k], v) for k, v in zip(keys, values) if v != st.sets[k]]
    assert not lost, "%d acknowledged SETs lost or wrong, e.g. %r" % (len(lost), lost[:3])
    inflight = st.inflight
    counter = int(decode(client.call("GET", st.counter_key)) or 0)
    allowed = {st.counter}
    if inflight and inflight[0] == "incr":
        allowed.add(st.counter + 1)
    if inflight and inflight[0] == "pipe":
        allowed.update(range(st.counter + 1, st.counter + inflight[2] + 1))
    assert counter in allowed, "counter %d, acknowledged %d (in flight: %r)" % (
        counter, st.counter, inflight)
    st.counter = counter
    log = decode(client.call("GET", st.log_key)) or b""
    allowed = {st.log}
    if inflight and inflight[0] == "append":
        allowed.add(st.log + inflight[1])
    assert log in allowed, "append log of %d bytes, acknowledged %d bytes (in flight %r)" % (
        len(log), len(st.log), inflight)
    st.log = log
    if inflight and inflight[0] == "set":
        got = decode(client.call("GET", inflight[1]))
        assert got in (None, inflight[2]), "in-flight SET %r has %r" % (inflight[1], got)
        if got is not None:
            st.sets[inflight[1]] = got
    if inflight and inflight[0] == "pipe":
        for key, value in inflight[1]:
            got = decode(client.call("GET", key))
            assert got in (None, value), "in-flight pipelined SET %r has %r" % (key, got)
            if got is not None:
                st.sets[key] = got
        st.n += len(inflight[1])
    elif inflight:
        st.n += 1  # never reuse the in-flight key
    st.inflight = None


class CrashTest(unittest.TestCase):
    def test_kill9_during_writes_keeps_every_acknowledged_write(self):
        self.kill9_cycles("always", 12, 25)

    # kill -9 kills the process, not the machine: whatever the fsync policy, a write that was
    # acknowledged must already be in the WAL file (the WAL buffer is written out before any
    # reply is sent), so none may be lost.
    def test_kill9_everysec_keeps_every_acknowledged_write(self):
        self.kill9_cycles("everysec", 8, 12)

    def test_kill9_appendfsync_no_keeps_every_acknowledged_write(self):
        self.kill9_cycles("no", 8, 12)

    def kill9_cycles(self, appendfsync, max_cycles, seconds):
        seed = int(os.environ.get("REDROCK_SEED", random.randrange(1 << 30)))
        rnd = random.Random(seed)
        server = RedrockServer(appendfsync=appendfsync)
        self.addCleanup(server.close)
        server.start()
        writers = [WriterState("w%d:" % i) for i in range(4)]  # the last one pipelines
        cycles = 0
        acked_per_cycle = []
        for cycle in harness.bounded(max_cycles, seconds):
            before = sum(st.acked for st in writers)
            stop = threading.Event()
            threads = [threading.Thread(target=run_writer, daemon=True, args=(
                server.port, st, stop, one_pipeline if i == 3 else one_write))
                for i, st in enumerate(writers)]
            for t in threads:
                t.start()
            time.sleep(rnd.uniform(0.3, 1.2))
            server.kill9()
            stop.set()
            for t in threads:
                t.join(10)
                self.assertFalse(t.is_alive(), "writer stuck after kill -9")
            for st in writers:
                self.assertIsNone(st.error, "seed %d: %s" % (seed, st.error))
            acked_per_cycle.append(sum(st.acked for st in writers) - before)
            server.start()
            with server.raw() as c:
                for st in writers:
                    try:
                        verify_and_adopt(c, st)
                    except AssertionError as e:
                        raise AssertionError("seed %d, cycle %d, writer %s: %s"
                                             % (seed, cycle, st.prefix, e)) from None
            cycles += 1
        self.assertGreaterEqual(cycles, 3, "too few kill cycles in the time budget")
        self.assertTrue(all(n > 0 for n in acked_per_cycle),
                        "a cycle acknowledged nothing: %s" % acked_per_cycle)
        print("\n  appendfsync %s, seed %d, cycles %d, acknowledged writes per cycle %s"
              % (appendfsync, seed, cycles, acked_per_cycle))


def populate(client):
    """A few databases, persistent and volatile keys. Returns {db: {key: value}}."""
    data = {}
    for db in (0, 1, 7):
        client.call("SELECT", str(db))
        keys = {}
        cmds = []
        for i in range(200):
            k, v = "k%d:%d" % (db, i), "v%d" % i
            keys[k.encode()] = v.encode()
            if i % 4 == 0:
                cmds.append(encode_command("SET", k, v, "EX", "10000"))
            elif i % 4 == 1:
                cmds.append(encode_command("SET", k, v, "PXAT", str(int(time.time() * 1000)
                                                                     + 20000000)))
            else:
                cmds.append(encode_command("SET", k, v))
        client.send(b"".join(cmds))
        assert all(r == b"+OK\r\n" for r in client.read_replies(len(cmds)))
        client.call("INCRBY", "counter%d" % db, "41")
        client.call("INCR", "counter%d" % db)
        keys[b"counter%d" % db] = b"42"
        client.call("SET", "big%d" % db, "x" * 100000)
        keys[b"big%d" % db] = b"x" * 100000
        data[db] = keys
    client.call("SELECT", "0")
    return data


def snapshot(client, data):
    """Values, TTL presence, DBSIZE per database and the keyspace lines (without avg_ttl)."""
    snap = {}
    for db, keys in data.items():
        client.call("SELECT", str(db))
        names = sorted(keys)
        snap[db] = {
            "values": dict(zip(names, mget(client, names))),
            "ttl": {k: decode(client.call("TTL", k)) for k in names[::7]},
            "dbsize": decode(client.call("DBSIZE")),
        }
    client.call("SELECT", "0")
    info = decode(client.call("INFO", "keyspace")).decode()
    snap["keyspace"] = sorted(line.rsplit(",avg_ttl=", 1)[0] for line in info.split("\r\n")
                              if line.startswith("db"))
    return snap


class RestartTest(unittest.TestCase):
    def start(self, **kwargs):
        server = RedrockServer(**kwargs)
        self.addCleanup(server.close)
        server.start()
        return server

    def assertSameSnapshot(self, before, after):
        self.assertEqual(after["keyspace"], before["keyspace"])
        for db in before:
            if db == "keyspace":
                continue
            self.assertEqual(after[db]["dbsize"], before[db]["dbsize"], "db %s" % db)
            self.assertEqual(after[db]["values"], before[db]["values"], "db %s" % db)
            for k, ttl in before[db]["ttl"].items():
                got = after[db]["ttl"][k]
                if ttl < 0:
                    self.assertEqual(got, ttl, k)
                else:
                    self.assertTrue(0 < got <= ttl and ttl - got < 30, (k, ttl, got))

    def test_debug_reload_keeps_data_and_ttls(self):
        server = self.start()
        with server.raw() as c:
            data = populate(c)
            c.call("SET", "soon", "v", "PX", "300")
            before = snapshot(c, data)
            self.assertEqual(before["keyspace"][0], "db0:keys=203,expires=101")
            self.assertEqual(c.call("DEBUG", "RELOAD"), b"+OK\r\n")
            self.assertSameSnapshot(before, snapshot(c, data))
            pttl = decode(c.call("PTTL", "k0:1"))
            self.assertGreater(pttl, 20000000 - 60000)
            time.sleep(0.4)
            self.assertEqual(c.call("DEBUG", "RELOAD"), b"+OK\r\n")
            self.assertEqual(c.call("GET", "soon"), b"$-1\r\n")

    def test_shutdown_then_restart_keeps_data(self):
        server = self.start(appendfsync="everysec")
        with server.raw() as c:
            data = populate(c)
            before = snapshot(c, data)
            c.send(encode_command("SHUTDOWN"))
            self.assertEqual(c.read_until_closed(timeout=15), b"")
        self.assertEqual(server.wait_exit(), 0, server.log_tail())
        server.start()
        with server.raw() as c:
            self.assertSameSnapshot(before, snapshot(c, data))

    def test_sigterm_then_restart_keeps_data(self):
        server = self.start(appendfsync="no")
        with server.raw() as c:
            data = populate(c)
            before = snapshot(c, data)
        self.assertEqual(server.stop(), 0, server.log_tail())
        server.start()
        with server.raw() as c:
            self.assertSameSnapshot(before, snapshot(c, data))

    def test_kill9_restart_preserves_dbsize_keyspace_and_expiry(self):
        server = self.start(appendfsync="always")
        with server.raw() as c:
            data = populate(c)
            c.call("SET", "shortlived", "v", "PX", "500")
            c.call("SET", "deleted", "v")
            c.call("DEL", "deleted")
            c.call("SELECT", "1")
            c.call("FLUSHDB")
            c.call("SELECT", "0")
            del data[1]
            time.sleep(0.6)
            # Reading it deletes the expired key: unreclaimed expired keys may count in DBSIZE.
            self.assertEqual(c.call("GET", "shortlived"), b"$-1\r\n")
            before = snapshot(c, data)
        server.kill9()
        server.start()
        with server.raw() as c:
            after = snapshot(c, data)
            self.assertSameSnapshot(before, after)
            self.assertEqual(c.call("EXISTS", "shortlived", "deleted"), b":0\r\n")
            self.assertEqual(after["keyspace"], ["db0:keys=202,expires=100",
                                                 "db7:keys=202,expires=100"])
        # And once more with a clean restart.
        server.restart()
        with server.raw() as c:
            self.assertSameSnapshot(before, snapshot(c, data))

    def test_ttl_expires_while_down(self):
        server = self.start(appendfsync="always")
        with server.raw() as c:
            c.call("SET", "brief", "v", "PX", "800")
            c.call("SET", "lasting", "v", "EX", "1000")
        server.stop()
        time.sleep(1.0)
        server.start()
        with server.raw() as c:
            self.assertEqual(c.call("GET", "brief"), b"$-1\r\n")
            self.assertEqual(c.call("EXISTS", "lasting"), b":1\r\n")
            self.assertEqual(c.call("DBSIZE"), b":1\r\n")


if __name__ == "__main__":
    harness.main(timeout=150)
