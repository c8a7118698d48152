"""Scale-out: two real uvicorn processes, one PostgreSQL database and one Redis serve one game.

Players connected to either process receive every broadcast, including the ones that start on
the other process (the host moves on process A; the last answer, which closes the question,
arrives on process B). Required in CI; skipped locally only when the services are absent.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("SCALE_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_DB = 13

SEED = """
import json
from accounts.models import Role
from competitions import services
from competitions.models import RoundKind
from tests.competitions.factories import make_game
from tests.conftest import make_user
from tests.quizzes.factories import make_question
host = make_user(Role.SUPERVISOR, username="scale-host")
game = make_game(host=host, rounds=[(RoundKind.REQUIRED, [make_question(stem="跨进程第1题")])], seconds=60)
players = [
    services.join(code=game.code, user=make_user(Role.STAFF, username=f"scale-p{i}"), at=game.created_at)
    for i in range(4)
]
print(json.dumps({"code": game.code, "players": [p.user.username for p in players],
                  "numbers": [p.number for p in players]}))
"""


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def scale_env():
    if not (reachable(5432) and reachable(6379)):
        skip_or_fail("services", "PostgreSQL (5432) and Redis (6379) are needed for the two-process test")
    import psycopg

    name = f"lianbing_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
        "SECRET_KEY": f"scale-test-{uuid.uuid4().hex}",  # both processes must read the same sessions
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        yield env
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_server(env: dict, port: int) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--ws", "websockets", "--log-level", "warning", "--lifespan", "off"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while not reachable(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"uvicorn on port {port} did not start")
        time.sleep(0.1)
    return process


def log_in(port: int, username: str) -> str:
    """Log in through the login form over HTTP; returns the Cookie header for the socket."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"http://127.0.0.1:{port}/accounts/login/"
    opener.open(login_url).read()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf})
    opener.open(urllib.request.Request(login_url, data=form.encode(), headers={"Referer": login_url})).read()
    assert any(cookie.name == "sessionid" for cookie in jar), f"{username} could not log in"
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


class Screen:
    def __init__(self, connection):
        self.connection = connection
        self.seen: list[str] = []

    async def wait_for(self, text: str, timeout: float = 15) -> dict:
        """Read messages until one shows the text (each broadcast replaces the screen)."""
        return await self.wait_until(lambda message, html: text in html, timeout)

    async def wait_until(self, predicate, timeout: float = 15) -> dict:
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.connection.recv())
                html = " ".join(message.get("html", {}).values())
                self.seen.append(html)
                if predicate(message, html):
                    return message

    async def send(self, message: dict) -> None:
        await self.connection.send(json.dumps(message))


async def open_screen(port: int, cookie: str, path: str) -> Screen:
    from websockets.asyncio.client import connect

    connection = await connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
        proxy=None,
    )
    return Screen(connection)


@pytest.mark.services
async def test_players_on_either_process_receive_every_broadcast_of_one_game(scale_env):
    seeded = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=scale_env,
        check=True,
        capture_output=True,
        text=True,
    )
    game = json.loads(seeded.stdout.strip().splitlines()[-1])
    code = game["code"]
    port_a, port_b = free_port(), free_port()
    servers = [start_server(scale_env, port_a), start_server(scale_env, port_b)]
    screens = []
    try:
        host = await open_screen(port_a, log_in(port_a, "scale-host"), f"/ws/competitions/{code}/host/")
        await host.wait_for("开始比赛")
        players = []
        for index, username in enumerate(game["players"]):
            port = (port_a, port_b)[index % 2]  # two players on each process
            player = await open_screen(port, log_in(port, username), f"/ws/competitions/{code}/play/")
            await player.wait_for("等待主持人开始")
            players.append(player)
        screens = [host, *players]
        gq = None

        await host.send({"type": "start"})  # broadcast from process A
        for player in players:
            await player.wait_for("即将开始")
        await host.send({"type": "open"})
        for player in players:
            await player.wait_for("跨进程第1题")
        gq = int(players[0].seen[-1].split('"gq": ')[1].split(",")[0])
        # Answers on both processes; the last one (on process B) closes the question and
        # its broadcast must reach the players and the host on process A.
        for player in players:
            await player.send({"type": "answer", "gq": gq, "labels": ["A"]})
            await player.wait_for("已提交")
        for screen in screens:
            await screen.wait_for("作答截止" if screen is not host else "揭晓答案")
        await host.send({"type": "reveal"})
        for player, number in zip(players, game["numbers"], strict=True):
            # Each phone's own result is its row of the one shared frame: score, points, right.
            revealed = await player.wait_until(lambda message, _html: "seats" in message)
            assert revealed["seats"][3 * number + 2] == 2
        await host.send({"type": "end"})
        for player in players:
            await player.wait_for('data-testid="podium"')
    finally:
        for screen in screens:
            await screen.connection.close()
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)
