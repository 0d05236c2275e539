#!/usr/bin/python3
"""Restart time: redrock vs redis-server (AOF everysec) for the same dataset.

Loads --gb gigabytes of 1-4 KB values into each server, stops it (kill -9 right after the
load, so redrock replays its WAL tail and Redis its AOF, the crash case; --clean uses
SHUTDOWN instead), starts it again on the same data and measures the time from exec until
the server answers PING with PONG (Redis answers -LOADING while it reads its AOF). Then
checks DBSIZE. Prints a table; nothing is asserted.

usage: tools/bench/restart_time.py [--gb 1] [--server build/redrock-server] [--clean]
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

from benchutil import free_port, dir_bytes




def time_until_pong(port, timeout=600):
    start = time.perf_counter()
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if redis.Redis(port=port, socket_timeout=5).ping():
                return time.perf_counter() - start
        except (redis.exceptions.ConnectionError, redis.exceptions.BusyLoadingError):
            pass
        except redis.exceptions.ResponseError as e:
            if "LOADING" not in str(e):
                raise
        time.sleep(0.005)
    raise RuntimeError("server on port %d did not come up" % port)


def load(port, n, batch=200):
    r = redis.Redis(port=port, socket_timeout=120)
    for base in range(0, n, batch):
        p = r.pipeline(transaction=False)
        for i in range(base, min(base + batch, n)):
            size = 1024 + (i * 2654435761) % 3072
            p.set("key:%d" % i, random.Random(i).randbytes(size))
        p.execute()




def measure(name, cmd_for, data_dir, n, clean):
    port = free_port()
    proc = subprocess.Popen(cmd_for(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time_until_pong(port)
        t0 = time.time()
        load(port, n)
        load_s = time.time() - t0
        if clean:
            try:
                redis.Redis(port=port).shutdown()
            except redis.exceptions.ConnectionError:
                pass
            proc.wait(timeout=300)
        else:
            time.sleep(1.5)  # let everysec write what was acknowledged
            proc.kill()
            proc.wait()
        disk = dir_bytes(data_dir)
        proc = subprocess.Popen(cmd_for(port), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        restart_s = time_until_pong(port)
        keys = redis.Redis(port=port).dbsize()
        print("%-8s load %6.1f s   on disk %6.2f GB   restart %7.3f s   keys %d/%d"
              % (name, load_s, disk / 1e9, restart_s, keys, n))
    finally:
        proc.kill()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--server", default="build/redrock-server")
    ap.add_argument("--clean", action="store_true", help="SHUTDOWN instead of kill -9")
    args = ap.parse_args()
    n = int(args.gb * 1e9 / 2560)
    work = tempfile.mkdtemp(prefix="redrock-restart-")
    try:
        print("dataset %.1f GB = %d keys of 1-4 KB; stop: %s"
              % (args.gb, n, "SHUTDOWN" if args.clean else "kill -9"))
        rr_dir = os.path.join(work, "redrock")
        measure("redrock", lambda port: [args.server, "--port", str(port), "--bind", "127.0.0.1",
                                         "--dir", rr_dir, "--appendfsync", "everysec",
                                         "--loglevel", "warning"], rr_dir, n, args.clean)
        rd_dir = os.path.join(work, "redis")
        os.makedirs(rd_dir)
        measure("redis", lambda port: ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                                       "--dir", rd_dir, "--save", "", "--appendonly", "yes",
                                       "--appendfsync", "everysec"], rd_dir, n, args.clean)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
