#!/usr/bin/python3
"""DEL of a huge hash: redrock (O(1), meta record only) vs redis-server (O(n) free).

Builds one hash of N fields on both servers (pipelined HSET batches), then times DEL from
the client side, and for redrock also the GC compaction that reclaims the members later.
Prints a table; asserts nothing.

usage: tools/bench/big_delete.py [--fields 1000000] [--server build/redrock-server]
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import redis


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if redis.Redis(port=port).ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not start" % port)


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fields", type=int, default=1000000)
    ap.add_argument("--server", default=os.environ.get("REDROCK_SERVER", "build/redrock-server"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="redrock-bench-")
    procs = []
    try:
        rr_port, rd_port = free_port(), free_port()
        procs.append(subprocess.Popen(
            [args.server, "--port", str(rr_port), "--bind", "127.0.0.1", "--dir",
             os.path.join(work, "rr"), "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(
            ["/usr/bin/redis-server", "--port", str(rd_port), "--bind", "127.0.0.1", "--dir", work,
             "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_ready(rr_port)
        wait_ready(rd_port)
        rows = []
        for name, port in (("redrock", rr_port), ("redis", rd_port)):
            r = redis.Redis(port=port)
            load_s = fill(r, "big", args.fields)
            assert r.hlen("big") == args.fields
            ping_ms = min(timed(r.ping) for _ in range(20))
            del_ms = timed(lambda: r.delete("big"))
            assert not r.exists("big")
            rows.append((name, load_s, ping_ms, del_ms))
        print("DEL of a %d-field hash (client-side latency, ms; PING for reference)" % args.fields)
        print("%-8s %12s %10s %10s" % ("server", "load s", "ping ms", "DEL ms"))
        for name, load_s, ping_ms, del_ms in rows:
            print("%-8s %12.1f %10.3f %10.3f" % (name, load_s, ping_ms, del_ms))
        r = redis.Redis(port=rr_port)
        start = time.time()
        r.execute_command("DEBUG", "COMPACT")
        print("redrock: full compaction reclaiming the members took %.1f s" % (time.time() - start))
    except redis.exceptions.ResponseError as e:
        print("note:", e)
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
