"""Real clients against the server under test: redis-py (Debian's python3-redis) and redis-cli
(Debian's redis-tools)."""

import redis

import harness
from harness import ServerTestCase, encode_command


class RedisPyTest(ServerTestCase):
    def setUp(self):
        super().setUp()
        self.r = self.client()
        self.r.flushall()

    def test_basic_commands(self):
        r = self.r
        self.assertTrue(r.ping())
        self.assertEqual(r.echo("hi"), b"hi")
        self.assertIsNone(r.get("nokey"))
        self.assertTrue(r.set("k", "v"))
        self.assertEqual(r.get("k"), b"v")
        self.assertEqual(r.mget(["k", "nokey"]), [b"v", None])
        self.assertTrue(r.mset({"a": "1", "b": "2"}))
        self.assertEqual(r.exists("a", "b", "nokey"), 2)
        self.assertEqual(r.delete("a", "nokey"), 1)
        self.assertEqual(r.type("k"), b"string")
        self.assertEqual(r.append("k", "w"), 2)
        self.assertEqual(r.strlen("k"), 2)
        self.assertEqual(r.getrange("k", 0, 0), b"v")
        self.assertEqual(r.setrange("k", 1, "X"), 2)
        self.assertEqual(r.getset("k", "new"), b"vX")
        self.assertEqual(r.getdel("k"), b"new")
        self.assertEqual(r.dbsize(), 1)
        self.assertEqual(r.keys("*"), [b"b"])
        self.assertEqual(r.rename("b", "c"), True)
        self.assertEqual(r.object("encoding", "c"), b"int")
        self.assertEqual(r.config_get("appendfsync"), {"appendfsync": "everysec"})

    def test_set_options(self):
        r = self.r
        self.assertTrue(r.set("e", "v", ex=100))
        self.assertTrue(95 <= r.ttl("e") <= 100)
        self.assertTrue(r.set("p", "v", px=100000))
        self.assertTrue(95000 <= r.pttl("p") <= 100000)
        self.assertIsNone(r.set("e", "other", nx=True))
        self.assertEqual(r.get("e"), b"v")
        self.assertTrue(r.set("fresh", "v", nx=True))
        self.assertIsNone(r.set("missing", "v", xx=True))
        self.assertTrue(r.set("e", "v2", xx=True, keepttl=True))
        self.assertTrue(r.ttl("e") > 0)
        self.assertEqual(r.set("e", "v3", get=True), b"v2")
        self.assertEqual(r.getex("e", persist=True), b"v3")
        self.assertEqual(r.ttl("e"), -1)
        self.assertTrue(r.expire("e", 50))
        self.assertTrue(r.persist("e"))
        self.assertTrue(r.setex("s", 100, "v"))
        self.assertTrue(r.psetex("ps", 100000, "v"))
        self.assertFalse(r.setnx("s", "x"))
        with self.assertRaises(redis.ResponseError) as cm:
            r.set("k", "v", ex=0)
        self.assertIn("invalid expire time in 'set' command", str(cm.exception))

    def test_counters(self):
        r = self.r
        self.assertEqual(r.incr("n"), 1)
        self.assertEqual(r.incrby("n", 10), 11)
        self.assertEqual(r.decr("n"), 10)
        self.assertEqual(r.decrby("n", 3), 7)
        self.assertEqual(r.incrbyfloat("f", 10.5), 10.5)
        self.assertEqual(r.incrbyfloat("f", 0.1), 10.6)
        self.assertEqual(r.get("f"), b"10.6")
        r.set("s", "abc")
        with self.assertRaises(redis.ResponseError) as cm:
            r.incr("s")
        self.assertEqual(str(cm.exception), "value is not an integer or out of range")

    def test_decode_responses(self):
        r = self.client(decode_responses=True)
        r.set("caf\u00e9", "na\u00efve")
        self.assertEqual(r.get("caf\u00e9"), "na\u00efve")
        self.assertEqual(r.mget("caf\u00e9", "nokey"), ["na\u00efve", None])
        self.assertEqual(r.keys("caf*"), ["caf\u00e9"])
        info = r.info("server")
        self.assertEqual(info["redis_version"], "7.0.15")
        self.assertEqual(info["tcp_port"], self.server.port)

    def test_pipeline_without_transaction(self):
        r = self.r
        pipe = r.pipeline(transaction=False)
        for i in range(1000):
            pipe.set("p:%d" % i, i)
            pipe.incr("pcount")
        results = pipe.execute()
        self.assertEqual(len(results), 2000)
        self.assertTrue(all(results[0::2]))
        self.assertEqual(results[1::2], list(range(1, 1001)))
        pipe = r.pipeline(transaction=False)
        pipe.get("p:999")
        pipe.incr("fresh-counter")
        pipe.set("str", "x")
        pipe.incr("str")
        pipe.get("pcount")
        out = pipe.execute(raise_on_error=False)
        self.assertEqual(out[0], b"999")
        self.assertEqual(out[1], 1)
        self.assertIsInstance(out[3], redis.ResponseError)
        self.assertEqual(out[4], b"1000")

    def test_scan_iter(self):
        r = self.r
        pipe = r.pipeline(transaction=False)
        for i in range(2000):
            pipe.set("user:%d" % i, "x")
        for i in range(300):
            pipe.set("other:%d" % i, "x")
        pipe.execute()
        found = set(r.scan_iter(match="user:*", count=100))
        self.assertEqual(found, {b"user:%d" % i for i in range(2000)})
        self.assertEqual(len(set(r.scan_iter(count=1000))), 2300)
        self.assertEqual(set(r.scan_iter(match="other:1?", _type="string")),
                         {b"other:%d" % i for i in range(10, 20)})

    def test_client_name_and_info(self):
        r = self.client(client_name="py-client")
        self.assertEqual(r.client_getname(), "py-client")
        cid = r.client_id()
        clients = r.client_list()
        mine = [c for c in clients if c["id"] == str(cid)]
        self.assertEqual(len(mine), 1, clients)
        self.assertEqual(mine[0]["name"], "py-client")
        info = r.info()
        self.assertEqual(info["redis_version"], "7.0.15")
        self.assertIn("connected_clients", info)


class RedisCliTest(ServerTestCase):
    def cli(self, *args, **kwargs):
        out = self.server.cli(*args, **kwargs)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def setUp(self):
        super().setUp()
        self.cli("flushall")

    def test_simple_commands(self):
        self.assertEqual(self.cli("ping"), b"PONG\n")
        self.assertEqual(self.cli("set", "a", "b"), b"OK\n")
        self.assertEqual(self.cli("get", "a"), b"b\n")
        self.assertEqual(self.cli("--no-raw", "get", "a"), b'"b"\n')
        self.assertEqual(self.cli("--no-raw", "get", "nokey"), b"(nil)\n")
        self.assertEqual(self.cli("--no-raw", "incr", "n"), b"(integer) 1\n")
        self.assertEqual(self.cli("-n", "3", "set", "in3", "x"), b"OK\n")
        self.assertEqual(self.cli("-n", "3", "dbsize"), b"1\n")
        self.assertEqual(self.cli("-x", "set", "fromstdin", input=b"hello\n"), b"OK\n")
        self.assertEqual(self.cli("strlen", "fromstdin"), b"6\n")
        err = self.server.cli("--no-raw", "incr", "a")
        self.assertEqual(err.stdout, b"(error) ERR value is not an integer or out of range\n")

    def test_commands_from_stdin(self):
        out = self.cli(input=b"set c 1\nincr c\nget c\nmget c nokey\n")
        self.assertEqual(out, b"OK\n2\n2\n2\n\n")

    def test_info_server(self):
        out = self.cli("info", "server").decode()
        self.assertIn("# Server", out)
        self.assertIn("redis_version:7.0.15", out)
        self.assertIn("tcp_port:%d" % self.server.port, out)

    def test_resp3_flag(self):
        self.cli("set", "k", "v")
        out = self.cli("-3", "hello", "3").decode()
        self.assertIn("proto 3\n", out)
        self.assertIn("version 7.0.15\n", out)
        self.assertEqual(self.cli("-3", "--no-raw", "get", "nokey"), b"(nil)\n")
        self.assertEqual(self.cli("-3", "config", "get", "appendfsync"),
                         b"appendfsync everysec\n")
        self.assertEqual(self.cli("-3", "get", "k"), b"v\n")

    def test_scan_pattern(self):
        data = b"".join(encode_command("SET", "%s:%d" % (p, i), "x")
                        for p in ("user", "item") for i in range(500))
        self.cli("--pipe", input=data)
        out = self.cli("--scan", "--pattern", "user:*")
        self.assertEqual(set(out.split()), {b"user:%d" % i for i in range(500)})
        self.assertEqual(len(set(self.cli("--scan").split())), 1000)

    def test_pipe_mass_insertion(self):
        n = 10000
        data = b"".join(encode_command("SET", "mass:%d" % i, "value-%d" % i) for i in range(n))
        out = self.cli("--pipe", input=data, timeout=120)
        self.assertIn(b"errors: 0, replies: %d" % n, out)
        self.assertEqual(self.cli("dbsize"), b"%d\n" % n)
        self.assertEqual(self.cli("get", "mass:9999"), b"value-9999\n")

    def test_bigkeys(self):
        self.cli("set", "small", "x")
        self.cli("set", "large", "y" * 1000)
        out = self.cli("--bigkeys").decode()
        self.assertIn("Biggest string found '\"large\"' has 1000 bytes", out)
        self.assertIn("2 strings with 1001 bytes", out)


if __name__ == "__main__":
    harness.main()
