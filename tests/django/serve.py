#!/usr/bin/python3
"""Serves the session test site with Django's threaded development WSGI server.

  serve.py            binds 127.0.0.1 on a free port, prints "PORT <n>" on stdout, serves until
                      SIGTERM
  serve.py --prepare  creates the SQLite tables (migrate) and the test user, then exits

Settings come from the environment; see sessionsite/settings.py.
"""

import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "redrock_sessions"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sessionsite.settings")

import django  # noqa: E402

django.setup()

TEST_USER = ("alice", "wonderland-2024")


def prepare():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    User = get_user_model()
    if not User.objects.filter(username=TEST_USER[0]).exists():
        User.objects.create_user(TEST_USER[0], password=TEST_USER[1])


def serve():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Server(ThreadedWSGIServer):
        # socketserver's default backlog of 5 drops connections of 16 concurrent clients.
        request_queue_size = 256

    httpd = Server(("127.0.0.1", 0), WSGIRequestHandler, ipv6=False)
    httpd.set_app(get_wsgi_application())
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("PORT %d" % httpd.server_address[1], flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()


if __name__ == "__main__":
    if sys.argv[1:] == ["--prepare"]:
        prepare()
    else:
        serve()
