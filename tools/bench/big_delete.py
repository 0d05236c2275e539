#!/usr/bin/python3
"""DEL of a huge hash: redrock (O(1), meta record only) vs redis-server (O(n) free).

Builds one hash of N fields on both servers (HSET batches), then times DEL from the client
side. For redrock it also shows the disk space of the data directory after the load, after
the DEL (the members are still on disk) and after `DEBUG COMPACT` (redrock's full manual
compaction, whose GC filter reclaims them), with the time that compaction took. Prints a
table; exits non-zero when a step fails.

usage: tools/bench/big_delete.py [--fields 1000000] [--server build/redrock-server]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import redis

from benchutil import free_port, wait_ready, dir_bytes






def fill(r, key, fields, batch=10000):
    start = time.time()
    for base in range(0, fields, batch):
        mapping = {("f%d" % i): "v%d" % i for i in range(base, min(base + batch, fields))}
        r.hset(key, mapping=mapping)
    return time.time() - start


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0




def mib(n):
    return n / (1 << 20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", type=int, default=1000000)
    ap.add_argument("--server", default=os.environ.get("REDROCK_SERVER", "build/redrock-server"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="redrock-bench-")
    rr_dir = os.path.join(work, "rr")
    os.mkdir(rr_dir)
    procs = []
    try:
        rr_port, rd_port = free_port(), free_port()
        procs.append(subprocess.Popen(
            [args.server, "--port", str(rr_port), "--bind", "127.0.0.1", "--dir", rr_dir,
             "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(
            ["/usr/bin/redis-server", "--port", str(rd_port), "--bind", "127.0.0.1", "--dir", work,
             "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_ready(rr_port)
        wait_ready(rd_port)
        rows = []
        disk = {}
        for name, port in (("redrock", rr_port), ("redis", rd_port)):
            r = redis.Redis(port=port)
            load_s = fill(r, "big", args.fields)
            assert r.hlen("big") == args.fields
            if name == "redrock":
                r.execute_command("SAVE")  # memtables to SST files, so the sizes are comparable
                disk["after load"] = dir_bytes(rr_dir)
            ping_ms = min(timed(r.ping) for _ in range(20))
            del_ms = timed(lambda: r.delete("big"))
            assert not r.exists("big")
            rows.append((name, load_s, ping_ms, del_ms))
        print("DEL of a %d-field hash (client-side latency, ms; PING for reference)" % args.fields)
        print("%-8s %12s %10s %10s" % ("server", "load s", "ping ms", "DEL ms"))
        for name, load_s, ping_ms, del_ms in rows:
            print("%-8s %12.1f %10.3f %10.3f" % (name, load_s, ping_ms, del_ms))

        r = redis.Redis(port=rr_port, socket_timeout=3600)
        r.execute_command("SAVE")
        disk["after DEL"] = dir_bytes(rr_dir)
        start = time.time()
        r.execute_command("DEBUG", "COMPACT")
        compact_s = time.time() - start
        # Files the compaction made obsolete are deleted just after it returns.
        deadline = time.time() + 10
        disk["after DEBUG COMPACT"] = dir_bytes(rr_dir)
        while time.time() < deadline and disk["after DEBUG COMPACT"] >= disk["after DEL"] / 2:
            time.sleep(0.2)
            disk["after DEBUG COMPACT"] = dir_bytes(rr_dir)
        print()
        print("redrock data directory (SST, WAL, MANIFEST, logs)")
        for label in ("after load", "after DEL", "after DEBUG COMPACT"):
            print("  %-20s %10.1f MiB" % (label, mib(disk[label])))
        print("  DEBUG COMPACT (full compaction reclaiming the members) took %.1f s" % compact_s)
        return 0
    except (redis.exceptions.RedisError, AssertionError, RuntimeError) as e:
        print("error: %r" % e, file=sys.stderr)
        return 1
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    sys.exit(main())
