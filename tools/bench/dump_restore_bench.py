#!/usr/bin/python3
"""Dump and restore throughput: loads N keys of mixed types into a redrock server, then times

  dump    redrock-dump of the data directory while the server runs (secondary instance),
          redrock format (plain and zstd) and RDB, of the running server over the network
          (--host: SNAPSHOT BEGIN/NEXT on a loopback connection), and again from the directory
          with the server stopped (offline);
  restore redrock-restore into a new data directory (offline: sorted SST files ingested, the
          fast path) and into a running redrock over RESP (online);

printing keys/s, MB/s (of the dump file) and the tool's peak RSS for each. --old-restore BINARY
adds rows for another redrock-restore (e.g. one built before the fast path) on the same files;
--sort-buffer is passed to the offline restore; --network-only times only the network dumps.
Run by hand:

  tools/bench/dump_restore_bench.py --build build --keys 1000000 [--old-restore OLD_BINARY]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

MIX = "50% strings (16-100 B), 15% hashes, 10% lists, 10% sets, 15% sorted sets (10 members each)"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def load_file(path, n):
    with open(path, "wb") as f:
        for i in range(n):
            k = "key:%08d" % i
            r = i % 20
            if r < 10:
                f.write(resp("SET", k, "v" * (16 + i % 85)))
            elif r < 13:
                f.write(resp("HSET", k, *sum((["f%d" % j, "value-%d" % (i + j)] for j in range(10)), [])))
            elif r < 15:
                f.write(resp("RPUSH", k, *["elem-%d" % j for j in range(10)]))
            elif r < 17:
                f.write(resp("SADD", k, *["member-%d" % (i + j) for j in range(10)]))
            else:
                f.write(resp("ZADD", k, *sum(([str(j * 1.5), "m%d" % j] for j in range(10)), [])))


def start_server(binary, data_dir, port, log):
    p = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", data_dir],
                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return p
        except OSError:
            time.sleep(0.1)
    p.kill()
    raise SystemExit("server did not start")


def stop_server(p, port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"SHUTDOWN\r\n")
    except OSError:
        pass
    try:
        p.wait(60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def check_restored(server, data_dir, log):
    """Starts a server on a restored directory and checks its key count and a few values."""
    port = free_port()
    p = start_server(server, data_dir, port, log)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            f = s.makefile("rb")
            for cmd, want in ((resp("DBSIZE"), None), (resp("GET", "key:00000000"), b"$16\r\n"),
                              (resp("HLEN", "key:00000010"), b":10\r\n"),
                              (resp("ZCARD", "key:00000017"), b":10\r\n")):
                s.sendall(cmd)
                line = f.readline()
                if want is None:
                    print("restored directory %s: DBSIZE %s" % (os.path.basename(data_dir),
                                                                 line.strip().decode()))
                elif not line.startswith(want):
                    raise SystemExit("restored %s: unexpected reply %r" % (data_dir, line))
                if line.startswith(b"$"):
                    f.readline()
    finally:
        stop_server(p, port)


def timed(argv):
    """Runs argv; returns (seconds, peak RSS in MB)."""
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode()
    p.stderr.close()
    if status != 0:
        raise SystemExit("%s failed: %s" % (argv[0], err))
    return dt, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--tmp", default=None)
    ap.add_argument("--old-restore", default=None, help="a second redrock-restore to compare")
    ap.add_argument("--sort-buffer", default=None, help="--sort-buffer for the offline restore")
    ap.add_argument("--network-only", action="store_true", help="only the dumps over the network")
    a = ap.parse_args()
    server = os.path.join(a.build, "redrock-server")
    dump = os.path.join(a.build, "redrock-dump")
    restore = os.path.join(a.build, "redrock-restore")
    tmp = tempfile.mkdtemp(prefix="redrock-dumpbench-", dir=a.tmp)
    procs = []
    try:
        data = os.path.join(tmp, "data")
        port = free_port()
        log = open(os.path.join(tmp, "server.log"), "ab")
        p = start_server(server, data, port, log)
        procs.append((p, port))
        cmds = os.path.join(tmp, "load.resp")
        load_file(cmds, a.keys)
        t0 = time.monotonic()
        with open(cmds, "rb") as f:
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, check=True,
                           stdout=subprocess.DEVNULL)
        print("loaded %d keys (%s) in %.1fs" % (a.keys, MIX, time.monotonic() - t0))
        rows = []

        def row(name, secs, rss, path):
            size = os.path.getsize(path) if path and os.path.exists(path) else 0
            rows.append((name, a.keys / secs, size / 1e6 / secs if size else 0, size / 1e6, rss, secs))

        formats = (("redrock", [], "rrdump"), ("redrock+zstd", ["--zstd"], "rrdump.zst"),
                   ("rdb", ["--format", "rdb"], "rdb"))
        for mode in ("online", "network", "offline"):
            if mode == "offline":
                if a.network_only:
                    break
                stop_server(p, port)
                procs.clear()
            for fmt, extra, ext in formats:
                out = os.path.join(tmp, "%s.%s" % (mode, ext))
                if mode == "network":
                    src = ["--host", "127.0.0.1", "--port", str(port)]
                elif a.network_only:
                    continue
                else:
                    src = ["--dir", data]
                secs, rss = timed([dump] + src + ["--out", out, "--quiet"] + extra)
                row("dump %-7s %-12s" % (mode, fmt), secs, rss, out)
        if a.network_only:
            variants = []
        else:
            variants = [("offline", restore, [] if not a.sort_buffer else ["--sort-buffer", a.sort_buffer])]
        if a.old_restore and not a.network_only:
            variants.append(("old", a.old_restore, []))
        for label, binary, extra in variants:
            for fmt, ext in (("redrock", "rrdump"), ("redrock+zstd", "rrdump.zst"), ("rdb", "rdb")):
                src = os.path.join(tmp, "offline.%s" % ext)
                target = os.path.join(tmp, "restored-" + ext)
                secs, rss = timed([binary, "--dir", target, "--quiet", src] + extra)
                row("restore %-7s %-12s" % (label, fmt), secs, rss, src)
                if fmt == "redrock":
                    # The restored directory serves the same data: check one key of each type.
                    check_restored(server, target, log)
                shutil.rmtree(target)
        if not a.network_only:
            data2 = os.path.join(tmp, "online-target")
            port2 = free_port()
            p2 = start_server(server, data2, port2, log)
            procs.append((p2, port2))
            src = os.path.join(tmp, "offline.rrdump")
            secs, rss = timed([restore, "--host", "127.0.0.1", "--port", str(port2), "--quiet", src])
            row("restore online  redrock     ", secs, rss, src)
        print("\n%-30s %12s %10s %10s %12s %8s" % ("phase", "keys/s", "MB/s", "file MB", "peak RSS MB", "secs"))
        for r in rows:
            print("%-30s %12.0f %10.1f %10.1f %12.1f %8.2f" % r)
        print("\n(MB/s is the dump file's size over the time; the online restore also checks the file "
              "once before writing, and its time includes that pass)")
    finally:
        for proc, prt in procs:
            stop_server(proc, prt)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
