#!/usr/bin/python3
"""Bigger than RAM: a dataset several times the memory budget, redrock vs redis-server.

redrock runs with `maxmemory` = --budget (default 256 MB) and loads --gb gigabytes of
values of 1-4 KB (random sizes, incompressible bytes) under keys key:000000000000 ..
(redis-benchmark's key format); then it reads random keys over the whole keyspace and over a
hot 1% subset, and compares the hot-subset rate with a second redrock, running at the same
time, that holds only those keys (all in memory). The two are read alternately, three rounds,
medians printed, in two ways: one Python client with pipelines of 50 (client-bound), and
redis-benchmark GET with 50 clients and -P 16 over the hot keys (server-bound). Printed:
load rate, GET rates, hot-tier hit ratio, peak RSS (VmHWM) against the budget, disk
footprint, and a check that every key is still there (DBSIZE) and that sampled values are
intact.

redis-server runs with the same maxmemory and `maxmemory-policy noeviction` on the same
load: it prints how many writes Redis refused (OOM) and how many keys it kept.

Nothing is asserted; figures are printed. usage:
  tools/bench/bigger_than_ram.py [--gb 4] [--budget-mb 256] [--reads 200000]
                                 [--server build/redrock-server] [--skip-redis]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import redis

from benchutil import free_port, wait_ready, dir_bytes






def vm_hwm(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0




def key_name(i):
    return "key:%012d" % i  # what redis-benchmark -r generates for key:__rand_int__


def bench_gets(port, hot, requests=200000):
    """redis-benchmark GET over the hot keys, 50 clients, pipelines of 16: ops/s."""
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-t", "get", "-r", str(hot),
                          "-n", str(requests), "-c", "50", "-P", "16", "--csv", "-q"],
                         capture_output=True, text=True, timeout=600).stdout
    for line in out.splitlines():
        if line.startswith('"GET"'):
            return float(line.split('","')[1].strip('"'))
    return 0.0


def median(xs):
    return sorted(xs)[len(xs) // 2]


def value_for(i, size):
    # Deterministic and incompressible: the check phase recomputes it.
    return random.Random(i).randbytes(size)


def size_for(i):
    return 1024 + (i * 2654435761) % 3072  # 1-4 KB, spread


def load(r, n, batch=200):
    refused = 0
    start = time.time()
    for base in range(0, n, batch):
        p = r.pipeline(transaction=False)
        for i in range(base, min(base + batch, n)):
            p.set(key_name(i), value_for(i, size_for(i)))
        for res in p.execute(raise_on_error=False):
            if isinstance(res, redis.exceptions.ResponseError):
                refused += 1
    return time.time() - start, refused


def random_gets(r, keys, count, batch=50):
    rng = random.Random(7)
    start = time.time()
    done = 0
    while done < count:
        p = r.pipeline(transaction=False)
        for _ in range(batch):
            p.get(key_name(keys(rng)))
        p.execute()
        done += batch
    return count / (time.time() - start)


def info_field(r, section, field):
    return r.info(section).get(field)


def start_redrock(args, data, extra=()):
    port = free_port()
    cmd = [args.server, "--port", str(port), "--bind", "127.0.0.1", "--dir", data,
           "--appendfsync", "everysec", "--loglevel", "warning"] + list(extra)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port)
    return proc, port


def run_redrock(args, n, work):
    hot = max(1, n // 100)
    procs = []
    try:
        # The reference: a second redrock with the default budget holding only the hot keys.
        ref_proc, ref_port = start_redrock(args, os.path.join(work, "redrock-in-memory"))
        procs.append(ref_proc)
        ref = redis.Redis(port=ref_port, socket_timeout=120)
        load(ref, hot)
        data = os.path.join(work, "redrock")
        proc, port = start_redrock(args, data, ["--maxmemory", "%dmb" % args.budget_mb])
        procs.append(proc)
        r = redis.Redis(port=port, socket_timeout=120)
        secs, refused = load(r, n)
        gb = sum(size_for(i) for i in range(n)) / 1e9
        print("redrock load: %d keys, %.2f GB in %.1f s: %.0f keys/s, %.1f MB/s, refused %d"
              % (n, gb, secs, n / secs, gb * 1000 / secs, refused))
        r.execute_command("SAVE")
        all_rate = random_gets(r, lambda rng: rng.randrange(n), args.reads)
        for c in (r, ref):
            random_gets(c, lambda rng: rng.randrange(hot), args.reads // 2)  # warm the hot set
        h0 = r.info("hottier")
        py, py_ref, rb, rb_ref = [], [], [], []
        for _ in range(3):
            py.append(random_gets(r, lambda rng: rng.randrange(hot), args.reads))
            py_ref.append(random_gets(ref, lambda rng: rng.randrange(hot), args.reads))
            rb.append(bench_gets(port, hot))
            rb_ref.append(bench_gets(ref_port, hot))
        h1 = r.info("hottier")
        hits = h1.get("hot_tier_hits", 0) - h0.get("hot_tier_hits", 0)
        misses = h1.get("hot_tier_misses", 0) - h0.get("hot_tier_misses", 0)
        ratio = hits / (hits + misses) if hits + misses else 0.0
        dbsize = r.dbsize()
        rng = random.Random(11)
        bad = 0
        for _ in range(2000):
            i = rng.randrange(n)
            if r.get(key_name(i)) != value_for(i, size_for(i)):
                bad += 1
        peak = vm_hwm(proc.pid)
        m = r.info("memory")
        print("redrock INFO memory at the end: " + ", ".join(
            "%s=%.1fMB" % (k, m.get(k, 0) / 2**20) for k in (
                "used_memory", "used_memory_rss", "hot_tier_budget", "rocksdb_cache_capacity",
                "rocksdb_cache_usage", "rocksdb_cache_pinned", "rocksdb_memtables",
                "rocksdb_table_readers")))
        budget = args.budget_mb << 20
        print("redrock GET all keys: %.0f ops/s (Python client); hot-tier hit ratio on the hot "
              "1%% (%d keys) %.3f" % (all_rate, hot, ratio))
        print("hot 1% GET, medians of 3 alternating rounds, budget-bound redrock vs a redrock "
              "holding only the hot keys:")
        print("  Python client, pipelines of 50: %.0f vs %.0f ops/s = %.2f (rounds: %s vs %s)"
              % (median(py), median(py_ref), median(py) / median(py_ref),
                 " ".join("%.0f" % x for x in py), " ".join("%.0f" % x for x in py_ref)))
        print("  redis-benchmark -c 50 -P 16:    %.0f vs %.0f ops/s = %.2f (rounds: %s vs %s)"
              % (median(rb), median(rb_ref), median(rb) / max(median(rb_ref), 1),
                 " ".join("%.0f" % x for x in rb), " ".join("%.0f" % x for x in rb_ref)))
        print("  (target >= 0.80)")
        print("redrock peak RSS (VmHWM) %.1f MB = %.2f x budget %d MB; disk %.2f GB; "
              "DBSIZE %d of %d; bad values in 2000 samples: %d"
              % (peak / 2**20, peak / budget, args.budget_mb, dir_bytes(data) / 1e9, dbsize, n,
                 bad))
    finally:
        for p in procs:
            p.kill()
            p.wait()


def run_redis(args, n, work):
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", work,
           "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
           "--maxmemory", "%dmb" % args.budget_mb, "--maxmemory-policy", "noeviction"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port)
        r = redis.Redis(port=port, socket_timeout=120)
        secs, refused = load(r, n)
        print("redis-server (maxmemory %d MB, noeviction): %d of %d writes refused (OOM), "
              "%d keys kept, peak RSS %.1f MB"
              % (args.budget_mb, refused, n, r.dbsize(), vm_hwm(proc.pid) / 2**20))
    finally:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=4.0)
    ap.add_argument("--budget-mb", type=int, default=256)
    ap.add_argument("--reads", type=int, default=200000)
    ap.add_argument("--server", default="build/redrock-server")
    ap.add_argument("--skip-redis", action="store_true")
    args = ap.parse_args()
    n = int(args.gb * 1e9 / 2560)  # mean value size 2.5 KB
    work = tempfile.mkdtemp(prefix="redrock-btr-")
    try:
        print("dataset %.1f GB = %d keys of 1-4 KB; budget %d MB; %d cores"
              % (args.gb, n, args.budget_mb, os.cpu_count()))
        run_redrock(args, n, work)
        if not args.skip_redis:
            run_redis(args, n, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
