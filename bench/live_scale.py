"""大练兵 at hall and district scale, measured from outside against a bare broadcast baseline.

For each room size N, in the same run and interleaved (baseline, product, baseline):

- **baseline**: bench/bare_broadcast.py, a bare `websockets` server pinned to the server core,
  pushes a frame of the product's question-frame size to the same N sockets; its push p95 (the
  control message sent → each socket's frame received) is the yardstick;
- **product**: one uvicorn process as `make run` starts it (SQLite, the in-process layer) pinned
  to the server core, N players logged in by session cookie, the host console and the big
  screen; the host drives QUESTIONS 必答 questions: open, N answers spread over SPREAD seconds,
  the last one closes the question, reveal, next, end.

The client is this process: one asyncio loop pinned to the other core (os.sched_setaffinity),
N sockets, each frame time-stamped on arrival (a substring check, no JSON parse). Measured:
connect time (HANDSHAKES in flight), push ("open" → the question on each phone), ack (answer →
ack), reveal ("reveal" → each phone's own result: the shared frame whose table holds the phone's
row, checked after the timing; against a bare broadcast of a frame that size), server CPU per
reveal, lost frames (a phone missing its question or result; a version the host console or the
big screen never got), answers refused though sent in time, server CPU per answer, server RSS
growth from the filled room to the end, the client's own CPU, the load average. The scale-out
path: PostgreSQL + Redis (pub/sub layer) + 2 uvicorn processes (both on the server core),
players split between them.

`BENCH_QUICK=1` (make bench-quick): N = 100 and 500, spread 3 s, no scale-out; under 2 minutes.
Writes the section "Live drill at scale" of docs/benchmarks.md and docs/benchmarks/live.json.
"""

import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import ROOT, free_port, machine, manage, own_redis, project_env, server, write_section
from bench.live_drill import PG_ADMIN_URL, cpu_seconds, postgres_database, rss_kib, services_up

QUICK = os.environ.get("BENCH_QUICK") == "1"
SIZES = (100, 500) if QUICK else (100, 500, 1000, 2000)
if os.environ.get("BENCH_SIZES"):  # "0": the scale-out path only
    SIZES = tuple(int(n) for n in os.environ["BENCH_SIZES"].split(",") if int(n))
VERBOSE = os.environ.get("BENCH_VERBOSE") == "1"


def step(text: str) -> None:
    if VERBOSE:
        print(f"      {time.strftime('%H:%M:%S')} {text}", flush=True)


PROFILE = os.environ.get("BENCH_PROFILE", "")  # a folder: py-spy records each server into it
SCALE_OUT = () if QUICK else tuple(int(n) for n in os.environ.get("BENCH_SCALE_OUT", "2000,5000").split(",") if n)
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "2"))  # more questions: more reveals to take a p95 over
SPREAD = float(os.environ.get("BENCH_SPREAD", "3" if QUICK else "15"))
HANDSHAKES = 50
WAIT = 120.0
SERVER_CORE, CLIENT_CORE = "0", 1
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
# As `make run` serves (Makefile, deploy/systemd): BENCH_WS_DEFLATE=true measures per-socket compression.
DEFLATE = os.environ.get("BENCH_WS_DEFLATE", "false")
JSON_OUT = ROOT / "docs" / "benchmarks" / "live.json"
# BENCH_APP_ROOT: serve another checkout (a worktree of the code before a change) with this client.
LABEL = os.environ.get("BENCH_LABEL", "")  # e.g. "before": the JSON key and the section's name
assert PG_ADMIN_URL

SETUP = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from datetime import timedelta
from accounts.models import Center, Role, User
from competitions import services
from competitions.models import Player, RoundKind
from quizzes.models import Option, Question, QuestionKind
from training.models import BusinessArea

N, QUESTIONS, TAG = %(n)d, %(questions)d, %(tag)r
now = timezone.now()
center, _ = Center.objects.get_or_create(name="压测中心")
area, _ = BusinessArea.objects.get_or_create(code="bench", defaults={"name": "压测条线"})
host = User(username=f"host-{TAG}", full_name="压测主持人", role=Role.SUPERVISOR, center=center)
host.set_unusable_password()
host.save()
staff = [User(username=f"p-{TAG}-{i:05d}", full_name=f"选手{i:05d}", role=Role.STAFF, center=center, password="!")
         for i in range(N)]
User.objects.bulk_create(staff, batch_size=500)
staff = list(User.objects.filter(username__startswith=f"p-{TAG}-").order_by("username"))
questions = []
for k in range(1, QUESTIONS + 1):
    stem = f"压测{TAG}第{k}题：社保卡补换需要携带什么证件材料？"
    q = Question.objects.create(area=area, kind=QuestionKind.SINGLE, stem=stem)
    Option.objects.bulk_create(Option(question=q, label=l, text=t, is_correct=l == "A") for l, t in
        {"A": "本人有效身份证件", "B": "户口簿原件", "C": "单位证明", "D": "一寸照片"}.items())
    questions.append(q.pk)
game = services.create_competition(host=host, settings=services.Settings(title=f"压测 {N} 人"),
    rounds=[services.RoundSpec(kind=RoundKind.REQUIRED, question_ids=questions, seconds=90)], at=now)
numbered = any(f.name == "number" for f in Player._meta.fields)  # the code before issue 11's reveal fix: none
Player.objects.bulk_create([Player(competition=game, user=u, joined_at=now, **({"number": i} if numbered else {}))
                            for i, u in enumerate(staff)], batch_size=500)

def key_for(person):
    store = SessionStore()
    data = {SESSION_KEY: str(person.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: person.get_session_auth_hash()}
    key = store._get_new_session_key()
    return Session(session_key=key, session_data=store.encode(data), expire_date=now + timedelta(days=1))

sessions = [key_for(p) for p in [host, *staff]]
Session.objects.bulk_create(sessions, batch_size=500)
print(json.dumps({"code": game.code, "gqs": list(game.questions.order_by("order").values_list("pk", flat=True)),
                  "host": sessions[0].session_key, "players": [s.session_key for s in sessions[1:]]}))
"""


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {k: round(pct(ms, q), 1) for k, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))}


# --- The client: sockets that time-stamp what they receive ------------------------------------


@dataclass
class Sock:
    connection: object
    frames: list = field(default_factory=list)  # (arrival, text)
    event: asyncio.Event = field(default_factory=asyncio.Event)

    async def read(self):
        try:
            async for raw in self.connection:
                at = time.perf_counter()
                if raw.startswith('{"type": '):  # the code before issue 11: ASCII-escaped, spaced JSON
                    raw = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
                self.frames.append((at, raw))
                self.event.set()
        except Exception:  # noqa: BLE001 - a closed socket: the waits time out and count as lost
            self.event.set()

    async def wait(
        self, *markers: str, start: int = 0, timeout: float = WAIT, any_of: tuple = ()
    ) -> tuple[float, int] | None:
        index = start
        try:
            async with asyncio.timeout(timeout):
                while True:
                    while index < len(self.frames):
                        at, raw = self.frames[index]
                        if all(m in raw for m in markers) and (not any_of or any(m in raw for m in any_of)):
                            return at, index
                        index += 1
                    self.event.clear()
                    await self.event.wait()
        except TimeoutError:
            return None


async def connect(port: int, path: str, cookie: str = "") -> Sock:
    from websockets.asyncio.client import connect as ws_connect

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    connection = await ws_connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}",
        additional_headers=headers,
        proxy=None,
        max_size=2**22,
        open_timeout=WAIT,
        ping_interval=None,
    )
    sock = Sock(connection)
    asyncio.get_running_loop().create_task(sock.read())
    return sock


async def connect_all(ports: list[int], paths_cookies: list[tuple[str, str]]) -> tuple[list[Sock], float]:
    gate = asyncio.Semaphore(HANDSHAKES)

    async def one(i, path, cookie):
        async with gate:
            sock = await connect(ports[i % len(ports)], path, cookie)
            await sock.wait('"type":"state"') if cookie else None
            return sock

    started = time.perf_counter()
    socks = await asyncio.gather(*(one(i, p, c) for i, (p, c) in enumerate(paths_cookies)))
    return socks, time.perf_counter() - started


def client_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- Baseline: the bare broadcast ------------------------------------------------------------


async def baseline_round(n: int, size: int, rounds: int = 3) -> list[float]:
    port = free_port()
    cmd = ["taskset", "-c", SERVER_CORE, sys.executable, str(ROOT / "bench" / "bare_broadcast.py"), str(port)]
    with server(cmd, dict(os.environ), port):
        socks, _ = await connect_all([port], [("/", "")] * n)
        control = await connect(port, "/control")
        latencies = []
        for _ in range(rounds):
            marks = [len(s.frames) for s in socks]
            sent = time.perf_counter()
            await control.connection.send(str(size))
            results = await asyncio.gather(
                *(s.wait('"state"', start=m, timeout=30) for s, m in zip(socks, marks, strict=False))
            )
            latencies += [r[0] - sent for r in results if r]
            await asyncio.sleep(0.3)
        for s in (*socks, control):
            await s.connection.close()
    return latencies


# --- The product -----------------------------------------------------------------------------


def _is_reply(raw: str) -> bool:
    return raw.startswith(('{"type":"ack"', '{"type":"error"'))


async def answer(sock: Sock, start: int, marker: str, gq: int, delay: float, out: dict) -> None:
    seen = await sock.wait(marker, start=start)
    if seen is None:
        return
    await asyncio.sleep(delay)
    mark = len(sock.frames)
    sent = time.perf_counter()
    await sock.connection.send(json.dumps({"type": "answer", "gq": gq, "labels": [random.choice("AABCD")]}))
    reply = await sock.wait('"type":"', start=mark)
    while reply is not None and not _is_reply(sock.frames[reply[1]][1]):
        reply = await sock.wait('"type":"', start=reply[1] + 1)
    if reply is None:
        out["lost"] += 1
    elif '"type":"error"' in sock.frames[reply[1]][1]:
        out["refused"] += 1
    else:
        out["acks"].append(reply[0] - sent)


SEATS = '"seats":['


def own_result_ok(raw: str, number: int) -> bool:
    """Checked after the timing: the frame holds this phone's result (every bench phone answers,
    so its outcome is 1 wrong or 2 right). A `me` frame (the code before the fix) names it."""
    if SEATS not in raw:
        return True
    row = json.loads(raw)["seats"][3 * number : 3 * number + 3]
    return len(row) == 3 and row[0] is not None and row[2] in (1, 2)


def versions(sock: Sock) -> list[int]:
    seen = set()
    for _at, raw in sock.frames:
        if raw.startswith('{"type":"state","v":'):
            seen.add(int(raw[len('{"type":"state","v":') :].split(",", 1)[0]))
    return sorted(seen)


async def play(ports: list[int], pids: list[int], game: dict, spread: float) -> dict:
    code = game["code"]
    host = await connect(ports[0], f"/ws/competitions/{code}/host/", game["host"])
    screen = await connect(ports[0], f"/ws/competitions/{code}/screen/", game["host"])
    await host.wait("开始比赛")
    paths = [(f"/ws/competitions/{code}/play/", key) for key in game["players"]]
    step("host and screen connected")
    players, connect_s = await connect_all(ports, paths)
    step(f"{len(players)} players connected")
    await asyncio.sleep(1.0)
    rss_start = sum(rss_kib(pid) for pid in pids)
    out = {"lost": 0, "refused": 0, "acks": [], "wrong_result": 0}
    push, reveal, cpu_answer, cpu_reveal, frame_sizes, reveal_sizes = [], [], [], [], [], []
    mark = len(host.frames)
    await host.connection.send('{"type":"start"}')
    await host.wait("出题", start=mark)
    rng = random.Random(11)
    for number, gq in enumerate(game["gqs"], start=1):
        marker = f"第{number}题：社保卡"
        marks = [len(p.frames) for p in players]
        hmark = len(host.frames)
        cpu0 = sum(cpu_seconds(pid) for pid in pids)
        sent = time.perf_counter()
        await host.connection.send('{"type":"open"}')
        tasks = [
            asyncio.create_task(answer(p, m, marker, gq, rng.uniform(0, spread), out))
            for p, m in zip(players, marks, strict=True)
        ]
        step(f"question {number} opened")
        seen = await asyncio.gather(*(p.wait(marker, start=m) for p, m in zip(players, marks, strict=True)))
        step("question on every phone")
        push += [s[0] - sent for s in seen if s]
        out["lost"] += sum(1 for s in seen if s is None)
        if seen and seen[0]:
            frame_sizes.append(len(players[0].frames[seen[0][1]][1].encode()))
        await asyncio.gather(*tasks)
        step(f"answers done: {len(out['acks'])} acks, {out['refused']} refused, {out['lost']} lost")
        closed = await host.wait("揭晓答案", start=hmark)
        step(f"closed on the console: {closed is not None}")
        if closed is None:  # say what the console shows instead (a pause, an error) before moving on
            step(f"the console's last frame: {host.frames[-1][1][:400] if host.frames else '-'}")
        cpu_answer.append((sum(cpu_seconds(pid) for pid in pids) - cpu0) / len(players))
        if closed is None:
            out["lost"] += 1
            await host.connection.send('{"type":"close"}')
            await host.wait("揭晓答案", start=hmark)
        marks = [len(p.frames) for p in players]
        cpu0 = sum(cpu_seconds(pid) for pid in pids)
        sent = time.perf_counter()
        await host.connection.send('{"type":"reveal"}')
        # A phone has its own result when the frame that carries it arrived: since issue 11's reveal
        # fix the shared frame's table (its row found by the phone's number), before it a personal
        # `me` frame after the shared one.
        results = await asyncio.gather(
            *(p.wait(any_of=("回答正确", "回答错误", SEATS), start=m) for p, m in zip(players, marks, strict=True))
        )
        reveal += [r[0] - sent for r in results if r]
        # The server's CPU for one reveal (the move, the frames, every send): less shaken by busy
        # neighbours than the wall-clock latencies.
        cpu_reveal.append(sum(cpu_seconds(pid) for pid in pids) - cpu0)
        step(f"revealed: {sum(1 for r in results if r)} phones")
        out["lost"] += sum(1 for r in results if r is None)
        out["wrong_result"] += sum(
            1 for i, r in enumerate(results) if r and not own_result_ok(players[i].frames[r[1]][1], i)
        )
        if results[0]:  # the reveal's shared frame: the one with the table, or the state before the `me`
            index = results[0][1]
            while index > marks[0] and not players[0].frames[index][1].startswith('{"type":"state"'):
                index -= 1
            reveal_sizes.append(len(players[0].frames[index][1].encode()))
        hmark = len(host.frames)
        await host.connection.send('{"type":"next"}' if number < len(game["gqs"]) else '{"type":"end"}')
        await host.wait('"type":"state"', start=hmark)
    await asyncio.sleep(1.0)
    rss_end = sum(rss_kib(pid) for pid in pids)
    state_gaps = 0
    for sock in (host, screen):
        seen_v = versions(sock)
        if not seen_v:  # frames without versions (the code before issue 11): not measurable
            state_gaps = None
            break
        state_gaps += len(set(range(seen_v[0], seen_v[-1] + 1)) - set(seen_v))
    for sock in (host, screen, *players):
        await sock.connection.close()
    return {
        "connect_s": round(connect_s, 2),
        "push": summary(push),
        "ack": summary(out["acks"]),
        "reveal": summary(reveal),
        "lost": out["lost"] + out["wrong_result"],
        "wrong_result": out["wrong_result"],
        "refused_in_time": out["refused"],
        "states_missed": state_gaps,
        "cpu_ms_per_answer": round(1000 * statistics.median(cpu_answer), 2),
        "cpu_ms_per_reveal": round(1000 * statistics.median(cpu_reveal), 1),
        "rss_start_mb": round(rss_start / 1024, 1),
        "rss_growth_mb": round((rss_end - rss_start) / 1024, 1),
        "frame_bytes": int(statistics.median(frame_sizes)) if frame_sizes else 0,
        "reveal_frame_bytes": int(statistics.median(reveal_sizes)) if reveal_sizes else 0,
    }


def uvicorn(port: int) -> list[str]:
    return [
        "taskset", "-c", SERVER_CORE, sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets-sansio", "--ws-max-size", "65536",
        "--lifespan", "off", "--log-level", "warning", "--backlog", "4096",
        "--ws-per-message-deflate", DEFLATE,
    ]  # fmt: skip


@contextmanager
def servers(env: dict, count: int):
    ports = [free_port() for _ in range(count)]
    with server(uvicorn(ports[0]), env, ports[0]) as first:
        if count == 1:
            yield ports, [first.pid]
            return
        with server(uvicorn(ports[1]), env, ports[1]) as second:
            yield ports, [first.pid, second.pid]


@contextmanager
def profiled(pids: list[int], name: str):
    if not PROFILE:
        yield
        return
    Path(PROFILE).mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(pid),
                "--rate",
                "50",
                "--format",
                "raw",
                "-o",
                f"{PROFILE}/{name}-{i}.txt",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for i, pid in enumerate(pids)
    ]
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(2)
            spy.wait(timeout=30)


def seed(env: dict, n: int) -> dict:
    script = SETUP % {"n": n, "questions": QUESTIONS, "tag": f"{n}-{random.randrange(10**6)}"}
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


def run_one(env: dict, n: int, path: str, processes: int) -> dict:
    print(f"  {path}: N = {n} …", flush=True)
    game = seed(env, n)
    cpu0 = client_cpu()
    base_before = asyncio.run(baseline_round(n, 2200))
    with servers(env, processes) as (ports, pids), profiled(pids, f"{path}-{n}"):
        step(f"servers: ports {ports}, pids {pids}, Redis {env.get('REDIS_URL', '-')}")
        product = asyncio.run(play(ports, pids, game, SPREAD))
    base_after = asyncio.run(baseline_round(n, product["frame_bytes"] or 2200))
    # The reveal's yardstick: the same bare broadcast of a frame the size of the reveal's shared frame.
    base_reveal = asyncio.run(baseline_round(n, product["reveal_frame_bytes"] or 2200, rounds=max(3, QUESTIONS)))
    baseline = base_before + base_after
    row = {
        "n": n,
        "path": path,
        **product,
        "baseline": summary(baseline),
        "push_p95_ms": product["push"]["p95"],
        "baseline_p95_ms": summary(baseline)["p95"],
        "reveal_p95_ms": product["reveal"]["p95"],
        "reveal_baseline": summary(base_reveal),
        "reveal_baseline_p95_ms": summary(base_reveal)["p95"],
        "ws_deflate": DEFLATE == "true",
        "ack_p95_ms": product["ack"]["p95"],
        "client_cpu_s": round(client_cpu() - cpu0, 1),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    row["push_vs_baseline"] = round(row["push_p95_ms"] / row["baseline_p95_ms"], 2) if row["baseline_p95_ms"] else None
    row["reveal_vs_baseline"] = (
        round(row["reveal_p95_ms"] / row["reveal_baseline_p95_ms"], 2) if row["reveal_baseline_p95_ms"] else None
    )
    # Against the question frame's baseline, as reported before the reveal baseline existed.
    row["reveal_vs_push_baseline"] = (
        round(row["reveal_p95_ms"] / row["baseline_p95_ms"], 2) if row["baseline_p95_ms"] else None
    )
    print(f"    {json.dumps(row, ensure_ascii=False)}", flush=True)
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| N | path | push p95 (× bare) | reveal p95 (× bare) | bare p95: question / reveal frame | frames: question / "
        "reveal | ack p50 / p95 / p99 | connect | lost | refused in time | states missed | CPU per answer | "
        "CPU per reveal | RSS start → growth | client CPU | load |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    )
    lines = [
        f"| {r['n']:,} | {r['path']} | {r['push_p95_ms']:.0f} ms ({r['push_vs_baseline']}×) | "
        f"{r['reveal_p95_ms']:.0f} ms ({r['reveal_vs_baseline']}×) | "
        f"{r['baseline_p95_ms']:.0f} / {r.get('reveal_baseline_p95_ms', float('nan')):.0f} ms | "
        f"{r['frame_bytes'] / 1024:.1f} / {r.get('reveal_frame_bytes', 0) / 1024:.1f} KiB | "
        f"{r['ack']['p50']:.0f} / {r['ack']['p95']:.0f} / {r['ack']['p99']:.0f} ms | {r['connect_s']:.1f} s | "
        f"{r['lost']} | {r['refused_in_time']} | {'—' if r['states_missed'] is None else r['states_missed']} | "
        f"{r['cpu_ms_per_answer']:.1f} ms | {r.get('cpu_ms_per_reveal', float('nan')):.0f} ms | "
        f"{r['rss_start_mb']:.0f} → +{r['rss_growth_mb']:.0f} MiB | {r['client_cpu_s']:.0f} s | "
        f"{' / '.join(f'{x:.1f}' for x in r['load'])} |"
        for r in rows
    ]
    return head + "\n".join(lines)


def raise_open_files() -> None:
    """N sockets in the client, plus the baseline's; N / 2 sockets and their Redis and database
    connections in each server (which inherit the limit): the soft limit goes up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def main() -> None:
    with suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {CLIENT_CORE})
    raise_open_files()
    started = time.monotonic()
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    with project_env() as env:
        for n in SIZES:
            rows.append(run_one(env, n, "embedded", 1))
    if SCALE_OUT and services_up():
        with (
            own_redis() as redis_url,
            postgres_database() as url,
            project_env(DATABASE_URL=url, REDIS_URL=redis_url or REDIS_URL) as env,
        ):
            for n in SCALE_OUT:
                rows.append(run_one(env, n, "scale-out", 2))
    JSON_OUT.parent.mkdir(exist_ok=True)
    previous = json.loads(JSON_OUT.read_text()) if JSON_OUT.exists() else {}
    previous[("quick" if QUICK else "full") + (f"-{LABEL}" if LABEL else "")] = {
        "machine": machine(),
        "load_at_start": load,
        "spread_s": SPREAD,
        "rows": rows,
    }
    JSON_OUT.write_text(json.dumps(previous, ensure_ascii=False, indent=1) + "\n")
    body = (
        f"{'Quick run (`make bench-quick`)' if QUICK else 'Full run (`make bench`)'}; load average at start {load}. "
        f"Server(s) pinned to core {SERVER_CORE}, the client to core {CLIENT_CORE}; {QUESTIONS} 必答 questions "
        f"per room, answers spread over {SPREAD:.0f} s; baseline = bare `websockets` broadcast of the same frame "
        "size to the same N, measured before and after the product in the same run (push: the question frame; "
        "reveal: a frame the size of the reveal's shared frame, measured after the product); per-message "
        f"compression {'on' if DEFLATE == 'true' else 'off'} (the bare server never compresses).\n\n" + table(rows)
    )
    write_section("Live drill at scale" + (" (quick)" if QUICK else "") + (f" ({LABEL})" if LABEL else ""), body)
    print(body)
    print(f"(took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
