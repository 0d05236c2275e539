"""Integration test harness for redrock: servers, raw RESP client, redis-cli, reply comparison.

Runs under Debian's /usr/bin/python3 with the standard library and Debian's python3-redis only.

  RedrockServer     the binary from $REDROCK_SERVER (default ../../build/redrock-server) on a free
                    loopback port with a temporary --dir; stop(), kill9(), restart() on the same dir.
  RedisReference    Debian's /usr/bin/redis-server, the reference the replies are compared with.
  RawClient         a socket speaking RESP byte for byte: exact replies, protocol errors, inline.
  compare()         the same commands to two servers, every difference reported.
  random_seeds()    the seeds of the randomized differential tests (fixed; REDROCK_SEED replays one).
  redis_cli()       runs Debian's redis-cli against a port.
  main()            unittest.main with a watchdog and server logs printed on failure.

Validating the tests themselves: with REDROCK_SERVER=/usr/bin/redis-server, RedrockServer runs the
real Redis (translating its arguments: AOF on so that restarts keep data, DEBUG enabled), so every
test can be proven correct against Redis 7.0 before redrock exists.

Every server runs in its own process group and dies with the test process (PR_SET_PDEATHSIG, atexit,
SIGTERM/SIGINT handlers, watchdog), so a failing or hanging test never leaves servers behind. Servers
must be started and restarted from the main thread (the death signal follows the starting thread).
"""

import atexit
import ctypes
import faulthandler
import os
import random
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SERVER = os.path.normpath(os.path.join(HERE, "..", "..", "build", "redrock-server"))
REDIS_SERVER = os.environ.get("REDIS_REFERENCE_SERVER", "/usr/bin/redis-server")
REDIS_CLI = os.environ.get("REDIS_CLI", "/usr/bin/redis-cli")
KEEP_TMP = os.environ.get("REDROCK_KEEP_TMP") == "1"
STARTUP_TIMEOUT = float(os.environ.get("REDROCK_STARTUP_TIMEOUT", "30"))
STOP_TIMEOUT = 15.0
SOCKET_TIMEOUT = 10.0
TRACE = os.environ.get("REDROCK_TRACE") == "1"  # print every compared command and reply


def server_binary():
    """The binary RedrockServer runs: $REDROCK_SERVER, else build/redrock-server of this repo."""
    return os.environ.get("REDROCK_SERVER") or DEFAULT_SERVER


def reference_mode():
    """True when $REDROCK_SERVER is a redis-server (validating the tests against Redis itself)."""
    flavor = os.environ.get("REDROCK_FLAVOR")
    if flavor:
        return flavor == "redis"
    return os.path.basename(server_binary()).startswith("redis-server")


# ---------------------------------------------------------------------------------------------
# Process management


class ServerError(RuntimeError):
    """A server failed to start or stop; the message carries the tail of its log."""


_live_servers = set()
_live_lock = threading.Lock()


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - not on Linux
    _libc = None


def _child_setup():
    # Runs in the child between fork and exec: die with the parent, whatever kills the parent.
    if _libc is not None:
        _libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG


def _kill_all_servers():
    with _live_lock:
        servers = list(_live_servers)
    for s in servers:
        try:
            s.close(graceful=False)
        except Exception:  # cleanup must go on for the others
            pass


atexit.register(_kill_all_servers)


def _on_signal(signum, _frame):
    _kill_all_servers()
    os._exit(128 + signum)


for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _on_signal)


class _ServerProcess:
    """A server process on 127.0.0.1 with its own temporary directory and log file."""

    name = "server"

    def __init__(self, binary, extra_args=(), requirepass=None, port=None,
                 startup_timeout=STARTUP_TIMEOUT):
        self.binary = binary
        self.extra_args = [str(a) for a in extra_args]
        self.requirepass = requirepass
        self.port = port
        self.startup_timeout = startup_timeout
        self.tmpdir = tempfile.mkdtemp(prefix="redrock-it-%s-" % self.name)
        self.dir = os.path.join(self.tmpdir, "data")
        os.makedirs(self.dir)
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.proc = None
        self.starts = 0

    # -- subclass hook
    def argv(self):
        raise NotImplementedError

    # -- lifecycle
    def start(self):
        """Starts the server and waits until it answers PING. Returns self."""
        if self.running:
            raise ServerError("%s already running" % self.name)
        if not os.path.exists(self.binary):
            raise ServerError("%s binary not found: %s (build it with tools/redrock.sh build)"
                              % (self.name, self.binary))
        attempts = 1 if self.port else 3
        for attempt in range(attempts):
            if not self.port or attempt > 0:
                self.port = free_port()
            try:
                self._spawn()
                return self
            except ServerError:
                if attempt + 1 == attempts or "in use" not in self.log_tail(20).lower():
                    raise
        return self

    def _spawn(self):
        self.starts += 1
        argv = self.argv()
        with open(self.log_path, "ab") as log:
            log.write(("\n===== start #%d: %s\n" % (self.starts, shlex.join(argv))).encode())
            log.flush()
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                cwd=self.tmpdir, start_new_session=True, preexec_fn=_child_setup)
        with _live_lock:
            _live_servers.add(self)
        try:
            self._wait_ready()
        except BaseException:
            self._kill()
            raise

    def _wait_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        last_error = None
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise ServerError("%s exited with status %s during startup\n%s"
                                  % (self.name, rc, self.log_tail()))
            try:
                with RawClient(self.port, timeout=2.0) as c:
                    reply = c.call("PING")
                if reply == b"+PONG\r\n" or reply.startswith(b"-NOAUTH"):
                    return
                last_error = reply  # -LOADING and friends: keep waiting
            except (OSError, ConnectionClosed) as e:
                last_error = e
            time.sleep(0.05)
        raise ServerError("%s did not answer PING on port %s within %.0fs (last: %r)\n%s"
                          % (self.name, self.port, self.startup_timeout, last_error,
                             self.log_tail()))

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM, then SIGKILL after `timeout` seconds. Returns the exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                sys.stderr.write("%s ignored SIGTERM for %.0fs, killing it\n%s\n"
                                 % (self.name, timeout, self.log_tail()))
                self._kill()
            except ProcessLookupError:
                pass
        return self.proc.wait()

    def kill9(self):
        """SIGKILL to the server's process group: a crash, nothing flushed."""
        self._kill()
        return self.proc.returncode if self.proc else None

    def _kill(self):
        if self.proc is None:
            return
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass

    def wait_exit(self, timeout=STOP_TIMEOUT):
        """Waits for the server to exit by itself (SHUTDOWN); returns the status."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ServerError("%s did not exit within %.0fs\n%s"
                              % (self.name, timeout, self.log_tail()))

    def restart(self, graceful=True):
        """Stops the server (SIGTERM, or SIGKILL when not graceful) and starts it again on the
        same directory and port."""
        if self.running:
            self.stop() if graceful else self.kill9()
        return self.start()

    def close(self, graceful=True):
        """Stops the server and removes its temporary directory."""
        try:
            if graceful:
                self.stop()
            else:
                self._kill()
        finally:
            with _live_lock:
                _live_servers.discard(self)
            if not KEEP_TMP:
                shutil.rmtree(self.tmpdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    # -- clients and diagnostics
    def client(self, **kwargs):
        """A redis-py client (authenticated when the server has a password)."""
        kwargs.setdefault("socket_timeout", SOCKET_TIMEOUT)
        kwargs.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        if self.requirepass is not None:
            kwargs.setdefault("password", self.requirepass)
        return redis.Redis(host="127.0.0.1", port=self.port, **kwargs)

    def raw(self, auth=True, **kwargs):
        """A RawClient (authenticated unless auth=False)."""
        c = RawClient(self.port, **kwargs)
        if auth and self.requirepass is not None:
            reply = c.call("AUTH", self.requirepass)
            if reply != b"+OK\r\n":
                raise ServerError("AUTH failed: %r" % reply)
        return c

    def cli(self, *args, **kwargs):
        """Runs redis-cli against this server; see redis_cli()."""
        if self.requirepass is not None:
            kwargs.setdefault("password", self.requirepass)
        return redis_cli(self.port, *args, **kwargs)

    def log_tail(self, lines=60):
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
        except OSError:
            return "(no log)"
        tail = data.decode("utf-8", "replace").splitlines()[-lines:]
        return "----- %s log (%s), last %d lines -----\n%s\n-----" % (
            self.name, self.log_path, len(tail), "\n".join(tail))


class RedrockServer(_ServerProcess):
    """The server under test: --port P --bind 127.0.0.1 --dir D --appendfsync M [--requirepass]
    [extra...]. In reference mode (REDROCK_SERVER is a redis-server) the same flags go to Redis with
    AOF on, so durability tests behave as they would against redrock."""

    name = "redrock"

    def __init__(self, appendfsync="everysec", extra_args=(), requirepass=None, binary=None,
                 **kwargs):
        super().__init__(binary or server_binary(), extra_args, requirepass, **kwargs)
        self.appendfsync = appendfsync
        self.reference_mode = (binary is None and reference_mode())
        if self.reference_mode:
            self.name = "redrock(redis-server)"

    def argv(self):
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                "--appendfsync", self.appendfsync]
        if self.reference_mode:
            args += ["--appendonly", "yes", "--save", "", "--enable-debug-command", "yes",
                     "--daemonize", "no"]
        elif not any(a in ("--io-threads", "--threads") for a in self.extra_args):
            # Two io threads, whatever the machine's default (1 on 2 cores), so the suite
            # always runs commands of different connections concurrently.
            args += ["--io-threads", "2"]
        if self.requirepass is not None:
            args += ["--requirepass", self.requirepass]
        return args + self.extra_args


class RedisReference(_ServerProcess):
    """Debian's redis-server 7.0, no persistence: the reference for compare()."""

    name = "redis"

    def __init__(self, extra_args=(), requirepass=None, binary=REDIS_SERVER, **kwargs):
        super().__init__(binary, extra_args, requirepass, **kwargs)

    def argv(self):
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", self.dir, "--enable-debug-command", "yes",
                "--daemonize", "no"]
        if self.requirepass is not None:
            args += ["--requirepass", self.requirepass]
        return args + self.extra_args


# ---------------------------------------------------------------------------------------------
# RESP: encoding, framing, decoding


class ConnectionClosed(Exception):
    """The server closed the connection; .data holds bytes received before the close."""

    def __init__(self, data=b""):
        super().__init__("connection closed by server (pending bytes: %r)" % data[:200])
        self.data = data


class Status(str):
    """A +simple string reply."""


class Error(str):
    """A -error (or !blob error) reply."""


class RespSet(list):
    """A RESP3 ~set reply, elements in server order."""


class Push(list):
    """A RESP3 >push reply."""


def _to_bytes(arg):
    if isinstance(arg, bytes):
        return arg
    if isinstance(arg, bytearray):
        return bytes(arg)
    if isinstance(arg, float):
        return repr(arg).encode()
    return str(arg).encode()


def encode_command(*args):
    """RESP multibulk encoding of one command."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = _to_bytes(a)
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


_AGGREGATES = b"*~>%|"


def reply_end(buf, pos=0):
    """Index just past the complete reply starting at buf[pos], or None if more bytes are needed."""
    if pos >= len(buf):
        return None
    t = buf[pos:pos + 1]
    le = buf.find(b"\r\n", pos)
    if le < 0:
        return None
    if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return le + 2
    if t in (b"$", b"!", b"="):
        n = int(buf[pos + 1:le])
        if n < 0:
            return le + 2
        end = le + 2 + n + 2
        return end if len(buf) >= end else None
    if t in (b"*", b"~", b">", b"%", b"|"):
        n = int(buf[pos + 1:le])
        if n < 0:
            return le + 2
        if t in (b"%", b"|"):
            n *= 2
        p = le + 2
        for _ in range(n):
            p = reply_end(buf, p)
            if p is None:
                return None
        if t == b"|":  # an attribute precedes the reply it describes
            return reply_end(buf, p)
        return p
    raise ValueError("not a RESP reply at offset %d: %r" % (pos, buf[pos:pos + 40]))


def _decode(buf, pos):
    t = buf[pos:pos + 1]
    le = buf.find(b"\r\n", pos)
    line = buf[pos + 1:le]
    nxt = le + 2
    if t == b"+":
        return Status(line.decode("utf-8", "replace")), nxt
    if t == b"-":
        return Error(line.decode("utf-8", "replace")), nxt
    if t in (b":", b"("):
        return int(line), nxt
    if t == b"_":
        return None, nxt
    if t == b",":
        return float(line), nxt
    if t == b"#":
        return line == b"t", nxt
    if t in (b"$", b"!", b"="):
        n = int(line)
        if n < 0:
            return None, nxt
        data = buf[nxt:nxt + n]
        if t == b"!":
            data = Error(data.decode("utf-8", "replace"))
        return data, nxt + n + 2
    if t in (b"*", b"~", b">"):
        n = int(line)
        if n < 0:
            return None, nxt
        items = []
        for _ in range(n):
            v, nxt = _decode(buf, nxt)
            items.append(v)
        return {b"*": list, b"~": RespSet, b">": Push}[t](items), nxt
    if t in (b"%", b"|"):
        n = int(line)
        d = {}
        for _ in range(n):
            k, nxt = _decode(buf, nxt)
            v, nxt = _decode(buf, nxt)
            d[_hashable(k)] = v
        if t == b"|":
            return _decode(buf, nxt)
        return d, nxt
    raise ValueError("not a RESP reply: %r" % buf[pos:pos + 40])


def _hashable(v):
    if isinstance(v, list):
        return tuple(_hashable(x) for x in v)
    if isinstance(v, dict):
        return tuple(sorted(v.items()))
    return v


def decode(raw):
    """Python value of one raw reply: Status, Error, int, bytes, None, float, bool, list, dict,
    RespSet, Push."""
    value, end = _decode(raw, 0)
    if end != len(raw):
        raise ValueError("trailing bytes after reply: %r" % raw[end:end + 40])
    return value


class RawClient:
    """A plain socket speaking RESP: sends exactly the given bytes, returns replies exactly as
    received. Every read is bounded by the socket timeout."""

    def __init__(self, port, host="127.0.0.1", timeout=SOCKET_TIMEOUT):
        self.port = port
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data):
        """Sends raw bytes."""
        self.sock.sendall(data)

    def send_command(self, *args):
        self.send(encode_command(*args))

    def _recv(self):
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        except socket.timeout:
            raise TimeoutError("no complete reply within %.1fs (buffered: %r)"
                               % (self.sock.gettimeout(), self.buf[:200]))
        return chunk

    def read_reply(self):
        """The raw bytes of exactly one reply."""
        while True:
            end = reply_end(self.buf)
            if end is not None:
                reply, self.buf = self.buf[:end], self.buf[end:]
                return reply
            chunk = self._recv()
            if not chunk:
                raise ConnectionClosed(self.buf)
            self.buf += chunk

    def read_replies(self, n):
        return [self.read_reply() for _ in range(n)]

    def call(self, *args):
        """Sends one command, returns its raw reply."""
        self.send_command(*args)
        return self.read_reply()

    def execute(self, *args):
        """Sends one command, returns its decoded reply."""
        return decode(self.call(*args))

    def inline(self, line):
        """Sends an inline command (a line, telnet style) and returns the raw reply."""
        if isinstance(line, str):
            line = line.encode()
        self.send(line + b"\r\n")
        return self.read_reply()

    def read_until_closed(self, timeout=5.0):
        """Everything the server sends until it closes the connection. Raises TimeoutError when
        the connection is still open after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        data, self.buf = self.buf, b""
        old = self.sock.gettimeout()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("connection still open after %.1fs; received %r"
                                       % (timeout, data[:300]))
                self.sock.settimeout(left)
                try:
                    chunk = self.sock.recv(65536)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    return data
                if not chunk:
                    return data
                data += chunk
        finally:
            self.sock.settimeout(old)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# ---------------------------------------------------------------------------------------------
# redis-cli


def redis_cli(port, *args, input=None, password=None, timeout=60, check=False, flags=()):
    """Runs Debian's redis-cli -h 127.0.0.1 -p PORT [flags] ARGS. Returns CompletedProcess with
    bytes stdout/stderr. `input` (bytes) is fed to stdin."""
    argv = [REDIS_CLI, "-h", "127.0.0.1", "-p", str(port)]
    if password is not None:
        argv += ["-a", password, "--no-auth-warning"]
    argv += list(flags) + [str(a) for a in args]
    return subprocess.run(argv, input=input if input is not None else b"",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          check=check)


# ---------------------------------------------------------------------------------------------
# Comparing replies


class Rule:
    """How two raw replies to the same command are compared."""

    def __init__(self, name, same):
        self.name = name
        self.same = same

    def __repr__(self):
        return "Rule(%s)" % self.name


def _safe_decode(raw):
    try:
        return decode(raw)
    except Exception:
        return raw


exact = Rule("exact", lambda a, b: a == b)
ignore = Rule("ignore", lambda a, b: True)
# Same reply type (first byte), any content: for replies that legitimately differ.
shape = Rule("shape", lambda a, b: a[:1] == b[:1])


def by(key, name="by"):
    """Equal when key(decoded reply) is equal on both sides."""
    return Rule(name, lambda a, b: key(_safe_decode(a)) == key(_safe_decode(b)))


def _sorted_value(v):
    if isinstance(v, list):
        return sorted(v, key=repr)
    return v


# Arrays compared as multisets (KEYS, SMEMBERS...).
sorted_array = by(_sorted_value, "sorted_array")


def tolerance(delta):
    """Integers within `delta` of each other; negative integers (-1, -2 TTL codes) and other
    reply types must be equal."""

    def same(a, b):
        if a[:1] == b[:1] == b":":
            x, y = int(a[1:-2]), int(b[1:-2])
            if x < 0 or y < 0:
                return x == y
            return abs(x - y) <= delta
        return a == b

    return Rule("tolerance(%s)" % delta, same)


def _hello_key(v):
    if isinstance(v, (list, dict)):
        items = list(v.items()) if isinstance(v, dict) else list(zip(v[::2], v[1::2]))
        return sorted((k, None if k in (b"id", "id") else val) for k, val in items
                      if k not in (b"server", "server"))
    return v


def _time_shape(v):
    return (isinstance(v, list) and len(v) == 2 and all(isinstance(x, bytes) and x.isdigit()
                                                        for x in v))


def _scan_shape(v):
    # Cursor values are implementation specific; the keys of a one-call full scan are not.
    if isinstance(v, list) and len(v) == 2 and isinstance(v[1], list):
        return (v[0] == b"0", sorted(v[1]) if v[0] == b"0" else None)
    return v


# Commands whose replies legitimately differ between two servers, keyed by upper-case command
# name, or "NAME SUB" for container commands. Per-call rules override these.
DEFAULT_RULES = {
    "TIME": by(_time_shape, "time_shape"),
    "INFO": shape,
    "LASTSAVE": shape,
    "RANDOMKEY": shape,
    "CLIENT ID": shape,
    "CLIENT LIST": shape,
    "CLIENT INFO": shape,
    "HELLO": by(_hello_key, "hello"),
    "TTL": tolerance(1),
    "PTTL": tolerance(1000),
    "EXPIRETIME": tolerance(1),
    "PEXPIRETIME": tolerance(1000),
    "OBJECT IDLETIME": tolerance(2),
    "KEYS": sorted_array,
    "SCAN": by(_scan_shape, "scan"),
    "COMMAND": shape,
    "COMMAND COUNT": shape,
    "COMMAND DOCS": shape,
    "MEMORY USAGE": shape,
    "DEBUG OBJECT": shape,
}

_CONTAINERS = {"CLIENT", "OBJECT", "CONFIG", "COMMAND", "DEBUG", "MEMORY", "ACL", "SCRIPT",
               "FUNCTION", "CLUSTER", "XINFO", "PUBSUB", "LATENCY", "SLOWLOG", "MODULE"}


class Cmd:
    """A command with its own comparison rule: Cmd("TTL k", rule=exact)."""

    def __init__(self, *args, rule=None):
        self.args = _parse_args(args[0]) if len(args) == 1 and isinstance(args[0], str) \
            else list(args)
        self.rule = rule


def _parse_args(cmd):
    if isinstance(cmd, Cmd):
        return cmd.args
    if isinstance(cmd, str):
        return shlex.split(cmd)
    return list(cmd)


def _rule_key(args):
    name = _to_bytes(args[0]).decode("utf-8", "replace").upper() if args else ""
    if name in _CONTAINERS and len(args) > 1:
        return name + " " + _to_bytes(args[1]).decode("utf-8", "replace").upper()
    return name


def rule_for(args, rules=None):
    """The comparison rule for a command: per-call rules, then DEFAULT_RULES, then exact."""
    key = _rule_key(args)
    for table in (rules or {}, DEFAULT_RULES):
        if key in table:
            return table[key]
    return exact


def _reply_or_close(client, args):
    try:
        client.send_command(*args)
        return client.read_reply()
    except ConnectionClosed as e:
        return b"<connection closed>" + e.data


def compare(a, b, commands, rules=None, names=("redrock", "redis")):
    """Sends each command to RawClient `a` and then to `b` (interleaved, so relative times stay
    close) and returns a list of human-readable differences; empty when the servers agree.
    A command is a string (shlex-split: quotes work), a list of str/bytes/int, or a Cmd."""
    diffs = []
    for i, cmd in enumerate(commands):
        args = _parse_args(cmd)
        rule = cmd.rule if isinstance(cmd, Cmd) and cmd.rule else rule_for(args, rules)
        ra = _reply_or_close(a, args)
        rb = _reply_or_close(b, args)
        if TRACE:
            sys.stderr.write("  %r\n    -> %r\n" % (args, ra[:300]))
        if not rule.same(ra, rb):
            shown = " ".join(_to_bytes(x).decode("utf-8", "backslashreplace")[:60] for x in args)
            diffs.append("#%d %s  [%s]\n    %-8s %r\n    %-8s %r"
                         % (i, shown[:200], rule.name, names[0] + ":", ra[:500],
                            names[1] + ":", rb[:500]))
    return diffs


# The seeds every randomized differential test runs, so that CI sees the same command sequences
# every time (a mismatch is a bug to fix, never a fluke of the day's seed). REDROCK_SEED=n runs
# seed n alone instead: to replay one, or to explore new ones by hand.
RANDOM_SEEDS = (1, 2, 3)
RANDOM_OPS_PER_SEED = 700  # about 2,000 commands per test over the three seeds


def random_seeds():
    seed = os.environ.get("REDROCK_SEED")
    return [int(seed)] if seed else list(RANDOM_SEEDS)


# ---------------------------------------------------------------------------------------------
# Bounded waiting


def wait_until(predicate, timeout, interval=0.05, message="condition"):
    """Polls predicate() until it returns a truthy value (returned) or `timeout` seconds pass
    (AssertionError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.1fs waiting for %s" % (timeout, message))
        time.sleep(interval)


def bounded(max_iterations, timeout):
    """Yields 0, 1, 2... until max_iterations or `timeout` seconds, whichever comes first."""
    deadline = time.monotonic() + timeout
    for i in range(max_iterations):
        if time.monotonic() >= deadline:
            return
        yield i


# ---------------------------------------------------------------------------------------------
# Test cases


class ServerTestCase(unittest.TestCase):
    """One RedrockServer per class (class attribute `server`), started with `server_kwargs`."""

    server_kwargs = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = RedrockServer(**cls.server_kwargs)
        cls.addClassCleanup(cls.server.close)
        cls.server.start()

    def raw(self, **kwargs):
        """A RawClient to the server under test, closed after the test."""
        c = self.server.raw(**kwargs)
        self.addCleanup(c.close)
        return c

    def client(self, **kwargs):
        c = self.server.client(**kwargs)
        self.addCleanup(c.close)
        return c


class CompareTestCase(ServerTestCase):
    """The server under test plus a reference redis-server; each test starts with both flushed
    and raw clients self.a (redrock) and self.b (redis)."""

    reference_kwargs = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reference = RedisReference(**cls.reference_kwargs)
        cls.addClassCleanup(cls.reference.close)
        cls.reference.start()

    def setUp(self):
        super().setUp()
        self.a = self.raw()
        self.b = self.reference.raw()
        self.addCleanup(self.b.close)
        for c in (self.a, self.b):
            self.assertEqual(c.call("FLUSHALL"), b"+OK\r\n")

    def assertSame(self, commands, rules=None, a=None, b=None):
        """Fails listing every command whose replies differ between redrock and Redis."""
        diffs = compare(a or self.a, b or self.b, commands, rules)
        if diffs:
            self.fail("%d of %d replies differ from Redis:\n%s"
                      % (len(diffs), len(commands), "\n".join(diffs)))

    def assertSameSeeded(self, make_commands, rules=None, seeds=None):
        """For each seed of random_seeds() (or `seeds`): flushes both servers, sends them the
        commands make_commands(random.Random(seed)) returns, and fails listing, per seed, every
        reply that differs, with the REDROCK_SEED that replays it."""
        failures = []
        for seed in seeds if seeds is not None else random_seeds():
            for c in (self.a, self.b):
                self.assertEqual(c.call("FLUSHALL"), b"+OK\r\n")
            commands = make_commands(random.Random(seed))
            diffs = compare(self.a, self.b, commands, rules)
            if diffs:
                failures.append("seed %d (REDROCK_SEED=%d to replay): %d of %d replies differ:\n%s"
                                % (seed, seed, len(diffs), len(commands), "\n".join(diffs[:20])))
        if failures:
            self.fail("\n".join(failures))

    def both(self, *args):
        """The raw replies of (redrock, redis) to one command."""
        return self.a.call(*args), self.b.call(*args)


class _LogDumpingResult(unittest.TextTestResult):
    """Prints the logs of every live server when a test fails."""

    def _dump(self):
        with _live_lock:
            servers = list(_live_servers)
        for s in servers:
            self.stream.write("\n" + s.log_tail(40) + "\n")

    def addError(self, test, err):
        super().addError(test, err)
        self._dump()

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._dump()


def _watchdog(seconds):
    def fire():
        sys.stderr.write("\n*** test process exceeded %ss; dumping stacks, killing servers\n"
                         % seconds)
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        with _live_lock:
            servers = list(_live_servers)
        for s in servers:
            sys.stderr.write(s.log_tail(40) + "\n")
        _kill_all_servers()
        sys.stderr.flush()
        os._exit(3)

    t = threading.Timer(seconds, fire)
    t.daemon = True
    t.start()
    return t


def main(timeout=240):
    """Entry point of every test_*.py: unittest with a whole-file time limit (REDROCK_TEST_TIMEOUT
    overrides), server logs on failure, non-zero exit status on failure."""
    timeout = float(os.environ.get("REDROCK_TEST_TIMEOUT", timeout))
    _watchdog(timeout)
    sys.stderr.write("server under test: %s%s\n"
                     % (server_binary(), " (reference mode)" if reference_mode() else ""))
    runner = unittest.TextTestRunner(resultclass=_LogDumpingResult, verbosity=2)
    unittest.main(module="__main__", testRunner=runner, exit=True)
