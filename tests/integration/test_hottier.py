"""The hot tier through the real server (no reference comparison: Redis has no such tier):
INFO hottier, CONFIG GET/SET hot-tier-size at run time, reads served from the tier staying
exact across every kind of write, DEBUG RELOAD and concurrent clients."""

import threading
import unittest

import harness
from harness import RedrockServer


def hottier(client):
    """INFO hottier as a dict of ints/floats."""
    info = client.info("hottier")
    return {k: v for k, v in info.items() if k.startswith("hot_tier_")}


@unittest.skipIf(harness.reference_mode(), "redrock only: Redis has no hot tier")
class HotTierTest(unittest.TestCase):
    def setUp(self):
        self.server = RedrockServer(extra_args=["--hot-tier-size", "16mb"])
        self.server.start()
        self.addCleanup(self.server.close)
        self.c = self.server.client()

    def test_info_and_config(self):
        self.assertEqual(self.c.config_get("hot-tier-size"), {"hot-tier-size": str(16 << 20)})
        s = hottier(self.c)
        self.assertEqual(s["hot_tier_enabled"], 1)
        self.assertEqual(s["hot_tier_budget_bytes"], 16 << 20)
        for field in ("hot_tier_used_bytes", "hot_tier_entries", "hot_tier_hits",
                      "hot_tier_misses", "hot_tier_hit_ratio", "hot_tier_evictions",
                      "hot_tier_admissions_rejected", "hot_tier_negative_entries",
                      "hot_tier_collections", "hot_tier_stale_fills_refused"):
            self.assertIn(field, s)
        self.c.set("k", "v")
        hits = hottier(self.c)["hot_tier_hits"]
        for _ in range(10):
            self.assertEqual(self.c.get("k"), b"v")
        self.assertGreaterEqual(hottier(self.c)["hot_tier_hits"], hits + 10)
        # Disabling at run time empties it; reads stay correct.
        self.assertTrue(self.c.config_set("hot-tier-size", "0"))
        s = hottier(self.c)
        self.assertEqual((s["hot_tier_enabled"], s["hot_tier_entries"]), (0, 0))
        self.c.set("k", "w")
        self.assertEqual(self.c.get("k"), b"w")
        self.assertTrue(self.c.config_set("hot-tier-size", "1mb"))
        self.assertEqual(self.c.get("k"), b"w")
        self.assertEqual(self.c.get("k"), b"w")
        s = hottier(self.c)
        self.assertEqual(s["hot_tier_budget_bytes"], 1 << 20)
        self.assertLessEqual(s["hot_tier_used_bytes"], 1 << 20)

    def test_budget_holds_under_many_keys(self):
        self.c.config_set("hot-tier-size", "512kb")
        pipe = self.c.pipeline(transaction=False)
        for i in range(20000):
            pipe.set("key:%d" % i, "x" * 50)
        pipe.execute()
        for i in range(0, 20000, 7):
            pipe.get("key:%d" % i)
        self.assertTrue(all(v == b"x" * 50 for v in pipe.execute()))
        s = hottier(self.c)
        self.assertLessEqual(s["hot_tier_used_bytes"], 512 << 10)
        self.assertGreater(s["hot_tier_evictions"] + s["hot_tier_admissions_rejected"], 0)

    def test_reads_stay_exact_across_writes(self):
        c = self.c
        c.hset("h", mapping={"a": "1", "b": "2"})
        for _ in range(3):
            self.assertEqual(c.hgetall("h"), {b"a": b"1", b"b": b"2"})
        self.assertEqual(hottier(c)["hot_tier_collections"], 1)
        c.hset("h", "c", "3")
        c.hdel("h", "a")
        self.assertEqual(c.hgetall("h"), {b"b": b"2", b"c": b"3"})
        self.assertEqual(c.hget("h", "c"), b"3")
        self.assertEqual(c.hlen("h"), 2)
        c.rpush("l", "1", "2", "3", "4")
        for _ in range(3):
            self.assertEqual(c.lrange("l", 0, -1), [b"1", b"2", b"3", b"4"])
        c.ltrim("l", 1, 2)
        self.assertEqual(c.lrange("l", 0, -1), [b"2", b"3"])
        c.zadd("z", {"a": 1, "b": 2})
        for _ in range(3):
            self.assertEqual(c.zrange("z", 0, -1, withscores=True), [(b"a", 1.0), (b"b", 2.0)])
        c.zadd("z", {"a": 3})
        self.assertEqual(c.zrange("z", 0, -1), [b"b", b"a"])
        c.sadd("s", "x", "y")
        for _ in range(3):
            self.assertEqual(c.smembers("s"), {b"x", b"y"})
        c.srem("s", "x")
        self.assertEqual(c.smembers("s"), {b"y"})
        # MULTI/EXEC, EXPIRE, DEL, FLUSHDB, DEBUG RELOAD.
        c.set("m", "0")
        self.assertEqual(c.get("m"), b"0")
        pipe = c.pipeline(transaction=True)
        pipe.set("m", "1").incr("m").hset("h", "d", "4")
        pipe.execute()
        self.assertEqual(c.get("m"), b"2")
        self.assertEqual(c.hget("h", "d"), b"4")
        c.pexpire("m", 100)
        harness.wait_until(lambda: c.get("m") is None, timeout=5)
        self.assertEqual(c.exists("m"), 0)
        c.delete("h")
        self.assertEqual(c.hgetall("h"), {})
        c.set("r", "before")
        self.assertEqual(c.get("r"), b"before")
        c.execute_command("DEBUG", "RELOAD")
        self.assertEqual(c.get("r"), b"before")
        c.flushdb()
        self.assertIsNone(c.get("r"))
        self.assertEqual(c.lrange("l", 0, -1), [])
        self.assertEqual(c.dbsize(), 0)

    def test_concurrent_incr_and_reads(self):
        errors = []

        def reader():
            r = self.server.client()
            last = 0
            for _ in range(2000):
                v = int(r.get("ctr") or 0)
                if v < last:
                    errors.append((last, v))
                last = v

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for t in threads:
            t.start()
        for _ in range(3000):
            self.c.incr("ctr")
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(self.c.get("ctr"), b"3000")


if __name__ == "__main__":
    harness.main(timeout=120)
