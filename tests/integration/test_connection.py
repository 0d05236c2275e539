"""Connection and server commands: PING ECHO SELECT QUIT RESET HELLO AUTH CLIENT COMMAND CONFIG
INFO DBSIZE FLUSHDB FLUSHALL TIME DEBUG, and the exact texts of generic errors."""

import fnmatch
import os
import resource
import signal
import time
import unittest

import harness
from harness import CompareTestCase, decode


class BasicConnectionTest(CompareTestCase):
    def test_ping_echo(self):
        self.assertSame([
            "PING",
            "PING hello",
            "PING a b",
            "ECHO",
            "ECHO hi",
            ["ECHO", b"\x00\xff binary"],
            "ECHO a b",
            "ping",
            "PiNg",
        ])

    def test_select(self):
        self.assertSame([
            "SELECT 0",
            "SET k db0",
            "SELECT 15",
            "GET k",
            "SET k db15",
            "SELECT 16",
            "SELECT -1",
            "SELECT abc",
            "SELECT 1.5",
            "SELECT",
            "GET k",
            "SELECT 0",
            "GET k",
            "DBSIZE",
            "SELECT 9999999999999999999999",
        ])

    def test_quit_closes_after_ok(self):
        for c in (self.a, self.b):
            c.send(harness.encode_command("QUIT") + harness.encode_command("PING"))
        ra, rb = self.a.read_until_closed(), self.b.read_until_closed()
        self.assertEqual(ra, b"+OK\r\n")
        self.assertEqual(ra, rb)

    def test_reset(self):
        self.assertSame([
            "SELECT 3",
            "CLIENT SETNAME before",
            "SET k v",
            "RESET",
            "CLIENT GETNAME",
            "GET k",
            "SELECT 3",
            "GET k",
            "RESET extra",
        ])

    def test_hello(self):
        self.assertSame([
            "HELLO",
            "HELLO 2",
            "HELLO 2 SETNAME conn1",
            "CLIENT GETNAME",
            "HELLO 3 SETNAME bad\\ name",
            "HELLO 2 AUTH default wrong",
            "HELLO 2 AUTH default",
            "HELLO 0",
        ])
        hello = decode(self.a.call("HELLO", "2"))
        self.assertIsInstance(hello, list)
        self.assertEqual(len(hello), 14)
        fields = dict(zip(hello[::2], hello[1::2]))
        self.assertEqual(fields[b"version"], b"7.0.15")
        self.assertEqual(fields[b"proto"], 2)
        self.assertEqual(fields[b"id"], decode(self.a.call("CLIENT", "ID")))

    def test_auth_without_password_configured(self):
        self.assertSame(["AUTH foo", "AUTH default foo", "AUTH", "AUTH a b c", "PING"])

    def test_unknown_command_and_arity_errors(self):
        self.assertSame([
            "FOOBAR",
            "FOOBAR a b",
            "foobar 'with space' x",
            ["NOPE", "x" * 200, "y"],
            "NOPE a b c d e f g h i j k l m n o p q r s t u v w x y z",
            "GET",
            "GET a b",
            "SET k",
            "set",
            "MGET",
            "EXPIRE k",
            "DBSIZE extra",
            "CLIENT",
            "CLIENT NOSUCH",
            "CONFIG NOSUCH",
            "COMMAND NOSUCH",
            "OBJECT NOSUCH k",
            "CLIENT SETNAME",
            "CONFIG GET",
            "CONFIG SET appendfsync",
        ])


class ClientCommandTest(CompareTestCase):
    def test_setname_getname(self):
        self.assertSame([
            "CLIENT GETNAME",
            "CLIENT SETNAME foo",
            "CLIENT GETNAME",
            "CLIENT SETNAME 'a b'",
            ["CLIENT", "SETNAME", "a\nb"],
            ["CLIENT", "SETNAME", "caf\xe9"],
            "CLIENT GETNAME",
            "CLIENT SETNAME ''",
            "CLIENT GETNAME",
            "CLIENT SETNAME x y",
        ])

    def test_id_list_info(self):
        a_id = decode(self.a.call("CLIENT", "ID"))
        other = self.raw()
        other_id = decode(other.call("CLIENT", "ID"))
        self.assertIsInstance(a_id, int)
        self.assertGreater(other_id, a_id)
        self.assertEqual(decode(self.a.call("CLIENT", "ID")), a_id)
        self.a.call("CLIENT", "SETNAME", "lister")
        self.a.call("SELECT", "2")
        listing = decode(self.a.call("CLIENT", "LIST")).decode()
        lines = [l for l in listing.split("\n") if l.strip()]
        mine = [l for l in lines if l.startswith("id=%d " % a_id)]
        self.assertEqual(len(mine), 1, listing)
        fields = dict(f.split("=", 1) for f in mine[0].split(" ") if "=" in f)
        self.assertTrue(fields["addr"].startswith("127.0.0.1:"), mine[0])
        self.assertEqual(fields["name"], "lister")
        self.assertEqual(fields["db"], "2")
        self.assertEqual(fields["cmd"], "client|list")
        self.assertTrue(any(l.startswith("id=%d " % other_id) for l in lines), listing)
        by_id = decode(self.a.call("CLIENT", "LIST", "ID", str(other_id))).decode()
        self.assertTrue(by_id.startswith("id=%d " % other_id), by_id)
        self.assertEqual(by_id.count("\n"), 1, by_id)
        info = decode(self.a.call("CLIENT", "INFO")).decode()
        self.assertTrue(info.startswith("id=%d addr=127.0.0.1:" % a_id), info)
        self.assertIn(" name=lister ", info)
        self.assertTrue(info.endswith("\n"))

    def test_kill(self):
        victim = self.raw()
        victim_id = decode(victim.call("CLIENT", "ID"))
        self.assertEqual(self.a.call("CLIENT", "KILL", "ID", str(victim_id)), b":1\r\n")
        self.assertEqual(victim.read_until_closed(timeout=5), b"")
        self.assertEqual(self.a.call("CLIENT", "KILL", "ID", str(victim_id)), b":0\r\n")
        # Old form: CLIENT KILL addr:port.
        victim2 = self.raw()
        info = decode(victim2.call("CLIENT", "INFO")).decode()
        addr = dict(f.split("=", 1) for f in info.split() if "=" in f)["addr"]
        self.assertEqual(self.a.call("CLIENT", "KILL", addr), b"+OK\r\n")
        self.assertEqual(victim2.read_until_closed(timeout=5), b"")
        self.assertSame([
            "CLIENT KILL 127.0.0.1:1",
            "CLIENT KILL ID 999999999",
            "CLIENT KILL ID abc",
            "CLIENT KILL FOO bar",
            "PING",
        ])
        # SKIPME yes (default): the caller survives killing by its own address filter.
        self.assertEqual(self.a.call("PING"), b"+PONG\r\n")


class AuthTest(CompareTestCase):
    server_kwargs = {"requirepass": "s3cret"}
    reference_kwargs = {"requirepass": "s3cret"}

    def setUp(self):
        super().setUp()
        self.ua = self.server.raw(auth=False)
        self.ub = self.reference.raw(auth=False)
        self.addCleanup(self.ua.close)
        self.addCleanup(self.ub.close)

    def test_noauth_then_auth(self):
        self.assertSame([
            "GET k",
            "PING",
            "SET k v",
            "FOOBAR",
            "AUTH wrong",
            "GET k",
            "AUTH default wrong",
            "AUTH nosuchuser s3cret",
            "AUTH",
            "AUTH s3cret",
            "SET k v",
            "GET k",
            "AUTH default s3cret",
            "AUTH wrong",
            "GET k",
        ], a=self.ua, b=self.ub)

    def test_hello_auth(self):
        self.assertSame([
            "HELLO 3",
            "HELLO 3 AUTH default wrong",
            "GET k",
            "HELLO 3 AUTH default s3cret SETNAME authed",
            "CLIENT GETNAME",
            "GET k",
        ], a=self.ua, b=self.ub)

    def test_quit_and_reset_allowed_before_auth(self):
        self.assertSame(["RESET", "GET k"], a=self.ua, b=self.ub)
        for c in (self.ua, self.ub):
            c.send(harness.encode_command("QUIT"))
        self.assertEqual(self.ua.read_until_closed(), b"+OK\r\n")
        self.assertEqual(self.ub.read_until_closed(), b"+OK\r\n")

    def test_redis_cli_with_password(self):
        out = self.server.cli("SET", "clikey", "1")
        self.assertEqual(out.stdout, b"OK\n", out.stderr)
        out = harness.redis_cli(self.server.port, "GET", "clikey")
        self.assertIn(b"NOAUTH", out.stdout + out.stderr)


class CommandIntrospectionTest(CompareTestCase):
    def test_command_count(self):
        count = decode(self.a.call("COMMAND", "COUNT"))
        self.assertIsInstance(count, int)
        self.assertGreater(count, 40)
        self.assertEqual(len(decode(self.a.call("COMMAND"))), count)

    def test_command_info(self):
        info = decode(self.a.call("COMMAND", "INFO", "get", "SET", "mset", "nosuchcommand"))
        self.assertEqual(len(info), 4)
        get, set_, mset, missing = info
        self.assertEqual(get[:2], [b"get", 2])
        self.assertIn("readonly", get[2])
        self.assertEqual(get[3:6], [1, 1, 1])
        self.assertEqual(set_[:2], [b"set", -3])
        self.assertIn("write", set_[2])
        self.assertEqual(set_[3:6], [1, 1, 1])
        self.assertEqual(mset[:2], [b"mset", -3])
        self.assertEqual(mset[3:6], [1, -1, 2])
        self.assertIsNone(missing)
        # Position 6 holds the ACL categories.
        self.assertIn("@string", get[6])
        self.assertSame(["COMMAND INFO nosuchcommand"])

    def test_command_getkeys(self):
        self.assertSame([
            "COMMAND GETKEYS GET a",
            "COMMAND GETKEYS SET a b EX 10",
            "COMMAND GETKEYS MSET a 1 b 2 c 3",
            "COMMAND GETKEYS DEL a b c",
            "COMMAND GETKEYS RENAME a b",
            "COMMAND GETKEYS COPY a b DB 1",
            "COMMAND GETKEYS LCS a b LEN",
            "COMMAND GETKEYS GET",
            "COMMAND GETKEYS PING",
            "COMMAND GETKEYS NOSUCH a",
            "COMMAND GETKEYS",
        ])

    def test_command_getkeys_numkeys_commands(self):
        # Keys counted by a numkeys argument (key specs of type "keynum"), and Redis 7.0's
        # fallback when that count is not a plain in-range number (atoi: "2abc" counts 2, and
        # the destination then comes last).
        cases = [
            "ZUNIONSTORE dst 2 a b", "ZUNIONSTORE dst 2 a b WEIGHTS 1 2", "ZUNIONSTORE dst 1 a b",
            "ZUNIONSTORE dst 0 a", "ZUNIONSTORE dst 3 a b", "ZUNIONSTORE dst -1 a",
            "ZUNIONSTORE dst 2abc a b", "ZUNIONSTORE dst abc a b", "ZUNIONSTORE dst ' 2' a b",
            "ZUNIONSTORE dst +2 a b", "ZUNIONSTORE dst 02 a b", "ZUNIONSTORE dst 4294967298 a b",
            "ZUNIONSTORE dst 99999999999 a b", "ZUNIONSTORE dst 18446744073709551617 a",
            "ZUNIONSTORE dst", "ZINTERSTORE dst 2 a b", "ZDIFFSTORE dst 2 a b",
            "ZDIFFSTORE dst 3 a b", "ZDIFFSTORE dst 2x a b",
            "ZINTER 2 a b", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b", "ZINTER 0 a",
            "ZINTER 2x a b", "ZINTER 4294967297 a", "ZUNION 1 a", "ZUNION 1", "ZDIFF 2 a b",
            "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 1 a", "ZINTERCARD 3 a b",
            "SINTERCARD 2 a b", "SINTERCARD 2 a b LIMIT 5", "SINTERCARD 3 a b",
            "SINTERCARD 1x a b",
            "LMPOP 2 a b LEFT", "LMPOP 1 a LEFT COUNT 2", "LMPOP 3 a b LEFT", "LMPOP 2 a b",
            "LMPOP 0 a LEFT", "LMPOP 2x a b LEFT", "LMPOP 1",
            "BLMPOP 0 2 a b LEFT", "BLMPOP 1.5 1 a RIGHT COUNT 3", "BLMPOP 0 3 a b LEFT",
            "BLMPOP 0 2x a b LEFT", "BLMPOP 0 0 a LEFT",
            "ZMPOP 2 a b MIN", "ZMPOP 1 a MAX COUNT 2", "ZMPOP 3 a b MIN", "ZMPOP 2y a b MIN",
            "BZMPOP 0 2 a b MIN", "BZMPOP 0 1 a MAX", "BZMPOP 0 3 a b MIN", "BZMPOP 0 2z a b MIN",
        ]
        self.assertSame(["COMMAND GETKEYS " + c for c in cases])
        self.assertSame(["COMMAND GETKEYSANDFLAGS " + c for c in cases])
        # Fixed key positions next to them (their flags are not Redis's yet: see
        # docs/commands.md, COMMAND).
        self.assertSame(["COMMAND GETKEYS ZRANGESTORE dst src 0 -1",
                         "COMMAND GETKEYS SINTERSTORE dst a b",
                         "COMMAND GETKEYS BLMOVE a b LEFT RIGHT 0"])

    def test_command_info_key_specs_of_numkeys_commands(self):
        # Flags (with movablekeys), the legacy key range and the key specs, as Redis 7.0.
        for name in ("zunionstore", "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff",
                     "zintercard", "sintercard", "lmpop", "blmpop", "zmpop", "bzmpop"):
            info = decode(self.a.call("COMMAND", "INFO", name))[0]
            ref = decode(self.b.call("COMMAND", "INFO", name))[0]
            self.assertEqual(info[:6], ref[:6], name)  # name, arity, flags, first, last, step
            self.assertEqual(info[8], ref[8], name)  # key specs


class ConfigTest(CompareTestCase):
    def test_config_get_set_appendfsync(self):
        self.assertSame([
            "CONFIG GET appendfsync",
            "CONFIG SET appendfsync always",
            "CONFIG GET appendfsync",
            "CONFIG SET appendfsync no",
            "CONFIG GET APPENDFSYNC",
            "CONFIG SET appendfsync bogus",
            "CONFIG GET appendfsync",
            "CONFIG SET appendfsync everysec",
            "CONFIG GET appendfsync",
            "CONFIG GET nosuchparameter",
            "CONFIG SET nosuchparameter 1",
            "CONFIG SET appendfsync",
            "CONFIG GET databases",
            "CONFIG SET databases 32",
            "CONFIG GET appendfsync nosuch appendfsync",
        ])

    def test_multi_value_parameters(self):
        cmds = ["CONFIG GET client-output-buffer-limit", "CONFIG GET oom-score-adj-values"]
        for v in ("normal 1 2", "foo 1 2 3", "normal a b c", "normal -1 2 3", "master 1 2 3",
                  "replica 1mb 2kb 3", "normal 1 2 3 pubsub 4 5 6", "pubsub 1gb 0 0", "",
                  "NORMAL 7 8 9 slave 0 0 0 pubsub 9 9 x"):
            cmds += [["CONFIG", "SET", "client-output-buffer-limit", v],
                     "CONFIG GET client-output-buffer-limit"]
        for v in ("1 2", "1 2 x", "1 2 3000", "-2000 0 2000", "3 2 1", ""):
            cmds += [["CONFIG", "SET", "oom-score-adj-values", v], "CONFIG GET oom-score-adj-values"]
        cmds += [["CONFIG", "SET", "client-output-buffer-limit",
                  "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"],
                 ["CONFIG", "SET", "oom-score-adj-values", "0 200 800"],
                 "CONFIG GET repl-diskless-load", "CONFIG GET proc-title-template",
                 "CONFIG GET disable-thp", "CONFIG GET rdb-save-incremental-fsync"]
        self.assertSame(cmds)

    def test_config_set_hz_changes_the_expiry_cycle_rate(self):
        def cycles_per_second(hz):
            self.assertEqual(self.a.call("CONFIG", "SET", "hz", str(hz)), b"+OK\r\n")
            time.sleep(0.3)  # let a wait at the old rate end

            def cycles():
                info = decode(self.a.call("INFO", "rocksdb")).decode()
                return int(info.split("rocksdb_active_expire_cycles:")[1].split()[0])
            c0, t0 = cycles(), time.monotonic()
            time.sleep(1.5)
            return (cycles() - c0) / (time.monotonic() - t0)
        try:
            slow = cycles_per_second(5)
            fast = cycles_per_second(100)
        finally:
            self.a.call("CONFIG", "SET", "hz", "10")
        self.assertLess(slow, 8, (slow, fast))
        self.assertGreater(fast, 40, (slow, fast))

    def test_config_get_glob(self):
        for pattern in ("*fsync*", "append*", "maxmemory*", "*"):
            pairs = decode(self.a.call("CONFIG", "GET", pattern))
            self.assertEqual(len(pairs) % 2, 0)
            names = [n.decode() for n in pairs[::2]]
            self.assertEqual(len(names), len(set(names)), names)
            for n in names:
                self.assertTrue(fnmatch.fnmatchcase(n, pattern), (pattern, n))
            if pattern != "maxmemory*":
                self.assertIn("appendfsync", names)
        self.assertIn("maxmemory", [n.decode() for n in
                                    decode(self.a.call("CONFIG", "GET", "maxmemory*"))[::2]])
        self.assertSame(["CONFIG GET appendfs?nc", "CONFIG GET appendfsyn[abc]"])


class SlowLogTest(CompareTestCase):
    """SLOWLOG against redis-server: which commands are logged, how arguments are cut and
    redacted, the client fields, the length bound and the errors."""

    def tearDown(self):
        for c in (self.a, self.b):
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000")
            c.call("CONFIG", "SET", "slowlog-max-len", "128")
            c.call("SLOWLOG", "RESET")
        super().tearDown()

    def entries(self, c):
        """SLOWLOG GET -1 without ids, times, durations and ports (which differ)."""
        out = []
        for e in decode(c.call("SLOWLOG", "GET", "-1")):
            self.assertEqual(len(e), 6, e)
            self.assertIsInstance(e[0], int)
            self.assertGreaterEqual(e[2], 0)
            self.assertTrue(e[4].startswith(b"127.0.0.1:"), e)
            out.append((e[3], e[5]))
        return out

    def test_logged_commands_arguments_and_clients(self):
        for c in (self.a, self.b):
            self.assertEqual(c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), b"+OK\r\n")
            c.call("SLOWLOG", "RESET")
        long_value = "x" * 300
        cmds = [("SET", "k", long_value), ("CLIENT", "SETNAME", "sl-client"),
                ("RPUSH", "l") + tuple("e%d" % i for i in range(40)),
                ("AUTH", "secret"), ("AUTH", "user", "secret"), ("HELLO", "2", "AUTH", "u", "p"),
                ("HELLO", "2", "SETNAME", "sl-client"), ("MULTI",), ("SET", "m", "1"),
                ("INCR", "n"), ("EXEC",), ("GET", "missing"), ("NOSUCHCOMMAND",),
                ("GET",), ("SET", "p1", "v"), ("SET", "p2", "v")]
        for c in (self.a, self.b):
            for cmd in cmds:
                c.call(*cmd)
        got = [self.entries(c) for c in (self.a, self.b)]
        self.assertEqual(got[0], got[1])
        args = [e[0] for e in got[0]]
        self.assertIn([b"SET", b"k", b"x" * 128 + b"... (172 more bytes)"], args)
        self.assertIn([b"AUTH", b"(redacted)", b"(redacted)"], args)
        self.assertNotIn([b"EXEC"], args)
        self.assertEqual(len([a for a in args if a[0] == b"RPUSH"][0]), 32)
        self.assertSame(["SLOWLOG LEN", "SLOWLOG GET 0", "SLOWLOG GET -2", "SLOWLOG GET abc",
                         "SLOWLOG GET 1 2", "SLOWLOG LEN x", "SLOWLOG RESET x", "SLOWLOG foo",
                         "SLOWLOG", "SLOWLOG HELP", "SLOWLOG RESET", "SLOWLOG LEN"])

    def test_pipelined_runs_threshold_and_length_bound(self):
        for c in (self.a, self.b):
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "0")
            c.call("SLOWLOG", "RESET")
            # A pipeline of SETs and INCRs (batched as runs on redrock): each one is logged.
            c.send(b"".join(harness.encode_command("SET", "r%d" % i, "v") for i in range(5))
                   + b"".join(harness.encode_command("INCR", "ctr") for _ in range(3)))
            c.read_replies(8)
        got = [self.entries(c) for c in (self.a, self.b)]
        self.assertEqual(got[0], got[1])
        self.assertEqual(len(got[0]), 9)  # with the RESET
        for c in (self.a, self.b):
            c.call("CONFIG", "SET", "slowlog-max-len", "3")
            for i in range(10):
                c.call("PING")
            self.assertEqual(decode(c.call("SLOWLOG", "LEN")), 3)
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1")
            c.call("SLOWLOG", "RESET")
            c.call("SET", "k", "v")
            self.assertEqual(decode(c.call("SLOWLOG", "LEN")), 0)
            c.call("CONFIG", "SET", "slowlog-log-slower-than", "1000000")
            c.call("SET", "k", "v")
            self.assertEqual(decode(c.call("SLOWLOG", "LEN")), 0)
        # A slow command on redrock: the logged time is its own.
        self.a.call("CONFIG", "SET", "slowlog-log-slower-than", "100000")
        self.a.call("DEBUG", "SLEEP", "0.2")
        entry = decode(self.a.call("SLOWLOG", "GET"))[0]
        self.assertEqual(entry[3], [b"DEBUG", b"SLEEP", b"0.2"])
        self.assertGreaterEqual(entry[2], 200000)
        self.assertLess(entry[2], 5000000)


class InfoAndKeyspaceTest(CompareTestCase):
    def info(self, *section):
        text = decode(self.a.call("INFO", *section)).decode()
        return text

    def test_info_sections(self):
        text = self.info()
        self.assertIn("redis_version:7.0.15\r\n", text)
        for section in ("# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
                        "# Replication", "# CPU", "# Keyspace"):
            self.assertIn(section + "\r\n", text)
        server = self.info("server")
        self.assertTrue(server.startswith("# Server\r\n"), server[:50])
        self.assertIn("redis_version:7.0.15\r\n", server)
        self.assertIn("tcp_port:%d\r\n" % self.server.port, server)
        self.assertNotIn("# Clients", server)
        both = self.info("server", "clients")
        self.assertIn("# Server\r\n", both)
        self.assertIn("# Clients\r\n", both)
        self.assertIn("connected_clients:", both)
        self.assertIn("# Server\r\n", self.info("everything"))
        self.assertIn("# Server\r\n", self.info("all"))
        self.assertEqual(self.info("nosuchsection"), "")

    def test_keyspace_line(self):
        self.assertEqual(self.info("keyspace"), "# Keyspace\r\n")
        for c in (self.a, self.b):
            c.call("SET", "a", "1")
            c.call("SET", "b", "2", "EX", "1000")
            c.call("SET", "c", "3", "PX", "1000000")
            c.call("SELECT", "5")
            c.call("SET", "x", "1")
            c.call("SELECT", "0")
        lines = self.info("keyspace").split("\r\n")
        self.assertEqual(lines[0], "# Keyspace")
        self.assertTrue(lines[1].startswith("db0:keys=3,expires=2,avg_ttl="), lines)
        self.assertEqual(lines[2], "db5:keys=1,expires=0,avg_ttl=0")
        self.assertSame(["DBSIZE", "SELECT 5", "DBSIZE", "SELECT 1", "DBSIZE"])

    def test_dbsize_flushdb_flushall(self):
        self.assertSame([
            "DBSIZE",
            "MSET a 1 b 2 c 3",
            "DBSIZE",
            "SELECT 1",
            "SET a 1",
            "DBSIZE",
            "FLUSHDB",
            "DBSIZE",
            "SET a 1",
            "SELECT 0",
            "DBSIZE",
            "FLUSHDB SYNC",
            "DBSIZE",
            "SELECT 1",
            "DBSIZE",
            "FLUSHDB ASYNC",
            "DBSIZE",
            "FLUSHDB BOGUS",
            "SET a 1",
            "SELECT 0",
            "SET a 1",
            "FLUSHALL",
            "DBSIZE",
            "SELECT 1",
            "DBSIZE",
            "FLUSHALL SYNC",
            "FLUSHALL ASYNC",
            "FLUSHALL BOGUS",
        ])

    def test_time(self):
        before = time.time()
        secs, micros = decode(self.a.call("TIME"))
        after = time.time()
        self.assertTrue(secs.isdigit() and micros.isdigit())
        t = int(secs) + int(micros) / 1e6
        self.assertLess(int(micros), 1000000)
        self.assertLessEqual(abs(t - (before + after) / 2), 2.0)
        self.assertSame(["TIME", "TIME extra"])

    def test_debug_sleep_and_reload(self):
        self.assertEqual(self.a.call("DEBUG", "SLEEP", "0"), b"+OK\r\n")
        start = time.monotonic()
        self.assertEqual(self.a.call("DEBUG", "SLEEP", "0.2"), b"+OK\r\n")
        self.assertGreaterEqual(time.monotonic() - start, 0.15)
        for c in (self.a, self.b):
            c.call("MSET", "r1", "one", "r2", "2")
            c.call("SET", "r3", "three", "EX", "500")
            c.call("SELECT", "4")
            c.call("SET", "r4", "four")
            c.call("SELECT", "0")
        self.assertSame(["DEBUG RELOAD", "MGET r1 r2 r3", "TTL r3", "DBSIZE", "SELECT 4",
                         "GET r4", "OBJECT ENCODING r2"])




class PrlimitServer(harness.RedrockServer):
    """redrock started under `prlimit --nofile=SOFT:HARD`."""

    def __init__(self, nofile, **kwargs):
        super().__init__(**kwargs)
        self.nofile = nofile

    def argv(self):
        return ["prlimit", "--nofile=%d:%d" % self.nofile, "--"] + super().argv()


class OpenFilesLimitTest(unittest.TestCase):
    """As Redis at start-up: the soft NOFILE limit is raised to maxclients + reserve when the
    hard limit allows, and maxclients shrinks to fit when it does not."""

    def start(self, nofile, extra_args=()):
        server = PrlimitServer(nofile, extra_args=list(extra_args))
        self.addCleanup(server.close)
        server.start()
        return server

    def soft_nofile(self, pid):
        with open("/proc/%d/limits" % pid) as f:
            for line in f:
                if line.startswith("Max open files"):
                    return int(line.split()[3])
        return None

    def test_soft_limit_is_raised_for_maxclients(self):
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if hard != resource.RLIM_INFINITY and hard < 2128:
            self.skipTest("hard NOFILE limit %d too low for this test" % hard)
        server = self.start((256, 2128 if hard == resource.RLIM_INFINITY else hard),
                            ["--maxclients", "2000"])
        self.assertEqual(self.soft_nofile(server.pid), 2128)
        with server.raw() as c:
            self.assertEqual(c.call("CONFIG", "GET", "maxclients"),
                             b"*2\r\n$10\r\nmaxclients\r\n$4\r\n2000\r\n")

    def test_low_hard_limit_lowers_maxclients_and_it_is_enforced(self):
        server = self.start((300, 300), ["--maxclients", "1000"])
        self.assertIn("maxclients has been reduced to 172", server.log_tail(200))
        with server.raw() as c:
            self.assertEqual(decode(c.call("CONFIG", "GET", "maxclients")),
                             [b"maxclients", b"172"])
        clients = []
        try:
            for _ in range(171):  # plus the one server.start() may keep: at the limit
                c = server.raw()
                clients.append(c)
                self.assertEqual(c.call("PING"), b"+PONG\r\n")
            extra = [server.raw() for _ in range(3)]
            clients += extra
            replies = []
            for c in extra:
                try:
                    replies.append(c.call("PING"))
                except (harness.ConnectionClosed, OSError):
                    replies.append(b"closed")
            self.assertIn(b"-ERR max number of clients reached\r\n", replies)
        finally:
            for c in clients:
                c.close()

    def test_sighup_does_not_stop_the_server(self):
        server = self.start((1024, 1024))
        os.kill(server.pid, signal.SIGHUP)
        time.sleep(0.3)
        self.assertTrue(server.running)
        with server.raw() as c:
            self.assertEqual(c.call("PING"), b"+PONG\r\n")


if __name__ == "__main__":
    harness.main()
