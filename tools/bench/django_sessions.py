#!/usr/bin/python3
"""Django session benchmark: SQLite vs redrock vs redis-server behind the same HTTP server.

The site of tests/django (Django's threaded WSGI server, the seed view that counts visits in
the session) runs once per session store:

  sqlite            django.contrib.sessions.backends.db on SQLite (Django's default)
  <server>/cache    django-redis cache + backends.cache
  <server>/cached_db  django-redis cache + backends.cached_db (SQLite written too)
  <server>/redis_sessions  the django-redis-sessions package
  <server>/hash     redrock_sessions (one hash per session)

for <server> in redrock and Debian's redis-server (both with appendfsync everysec unless
--appendfsync says otherwise; redis with AOF on). Three phases per store:

  sequential  one client keeping its cookie, --sequential requests one after the other
  create      --clients concurrent clients, --sessions requests without a cookie: that many
              distinct new sessions
  update      --clients concurrent clients, --updates requests each carrying the cookie of a
              random session from the create phase

Prints one table. Run with /usr/bin/python3 (Debian's Django). Example:

  tools/bench/django_sessions.py                       # full run (a few minutes)
  tools/bench/django_sessions.py --sessions 2000 --updates 500 --setups hash,cache
"""

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "django"))

import sitectl  # noqa: E402

VISITS = re.compile(rb"<h1>Visits: (\d+)</h1>")
COOKIE = re.compile(r"%s=([^;]+)" % sitectl.COOKIE_NAME)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """redrock-server or redis-server on a free port, stopped by PID."""

    def __init__(self, kind, binary, workdir, appendfsync):
        self.kind = kind
        self.port = free_port()
        data = os.path.join(workdir, kind)
        os.makedirs(data)
        argv = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", data,
                "--appendfsync", appendfsync]
        if kind == "redis":
            argv += ["--appendonly", "yes", "--save", "", "--daemonize", "no"]
        self.log = open(os.path.join(workdir, kind + ".log"), "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 30
        while self.call("PING") != b"+PONG":
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("%s did not start; see %s" % (kind, self.log.name))
            time.sleep(0.05)

    def call(self, *args):
        """One command over a fresh socket; the first reply line, or None when unreachable."""
        import socket
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
                req = b"*%d\r\n" % len(args) + b"".join(
                    b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in args)
                s.sendall(req)
                return s.recv(4096).split(b"\r\n")[0]
        except OSError:
            return None

    @property
    def url(self):
        return "redis://127.0.0.1:%d/0" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def get(port, cookie=None):
    """GET / on a new connection: (visits, session cookie from Set-Cookie or None)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Cookie": "%s=%s" % (sitectl.COOKIE_NAME, cookie)} if cookie else {}
        conn.request("GET", "/", headers=headers)
        r = conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError("HTTP %d" % r.status)
        new = None
        for h in r.headers.get_all("Set-Cookie") or []:
            m = COOKIE.match(h)
            if m:
                new = m.group(1)
        return int(VISITS.search(body).group(1)), new
    finally:
        conn.close()


def percentile(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def sequential(port, n):
    latencies = []
    cookie = None
    for i in range(n):
        t = time.perf_counter()
        visits, new = get(port, cookie)
        latencies.append(time.perf_counter() - t)
        cookie = new or cookie
        if visits != i + 1:
            raise RuntimeError("sequential: expected visit %d, got %d" % (i + 1, visits))
    return latencies


def concurrent(port, clients, jobs):
    """Runs jobs (cookie or None) on `clients` threads; (latencies, cookies, errors, seconds)."""
    lock = threading.Lock()
    it = iter(jobs)
    latencies, cookies, errors = [], [], []

    def worker():
        while True:
            with lock:
                try:
                    cookie = next(it)
                except StopIteration:
                    return
            t = time.perf_counter()
            try:
                visits, new = get(port, cookie)
                ok = (visits == 1) if cookie is None else (visits >= 2)
                dt = time.perf_counter() - t
                with lock:
                    latencies.append(dt)
                    if not ok:
                        errors.append("wrong count %d" % visits)
                    if cookie is None and new:
                        cookies.append(new)
            except Exception as e:
                with lock:
                    errors.append(repr(e))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, cookies, errors, time.perf_counter() - start


def stored_sessions(setup, server, db_path):
    if setup == "sqlite":
        with sqlite3.connect(db_path) as c:
            return c.execute("SELECT COUNT(*) FROM django_session").fetchone()[0]
    return int(server.call("DBSIZE")[1:])


def run_one(label, setup, server, template_db, workdir, args):
    db = os.path.join(workdir, "%s.sqlite3" % label.replace("/", "-"))
    shutil.copy(template_db, db)
    if server is not None:
        server.call("FLUSHALL")
    site = sitectl.DjangoSite(setup, db, server.url if server else None,
                              log_path=os.path.join(workdir, "site-%s.log"
                                                    % label.replace("/", "-")))
    with site:
        sequential(site.port, 5)  # warm-up: imports, connection pools
        if server is not None:
            server.call("FLUSHALL")
        with sqlite3.connect(db) as c:  # the sessions column counts only measured sessions
            c.execute("DELETE FROM django_session")
        seq = sequential(site.port, args.sequential)
        c_lat, cookies, c_err, c_sec = concurrent(site.port, args.clients,
                                                  [None] * args.sessions)
        stored = stored_sessions(setup, server, db)
        rnd = random.Random(7)
        jobs = [rnd.choice(cookies) for _ in range(args.updates)] if cookies else []
        u_lat, _, u_err, u_sec = concurrent(site.port, args.clients, jobs)
    row = {
        "store": label,
        "seq req/s": len(seq) / sum(seq),
        "seq p50 ms": percentile(seq, 50) * 1000,
        "seq p99 ms": percentile(seq, 99) * 1000,
        "create req/s": len(c_lat) / c_sec if c_sec else 0,
        "create p99 ms": percentile(c_lat, 99) * 1000,
        "update req/s": len(u_lat) / u_sec if u_sec else 0,
        "update p99 ms": percentile(u_lat, 99) * 1000,
        "errors": len(c_err) + len(u_err),
        "sessions": stored,
    }
    if c_err or u_err:
        row["first error"] = (c_err + u_err)[0]
    return row


def print_table(rows, out=sys.stdout):
    cols = ["store", "seq req/s", "seq p50 ms", "seq p99 ms", "create req/s", "create p99 ms",
            "update req/s", "update p99 ms", "errors", "sessions"]

    def fmt(v):
        return "%.1f" % v if isinstance(v, float) else str(v)

    cells = [[fmt(r[c]) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    out.write("| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |\n")
    out.write("|" + "|".join("-" * (w + 2) for w in widths) + "|\n")
    for row in cells:
        out.write("| " + " | ".join(v.ljust(w) if i == 0 else v.rjust(w)
                                    for i, (v, w) in enumerate(zip(row, widths))) + " |\n")
    for r in rows:
        if "first error" in r:
            out.write("%s: first error: %s\n" % (r["store"], r["first error"]))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sequential", type=int, default=100)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--sessions", type=int, default=10000)
    p.add_argument("--updates", type=int, default=2000)
    p.add_argument("--setups", default="cache,cached_db,redis_sessions,hash")
    p.add_argument("--servers", default="redrock,redis")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--appendfsync", default="everysec", choices=["always", "everysec", "no"])
    p.add_argument("--redrock", default=os.environ.get("REDROCK_SERVER",
                                                       os.path.join(ROOT, "build",
                                                                    "redrock-server")))
    p.add_argument("--redis", default="/usr/bin/redis-server")
    args = p.parse_args()

    workdir = tempfile.mkdtemp(prefix="redrock-django-bench-")
    servers = {}
    rows = []
    try:
        template = os.path.join(workdir, "template.sqlite3")
        sitectl.prepare_db(template)
        for kind in [k for k in args.servers.split(",") if k]:
            binary = args.redrock if kind == "redrock" else args.redis
            servers[kind] = Server(kind, binary, workdir, args.appendfsync)
        print("Django session benchmark: %d sequential, %d clients, %d new sessions, %d updates;"
              " appendfsync %s; %d cores" % (args.sequential, args.clients, args.sessions,
                                             args.updates, args.appendfsync, os.cpu_count()),
              flush=True)
        plan = [] if args.no_sqlite else [("sqlite", "sqlite", None)]
        for setup in [s for s in args.setups.split(",") if s]:
            for kind, server in servers.items():
                plan.append(("%s/%s" % (kind, setup), setup, server))
        for label, setup, server in plan:
            t = time.monotonic()
            rows.append(run_one(label, setup, server, template, workdir, args))
            print("  %s done in %.0fs" % (label, time.monotonic() - t), file=sys.stderr,
                  flush=True)
        print_table(rows)
    finally:
        for s in servers.values():
            s.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
