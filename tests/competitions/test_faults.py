"""Fault tests (short versions, in CI): two uvicorn processes on PostgreSQL and a Redis of the test's own.

One drill of three 必答 questions for 50 phones spread over both processes, with a fault in each question:
1. process B is SIGKILLed mid-question (its phones reconnect to A) and restarted;
2. Redis is stopped mid-question and restarted on the same port (the sockets drop and come back);
3. the host's socket drops mid-question: the drill pauses until the host is back and resumes it;
and at every question 10% of the phones (at least) drop and reconnect before answering.
Phones behave like static/js/live.js: reconnect with backoff, take the full state, answer once.

Afterwards: every acknowledged answer is in the database, every score equals a recount of the answer
rows, no phone was shown a question again after the next one or skipped one, and the host's loss of
its socket paused the game until the host resumed it. Required in CI; skipped locally only when
PostgreSQL, redis-server or a free port are missing.
"""

import asyncio
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.competitions.test_scale import PG_ADMIN_URL, ROOT, free_port, reachable, start_server
from tests.conftest import skip_or_fail

PHONES = 50
QUESTIONS = 3
CHURN = 0.10

SEED = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import Role
from competitions import services
from competitions.models import RoundKind
from tests.competitions.factories import make_game
from tests.conftest import make_user
from tests.quizzes.factories import make_question

def cookie(user):
    s = SessionStore()
    s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return "sessionid=" + s.session_key

host = make_user(Role.SUPERVISOR, username="fault-host")
questions = [make_question(stem=f"故障第{n}题") for n in range(1, %(questions)d + 1)]
game = make_game(host=host, rounds=[(RoundKind.REQUIRED, questions)], seconds=300)
players = [services.join(code=game.code, user=make_user(Role.STAFF, username=f"fault-p{i}"), at=game.created_at)
           for i in range(%(phones)d)]
print(json.dumps({"code": game.code, "host": cookie(host), "phones": [cookie(p.user) for p in players]}))
"""

CHECK = """
import json
from django.db.models import Sum
from competitions.models import Answer, Competition, Player
game = Competition.objects.get(code="%(code)s")
rows = Answer.objects.filter(game_question__competition=game)
answers = {f"{a.player.user.username}:{a.game_question_id}" for a in rows.select_related("player__user")}
recount = dict(rows.values_list("player").annotate(s=Sum("points")))
players = [(p.user.username, p.score, recount.get(p.pk) or 0)
           for p in Player.objects.filter(competition=game).select_related("user")]
print(json.dumps({"answers": sorted(answers), "players": players, "status": game.status}))
"""

QUESTION = re.compile(r"故障第(\d+)题")
GQ = re.compile(r'"gq": (\d+)')


class Redis:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not reachable(self.port):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def fault_env():
    if not reachable(5432) or shutil.which("redis-server") is None:
        skip_or_fail("services", "PostgreSQL (5432) and the redis-server binary are needed for the fault tests")
    import psycopg

    redis = Redis(free_port())
    redis.start()
    name = f"lianbing_fault_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}",
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "SECRET_KEY": f"fault-test-{uuid.uuid4().hex}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "0",
        "LOG_LEVEL": "CRITICAL",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        yield env, redis
    finally:
        redis.stop()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage_shell(env: dict, script: str) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class Screen:
    """A socket that reconnects like live.js (backoff, then the full state) to the first process that answers."""

    def __init__(self, cookie: str, path: str, ports: list[int], home: int):
        self.cookie, self.path, self.ports, self.home = cookie, path, ports, home
        self.connection = None
        self.connected = asyncio.Event()
        self.reconnects = 0
        self.away_until = 0.0  # a dropped socket stays away until then (time.monotonic())

    async def connect(self):
        from websockets.asyncio.client import connect

        attempt = 0
        await asyncio.sleep(max(0.0, self.away_until - time.monotonic()))
        while True:
            port = self.ports[(self.home + attempt) % len(self.ports)]
            try:
                self.connection = await connect(
                    f"ws://127.0.0.1:{port}{self.path}",
                    origin=f"http://127.0.0.1:{port}",
                    additional_headers={"Cookie": self.cookie},
                    proxy=None,
                    open_timeout=5,
                )
                self.connected.set()
                return
            except (OSError, TimeoutError, Exception):  # refused, reset, 5xx while Redis is away
                attempt += 1
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt))

    async def messages(self):
        """Every message, across reconnects, until the caller stops iterating."""
        from websockets.exceptions import ConnectionClosed

        while True:
            if self.connection is None:
                await self.connect()
            try:
                async for raw in self.connection:
                    yield json.loads(raw)
            except ConnectionClosed:
                pass
            self.connection = None
            self.connected.clear()
            self.reconnects += 1

    async def send(self, message: dict) -> bool:
        try:
            await self.connection.send(json.dumps(message))
            return True
        except Exception:
            return False

    async def drop(self, *, away: float = 0.0):
        self.away_until = time.monotonic() + away
        if self.connection is not None:
            await self.connection.close()


class Phone(Screen):
    def __init__(self, *args, churn_at: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.churn_at = churn_at
        self.shown: list[int] = []  # question numbers in the order the phone was shown them
        self.acked: set[int] = set()  # game questions whose answer the server acknowledged
        self.submitted: set[int] = set()  # ... or that the phone's state shows as submitted (after a reconnect)
        self.pending: int | None = None
        self.finished = asyncio.Event()

    async def play(self):
        current_gq = None
        connections = 0
        async for message in self.messages():
            if self.reconnects != connections:  # a new socket: whatever was in flight may be lost, ask again
                connections, self.pending = self.reconnects, None
            html = " ".join(message.get("html", {}).values())
            if message["type"] == "error" and message.get("code") == "duplicate" and self.pending is not None:
                # Committed by a worker that was killed before its ack: the server has the answer.
                self.submitted.add(self.pending)
            if message["type"] == "error":  # refused (e.g. while paused): the player taps again later
                if message.get("code") == "duplicate" and self.pending is not None:
                    # Its answer was committed but the ack was lost with a killed worker: it is in.
                    self.submitted.add(self.pending)
                self.pending = None
            if message["type"] == "ack" and self.pending is not None:
                self.acked.add(self.pending)
                self.submitted.add(self.pending)
                self.pending = None
            if 'data-testid="podium"' in html:
                self.finished.set()
                return
            question, gq = QUESTION.search(html), GQ.search(html)
            if question and gq:
                number, current_gq = int(question.group(1)), int(gq.group(1))
                if not self.shown or self.shown[-1] != number:
                    self.shown.append(number)
                if "已提交" in html:
                    self.submitted.add(current_gq)
                if current_gq in self.submitted:
                    continue
                if number in self.churn_at:  # drop before answering, come back, then answer
                    self.churn_at.discard(number)
                    await asyncio.sleep(random.random() * 0.3)
                    await self.drop()
                    continue
                if self.pending != current_gq and await self.send(
                    {"type": "answer", "gq": current_gq, "labels": ["A"]}
                ):
                    self.pending = current_gq


class Host(Screen):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_html = ""
        self.saw_pause = False

    async def watch(self):
        """Like a host at the console: a drill paused because the host's socket was lost is resumed."""
        async for message in self.messages():
            html = " ".join(message.get("html", {}).values())
            if html:
                self.last_html = html
                if 'data-testid="paused"' in html:
                    self.saw_pause = True
                    await self.send({"type": "resume"})

    async def move(self, kind: str):
        await self.connected.wait()
        while not await self.send({"type": kind}):
            await asyncio.sleep(0.2)
            await self.connected.wait()


async def until(predicate, timeout: float, what: str, describe=lambda: ""):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {describe()}")
        await asyncio.sleep(0.1)


@pytest.mark.services
async def test_a_drill_survives_a_killed_worker_a_redis_restart_and_churning_phones(fault_env):
    if os.environ.get("DATABASE_URL"):
        pytest.skip("brings its own PostgreSQL database: runs once, in the first pass of make test")
    env, redis = fault_env
    seeded = manage_shell(env, SEED % {"questions": QUESTIONS, "phones": PHONES})
    code = seeded["code"]
    ports = [free_port(), free_port()]
    servers = [start_server(env, port) for port in ports]
    rng = random.Random(12)
    phones = [
        Phone(
            cookie,
            f"/ws/competitions/{code}/play/",
            ports,
            home=index % 2,
            churn_at={
                q for q in range(1, QUESTIONS + 1) if rng.random() < CHURN * 3 and q == rng.randint(1, QUESTIONS)
            },
        )
        for index, cookie in enumerate(seeded["phones"])
    ]
    for number in range(1, QUESTIONS + 1):  # at least 10% of the phones churn at every question
        for phone in rng.sample(phones, int(PHONES * CHURN)):
            phone.churn_at.add(number)
    host = Host(seeded["host"], f"/ws/competitions/{code}/host/", ports, home=0)
    tasks = [asyncio.create_task(host.watch())] + [asyncio.create_task(p.play()) for p in phones]

    def answered(number) -> int:
        return sum(1 for p in phones if len(p.submitted) >= number)

    def describe() -> str:
        late = [
            (i, sorted(p.submitted), p.shown, p.pending, p.reconnects, p.connected.is_set())
            for i, p in enumerate(phones)
            if len(p.submitted) < max(len(q.submitted) for q in phones)
        ]
        return f"host: {host.last_html[-300:]!r}; behind: {late[:8]}"

    try:
        await until(lambda: "开始比赛" in host.last_html, 120, "the host console")
        await host.move("start")
        for number in range(1, QUESTIONS + 1):
            if number > 1:
                await host.move("next")
            await host.move("open")
            await until(lambda n=number: answered(n) >= PHONES // 3, 60, f"a third of the answers to question {number}")
            if number == 1:  # SIGKILL process B mid-question, then start it again on its port
                servers[1].send_signal(signal.SIGKILL)
                servers[1].wait(timeout=10)
                servers[1] = start_server(env, ports[1])
            elif number == 2:  # Redis goes away mid-question and comes back empty
                redis.stop()
                await asyncio.sleep(1.5)
                redis.start()
            else:  # the host's laptop drops its socket: the drill pauses until the host is back and resumes
                # Away for a few seconds: a host back at once is no lost host (its presence never lapsed).
                await host.drop(away=3.0)
                await until(lambda: host.saw_pause, 30, "the pause for the lost host", describe)
            await until(lambda n=number: answered(n) >= PHONES, 90, f"every answer to question {number}", describe)
            await until(lambda: "揭晓答案" in host.last_html, 60, "the closed question", describe)
            await host.move("reveal")
        await host.move("end")
        await until(lambda: all(p.finished.is_set() for p in phones), 60, "the podium on every phone")
    finally:
        for task in tasks:
            task.cancel()
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)

    final = manage_shell(env, CHECK % {"code": code})
    stored = set(final["answers"])
    for index, phone in enumerate(phones):
        # Every acknowledged answer is in the database ...
        assert {f"fault-p{index}:{gq}" for gq in phone.acked} <= stored, index
        # ... and the phone was shown the questions in order, none skipped, none again after the next.
        assert phone.shown == list(range(1, QUESTIONS + 1)), (index, phone.shown)
    assert len(stored) == PHONES * QUESTIONS  # every phone answered every question exactly once
    for username, score, recount in final["players"]:
        assert score == recount, username
    assert final["status"] == "finished"
    assert sum(p.reconnects for p in phones) >= PHONES // 2  # the faults really dropped sockets
    assert host.saw_pause and host.reconnects >= 1  # the lost host paused the drill; it resumed and ended
