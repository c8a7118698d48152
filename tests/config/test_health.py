"""/healthz tells a load balancer whether this worker can serve: database, channel layer and cache.

Hole 6 of issue 12: with the database unreachable, `/` and the login page still answered (so a
balancer kept the broken worker) and every request waited 10 s for a connection.
"""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_without_a_login_when_everything_works(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n" and "no-store" in response["Cache-Control"]


def broken(message: str):
    def fail(*args, **kwargs):
        raise OperationalError(message)

    return fail


@pytest.mark.parametrize("part", ["database", "cache", "channel layer"])
def test_healthz_is_503_without_detail_when_a_part_is_down(client, monkeypatch, part):
    from config import health

    secret = "password authentication failed for user secret_dba at 10.1.2.3"
    if part == "database":
        monkeypatch.setattr(health, "_database", broken(secret))
    elif part == "cache":
        monkeypatch.setattr(health.cache, "set", broken(secret))
    else:

        class DeadLayer:
            async def new_channel(self):
                raise ConnectionError(secret)

        monkeypatch.setattr(health, "get_channel_layer", lambda: DeadLayer())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert b"secret" not in response.content and b"10.1.2.3" not in response.content


def test_healthz_is_not_behind_the_login_wall_but_nothing_else_new_is(client):
    assert client.post(reverse("healthz")).status_code == 405  # GET and HEAD only
    assert client.head(reverse("healthz")).status_code == 200


def black_hole() -> tuple[socket.socket, int]:
    """A TCP port that accepts connections and never says a word, like a database host that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


SHELL = """
from django.test import Client
print("STATUS", Client().get("/healthz").status_code)
"""


@pytest.mark.parametrize("pool", ["0", "1"])
def test_a_database_that_never_answers_gives_a_503_instead_of_a_hang(tmp_path, pool):
    """Without a connect timeout libpq waits for the server's greeting forever (without the pool) or for
    the pool's 10 s; DB_CONNECT_TIMEOUT (3 s by default, 1 here) bounds both. The subprocess timeout is a
    hang guard, not a speed assertion."""
    listener, port = black_hole()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/nowhere",
        DB_POOL=pool,
        DB_CONNECT_TIMEOUT="1",
        ALLOWED_HOSTS="testserver",
        LIANBING_VAR_DIR=str(tmp_path),
        LOG_LEVEL="CRITICAL",
    )
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SHELL],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        listener.close()
    assert "STATUS 503" in result.stdout, result.stdout + result.stderr[-2000:]
