"""Helpers shared by the benchmark scripts in tools/bench (run with /usr/bin/python3)."""
import os
import socket
import time

import redis


def free_port():
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_ready(port, timeout=60):
    """Waits until the server on `port` answers PING."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if redis.Redis(port=port).ping():
                return
        except redis.exceptions.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("server on port %d did not start" % port)


def dir_bytes(path):
    """Bytes of the regular files under path (what du counts, give or take blocks)."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except FileNotFoundError:
                pass  # removed by a compaction or a WAL purge while we walk
    return total
