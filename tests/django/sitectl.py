"""Starting and stopping the session test site, and a cookie-keeping browser for it.

Used by tests/integration/test_django_sessions.py and tools/bench/django_sessions.py.
Standard library only (plus the site itself running under /usr/bin/python3).
"""

import ctypes
import http.cookiejar
import os
import re
import select
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVE = os.path.join(HERE, "serve.py")
PYTHON = "/usr/bin/python3"
COOKIE_NAME = "sessionid"
TEST_USER = ("alice", "wonderland-2024")
SETUPS = ("sqlite", "cache", "cached_db", "redis_sessions", "hash")

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - not on Linux
    _libc = None


def _die_with_parent():
    if _libc is not None:
        _libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def site_env(setup, db_path, redis_url=None, cookie_age=None):
    env = dict(os.environ, RR_SETUP=setup, RR_DB_PATH=db_path, PYTHONDONTWRITEBYTECODE="1")
    if redis_url:
        env["RR_REDIS_URL"] = redis_url
    if cookie_age is not None:
        env["RR_COOKIE_AGE"] = str(cookie_age)
    return env


def prepare_db(db_path, timeout=120):
    """Creates the site's SQLite database (tables and the test user) at db_path."""
    subprocess.run([PYTHON, SERVE, "--prepare"], env=site_env("sqlite", db_path),
                   check=True, timeout=timeout, stdin=subprocess.DEVNULL)


class DjangoSite:
    """The site in its own process on a free 127.0.0.1 port; stop() ends it by PID."""

    def __init__(self, setup, db_path, redis_url=None, cookie_age=None, log_path=None):
        self.env = site_env(setup, db_path, redis_url, cookie_age)
        self.setup = setup
        self.log_path = log_path or os.devnull
        self.proc = None
        self.port = None

    def start(self, timeout=60):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([PYTHON, SERVE], env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=log,
                                         start_new_session=True, preexec_fn=_die_with_parent)
        try:
            self.port = self._read_port(timeout)
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(self.url("/health"), timeout=5) as r:
                        if r.status == 200:
                            return self
                except OSError:
                    pass
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("site (%s) not ready; log %s" % (self.setup, self.log_path))
                time.sleep(0.05)
        except BaseException:
            self.stop()
            raise

    def _read_port(self, timeout):
        deadline = time.monotonic() + timeout
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                raise RuntimeError("site (%s) did not report its port; log %s"
                                   % (self.setup, self.log_path))
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 1)
                if not chunk:
                    continue
                line += chunk
        m = re.match(rb"PORT (\d+)", line)
        if not m:
            raise RuntimeError("unexpected first line from the site: %r" % line)
        return int(m.group(1))

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def stop(self, timeout=10):
        """SIGTERM to the site's process, SIGKILL to its group after `timeout` seconds."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout)
            except ProcessLookupError:
                pass
        if self.proc.stdout:
            self.proc.stdout.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


VISITS = re.compile(r"<h1>Visits: (\d+)</h1>")


class Browser:
    """An HTTP client keeping cookies (http.cookiejar), like one browser."""

    def __init__(self, site, timeout=15):
        self.site = site
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path, data=None, headers=None):
        """(status, body text) of GET path, or POST when `data` (a dict) is given."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.site.url(path), data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=self.timeout) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace")

    def visit(self):
        """GET / and the visit count it shows."""
        status, body = self.request("/")
        m = VISITS.search(body)
        if status != 200 or not m:
            raise AssertionError("GET / answered %s %r" % (status, body[:300]))
        return int(m.group(1))

    def login(self, username=TEST_USER[0], password=TEST_USER[1]):
        return self.request("/login", {"username": username, "password": password})

    @property
    def session_key(self):
        """The session cookie's value, or None."""
        for c in self.jar:
            if c.name == COOKIE_NAME:
                return c.value
        return None


def visit_with_cookie(site, session_key, timeout=15):
    """GET / sending exactly this session cookie (even one the browser would have expired);
    returns (visit count, the new session cookie or None)."""
    req = urllib.request.Request(site.url("/"), headers={"Cookie": "%s=%s" % (COOKIE_NAME,
                                                                               session_key)})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        body = r.read().decode()
        cookies = r.headers.get_all("Set-Cookie") or []
    m = VISITS.search(body)
    if not m:
        raise AssertionError("GET / answered %r" % body[:300])
    new = None
    for c in cookies:
        mm = re.match(r"%s=([^;]*)" % COOKIE_NAME, c)
        if mm:
            new = mm.group(1)
    return int(m.group(1)), new
