"""A live drill under load: one uvicorn process, N players' sockets, the host driving the game.

For each room size N a throwaway database holds a host, N staff and a drill of a few 必答
questions (set up through competitions.services); players are logged in by sessions written
directly. One uvicorn process (as `make run` starts it) serves N player sockets, the host
console and the big screen; the host socket drives start, open, reveal, next and end exactly as
static/js/live.js would. Each player answers once per question, at a random moment in the
first ANSWER_SPREAD seconds after the question reached their phone; the last answer closes the
question. Measured:

- answer acknowledgement latency: the player's "answer" sent → its "ack" received;
- fan-out: the host's "open" sent → each player's frame with the question received;
- frames and bytes each screen receives per question, and how many tally frames the host and
  the big screen get against the number of answers (the "N answered" throttle);
- the server process's CPU time per question and its memory per connected socket.

The baseline is the smallest room; the others are ratios against it. The largest room runs again
with the database connection kept between hops (DB_CONN_MAX_AGE=60), and, with PostgreSQL and
Redis on their usual local ports, on the scale-out path (a throwaway database
lianbing_bench_<random>, channels_redis) with and without kept connections: ratios against the
embedded default at the same N. Bounded: a few questions per room, every wait has a timeout;
about two minutes in all. `BENCH_LIVE_SIZES=10,20` and `BENCH_LIVE_SCALE_OUT=0` make a quick run.
"""

import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import free_port, manage, project_env, server, write_section
from bench.live_report import FINDINGS, report

SIZES = (50, 100, 200)
QUESTIONS = 4
ANSWER_SPREAD = 2.0  # seconds: players answer at a random moment in this window
CONNECT_AT_ONCE = 25  # handshakes in flight while the room fills
WAIT = 30.0  # no single step may take longer than this
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

SETUP_SCRIPT = """
import json
from django.conf import settings
from bench.sessions import session_for
from django.utils import timezone
from accounts.models import Center, Role, User
from competitions import services
from competitions.models import RoundKind
from quizzes.models import Option, Question, QuestionKind
from training.models import BusinessArea

SIZES, QUESTIONS = %(sizes)r, %(questions)d

def user(username, full_name, role):
    person = User(username=username, full_name=full_name, role=role, center=center)
    person.set_unusable_password()
    person.save()
    return person


now = timezone.now()
center = Center.objects.create(name="压测中心")
area = BusinessArea.objects.create(code="bench", name="压测条线")
host = user("bench-host", "压测主持人", Role.SUPERVISOR)
staff = [user(f"bench-{i:03d}", f"压测选手{i:03d}", Role.STAFF) for i in range(max(SIZES))]
questions = []
for k in range(1, QUESTIONS + 1):
    stem = f"压测第{k}题：社保卡补换需要携带什么？"
    question = Question.objects.create(area=area, kind=QuestionKind.SINGLE, stem=stem)
    Option.objects.bulk_create(
        Option(question=question, label=label, text=text, is_correct=label == "A")
        for label, text in {"A": "本人有效身份证件", "B": "户口簿原件", "C": "单位证明", "D": "一寸照片"}.items()
    )
    questions.append(question.pk)
games = []
for n in SIZES:
    game = services.create_competition(
        host=host,
        settings=services.Settings(title=f"压测：{n} 人"),
        rounds=[services.RoundSpec(kind=RoundKind.REQUIRED, question_ids=questions, seconds=60, streak_bonus=True)],
        at=now,
    )
    for person in staff[:n]:
        services.join(code=game.code, user=person, at=now)
    games.append({"code": game.code, "gqs": list(game.questions.order_by("order").values_list("pk", flat=True))})
print(json.dumps({"games": games, "host": session_for(host), "players": [session_for(p) for p in staff]}))
"""


def uvicorn_cmd(port: int) -> list[str]:
    """The process `make run` starts (one worker)."""
    return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]


UVICORN_FLAGS = ["--ws", "websockets", "--ws-max-size", "65536", "--lifespan", "off", "--log-level", "warning"]


# --- A socket that records every frame it receives ------------------------------------------


@dataclass
class Frame:
    at: float
    type: str
    size: int  # bytes of the JSON text as sent
    size_utf8: int  # the same message as UTF-8 JSON (ensure_ascii=False)
    text: str


@dataclass
class Client:
    connection: object
    frames: list[Frame] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task | None = None

    async def read(self):
        try:
            async for raw in self.connection:
                at = time.perf_counter()
                message = json.loads(raw)
                text = " ".join((message.get("html") or {}).values())
                size_utf8 = len(json.dumps(message, ensure_ascii=False).encode())
                self.frames.append(Frame(at, message.get("type", ""), len(raw.encode()), size_utf8, text))
                self.changed.set()
        except Exception:  # a closed socket ends the reader; waits then time out loudly
            self.changed.set()

    async def wait_for(self, marker: str, *, start: int = 0, kind: str = "state") -> Frame:
        """The first frame from `start` on of this type that shows the marker; an error is fatal."""
        index = start
        async with asyncio.timeout(WAIT):
            while True:
                while index < len(self.frames):
                    frame = self.frames[index]
                    if frame.type == "error":
                        raise RuntimeError(f"the server refused a move: {frame}")
                    if frame.type == kind and marker in frame.text:
                        return frame
                    index += 1
                self.changed.clear()
                await self.changed.wait()

    async def send(self, message: dict) -> float:
        sent = time.perf_counter()
        await self.connection.send(json.dumps(message))
        return sent


async def open_client(port: int, session_key: str, path: str) -> Client:
    from websockets.asyncio.client import connect

    connection = await connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": f"sessionid={session_key}"},
        proxy=None,
        max_size=2**20,
    )
    client = Client(connection)
    client.reader = asyncio.create_task(client.read())
    return client


# --- The server process: CPU and memory from /proc ------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields_[11]) + int(fields_[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# --- One game ---------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def all_see(players: list[Client], marks: list[int], marker: str) -> list[Frame]:
    """Each player's first state frame since their mark that shows the marker."""
    return await asyncio.gather(*(p.wait_for(marker, start=m) for p, m in zip(players, marks, strict=True)))


async def answer(player: Client, start: int, *, marker: str, gq: int, delay: float) -> float:
    """Wait for the question, think for `delay`, answer; the acknowledgement latency."""
    await player.wait_for(marker, start=start)
    await asyncio.sleep(delay)
    begin = len(player.frames)
    sent = await player.send({"type": "answer", "gq": gq, "labels": [random.choice("AABCD")]})
    ack = await player.wait_for("", start=begin, kind="ack")
    return ack.at - sent


async def play_game(port: int, pid: int, game: dict, host_key: str, player_keys: list[str]) -> dict:
    code, gqs = game["code"], game["gqs"]
    host = await open_client(port, host_key, f"/ws/competitions/{code}/host/")
    screen = await open_client(port, host_key, f"/ws/competitions/{code}/screen/")
    await host.wait_for("开始比赛")
    await screen.wait_for("")
    rss_idle = rss_kib(pid)  # the app loaded and every template of the lobby rendered
    gate = asyncio.Semaphore(CONNECT_AT_ONCE)

    async def join(key: str) -> Client:
        async with gate:
            client = await open_client(port, key, f"/ws/competitions/{code}/play/")
            await client.wait_for("等待主持人开始")
            return client

    started = time.perf_counter()
    players = await asyncio.gather(*(join(key) for key in player_keys))
    fill_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)  # the coalesced lobby refreshes settle
    rss_full = rss_kib(pid)
    everyone = [host, screen, *players]

    mark = [len(c.frames) for c in everyone]
    await host.send({"type": "start"})
    await all_see(players, mark[2:], "即将开始")

    acks, fanout, last_arrival, reveal_fanout = [], [], [], []
    per_question = []  # frames and bytes per screen, tally frames, server CPU
    rng = random.Random(7)
    for number, gq in enumerate(gqs, start=1):
        marker = f"压测第{number}题"
        mark = [len(c.frames) for c in everyone]
        cpu_before = cpu_seconds(pid)

        t_open = await host.send({"type": "open"})
        answering = [
            asyncio.create_task(answer(p, m, marker=marker, gq=gq, delay=rng.uniform(0, ANSWER_SPREAD)))
            for p, m in zip(players, mark[2:], strict=True)
        ]
        arrivals = await all_see(players, mark[2:], marker)
        times = [frame.at - t_open for frame in arrivals]
        fanout += times
        last_arrival.append(max(times))
        acks += await asyncio.gather(*answering)
        # The last answer closes the question: every screen is told.
        await all_see(players, mark[2:], "作答截止")
        closed = await host.wait_for("揭晓答案", start=mark[0])
        tally_host = sum(1 for f in host.frames[mark[0] :] if f.type == "tally" and f.at <= closed.at)
        tally_screen = sum(1 for f in screen.frames[mark[1] :] if f.type == "tally" and f.at <= closed.at)
        t_reveal = await host.send({"type": "reveal"})
        revealed = await all_see(players, mark[2:], 'data-result="1"')
        reveal_fanout.append(max(frame.at for frame in revealed) - t_reveal)
        if number < len(gqs):
            await host.send({"type": "next"})
            await all_see(players, mark[2:], "即将开始")
        else:
            await host.send({"type": "end"})
            await all_see(players, mark[2:], "比赛结束")
        await asyncio.sleep(0.6)  # a tally refresh still pending on the host lands in this question
        received = [c.frames[m:] for c, m in zip(everyone, mark, strict=True)]
        per_question.append(
            {
                "cpu": cpu_seconds(pid) - cpu_before,
                "host_frames": len(received[0]),
                "tally_host": tally_host,
                "tally_screen": tally_screen,
                "player_frames": [len(r) for r in received[2:]],
                "player_bytes": [sum(f.size for f in r) for r in received[2:]],
                "player_bytes_utf8": [sum(f.size_utf8 for f in r) for r in received[2:]],
            }
        )
    for client in everyone:
        await client.connection.close()
        client.reader.cancel()
    n = len(players)
    pq = per_question
    return {
        "n": n,
        "fill": fill_seconds,
        "rss_per_socket": (rss_full - rss_idle) / n,
        "rss_full": rss_full,
        "ack_p50": statistics.median(acks),
        "ack_p95": pct(acks, 0.95),
        "fan_p50": statistics.median(fanout),
        "fan_p95": pct(fanout, 0.95),
        "fan_last": statistics.median(last_arrival),
        "reveal_last": statistics.median(reveal_fanout),
        "cpu_per_answer": statistics.median(q["cpu"] for q in pq) / n,
        "player_frames": statistics.median(f for q in pq for f in q["player_frames"]),
        "player_frames_max": max(f for q in pq for f in q["player_frames"]),
        "player_bytes": statistics.median(b for q in pq for b in q["player_bytes"]),
        "player_bytes_utf8": statistics.median(b for q in pq for b in q["player_bytes_utf8"]),
        "host_frames": statistics.median(q["host_frames"] for q in pq),
        "tally_host": statistics.median(q["tally_host"] for q in pq),
        "tally_screen": statistics.median(q["tally_screen"] for q in pq),
    }


def run_room(env: dict, game: dict, host_key: str, player_keys: list[str]) -> dict:
    port = free_port()
    print(f"  {len(player_keys)} players on port {port} …", flush=True)
    with server(uvicorn_cmd(port) + UVICORN_FLAGS, env, port) as proc:
        return asyncio.run(play_game(port, proc.pid, game, host_key, player_keys))


def setup(env: dict, sizes: tuple[int, ...]) -> dict:
    """One drill per entry of sizes (in the lobby, everyone joined), and everyone's session."""
    script = SETUP_SCRIPT % {"sizes": sizes, "questions": QUESTIONS}
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


# --- The scale-out path ---------------------------------------------------------------------


def services_up() -> bool:
    import socket

    for port in (5432, 6379):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:
            return False
    return True


@contextmanager
def postgres_database():
    import psycopg

    name = f"lianbing_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    sizes = tuple(int(s) for s in os.environ.get("BENCH_LIVE_SIZES", ",".join(map(str, SIZES))).split(","))
    largest = max(sizes)
    started = time.monotonic()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    with project_env() as env:
        seeded = setup(env, (*sizes, largest))
        host, keys = seeded["host"], seeded["players"]
        rooms = [run_room(env, game, host, keys[:n]) for n, game in zip(sizes, seeded["games"], strict=False)]
        # The same room with the database connection kept between hops (see the findings).
        kept = run_room({**env, "DB_CONN_MAX_AGE": "60"}, seeded["games"][-1], host, keys[:largest])
    scaled = scaled_kept = None
    if services_up() and os.environ.get("BENCH_LIVE_SCALE_OUT", "1") == "1":
        with postgres_database() as url, project_env(DATABASE_URL=url, REDIS_URL=REDIS_URL) as env:
            seeded = setup(env, (largest, largest))
            host, keys = seeded["host"], seeded["players"][:largest]
            scaled = run_room(env, seeded["games"][0], host, keys)
            scaled_kept = run_room({**env, "DB_CONN_MAX_AGE": "60"}, seeded["games"][1], host, keys)
    same_n = next(r for r in rooms if r["n"] == largest)
    variants = {
        "DB_CONN_MAX_AGE=60 (connection kept)": kept,
        "PostgreSQL (Django's pool, the default) + Redis": scaled,
        "PostgreSQL (connection kept, no pool) + Redis": scaled_kept,
    }
    body = report(
        rooms, same_n, variants, load=load, questions=QUESTIONS, spread=ANSWER_SPREAD, at_once=CONNECT_AT_ONCE
    )
    write_section("Live drill under load", body + FINDINGS)
    print(body)
    print(f"(took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
