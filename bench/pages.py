"""Pages against Django's own speed: each page a clerk opens, against a minimal Django view.

A throwaway database set up as `make run` does (migrate, then the demo data), one uvicorn process
as `make run` starts it, pinned to core 0 (taskset); the load client (this process, asyncio with
keep-alive connections) pinned to core 1. The baseline is bench/minimal.py, one HttpResponse of
about a page's size with CommonMiddleware only, served by a second uvicorn on the same core 0 and
measured in the same run, interleaved with the pages (baseline, page, baseline, page, ...), so a
busy moment of the machine hits both. Every request carries the session cookie of a logged-in
clerk (staff01); the competency report /reports/ that of the director (manager).

Per page and concurrency (20 and 100 connections): requests/s, ratio to the baseline, p50 and p95
latency, and the number of SQL queries one request makes (counted in-process with the test client).
Each page the page cache serves (lianbing/page_cache.py) is measured twice, on two servers of the same
build: `cache: "hit"` (the setting's default: every request after the first is served from the cache,
nothing having changed) and `cache: "miss"` (PAGE_CACHE=0: every request renders, as after a write);
pages it does not serve (the stack alone, the practice fragment) once, `cache: "off"`.
The same again on PostgreSQL (a throwaway database, Django's pool as the settings default) when it
runs on 127.0.0.1:5432. Writes docs/benchmarks.md and docs/benchmarks/pages.json.

`BENCH_PAGES_QUICK=1` is a quick run (20 connections, one round, short windows, SQLite only).
"""

import asyncio
import json
import os
import random
import re
import statistics
import string
import sys
import time

from bench.common import ROOT, free_port, manage, project_env, server, write_section
from bench.live_drill import cpu_seconds

QUICK = os.environ.get("BENCH_PAGES_QUICK") == "1"
CONCURRENCY = tuple(int(c) for c in os.environ.get("BENCH_PAGES_CLIENTS", "20" if QUICK else "20,100").split(","))
ROUNDS = 1 if QUICK else 2
WINDOW = 1.5 if QUICK else 3.0  # seconds of load per measurement at 20 clients, after a warm-up


def window(clients: int) -> float:
    """Longer windows for more clients, so that every client finishes several requests in one."""
    return WINDOW * max(1.0, clients / 40)


SERVER_CORE, CLIENT_CORE = "0", 1
JSON_OUT = ROOT / "docs" / "benchmarks" / "pages.json"
TARGETS = {"lesson": 0.5}  # every other clerk page: 0.35 (the targets)
CLERK_TARGET = 0.35
P95_TARGET_MS = 100
STACK_ONLY = "stack only (no view)"
CSRF_SECRET = "".join(random.choices(string.ascii_letters + string.digits, k=32))

SETUP_SCRIPT = """
import json
from django.conf import settings
from bench.sessions import session_for
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from quizzes.services.practice import start_practice
from training.models import BusinessArea, Lesson



settings.PAGE_CACHE = False  # the render's queries; the hit's are counted below
clerk, director = User.objects.get(username="staff01"), User.objects.get(username="manager")
lesson = Lesson.objects.filter(is_published=True).order_by("pk").first()
area = BusinessArea.objects.filter(questions__is_active=True).order_by("pk").first()
attempt = start_practice(person=clerk, at=timezone.now(), area=area)
pages = {
    "home": ("/", "clerk", {}),
    "lesson": (f"/training/lessons/{lesson.pk}/", "clerk", {}),
    "training": ("/training/", "clerk", {}),
    "quizzes": ("/quizzes/", "clerk", {}),
    "practice fragment (htmx)": (f"/quizzes/attempts/{attempt.pk}/next/", "clerk", {"HTTP_HX_REQUEST": "true"}),
    "simulations": ("/simulations/", "clerk", {}),
    "leaderboard": ("/leaderboard/", "clerk", {}),
    "reports (director)": ("/reports/", "director", {}),
}
people = {"clerk": clerk, "director": director}
out = {"sessions": {role: session_for(p) for role, p in people.items()}, "pages": {}}
# Every middleware and no view: an anonymous request that LoginRequiredMiddleware sends to the login page.
out["pages"]["stack only (no view)"] = {"path": "/", "role": "clerk", "htmx": False, "queries": 0, "bytes": 0}
for name, (path, role, headers) in pages.items():
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(people[role])
    first = client.get(path, **headers)
    assert first.status_code == 200, (name, first.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    out["pages"][name] = {
        "path": path, "role": role, "htmx": bool(headers), "queries": len(queries), "bytes": len(response.content)
    }
settings.PAGE_CACHE = True
for name, (path, role, headers) in pages.items():
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["csrftoken"] = "b" * 32  # as the login page leaves it (the key holds the CSRF secret)
    client.force_login(people[role])
    client.get(path, **headers)
    client.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    out["pages"][name]["hit_queries"] = len(queries)
print(json.dumps(out))
"""


def uvicorn_cmd(app: str, port: int) -> list[str]:
    """The server `make run` starts (one worker), pinned to the server's core."""
    return [
        "taskset",
        "-c",
        SERVER_CORE,
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--ws",
        "websockets-sansio",
        "--ws-max-size",
        "65536",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
    ]


def pct(values: list[float], q: float) -> float:
    if not values:  # nothing finished inside the window
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def load(port: int, path: str, *, clients: int, seconds: float, headers: str, status: int = 200) -> dict:
    """`clients` keep-alive connections, each sending the next request when the last answered;
    requests/s and latencies over a window of `seconds` after a warm-up of one request each."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n{headers}\r\n".encode()
    latencies: list[float] = []
    window = {"start": 0.0, "end": 0.0}

    async def get(reader, writer) -> None:
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        if not head.startswith(f"HTTP/1.1 {status}".encode()):
            raise RuntimeError(f"{path}: {head[:300]!r}")
        match = re.search(rb"content-length:\s*(\d+)", head, re.IGNORECASE)
        if match:
            await reader.readexactly(int(match.group(1)))
        else:  # chunked
            while True:
                size = int((await reader.readline()).strip(), 16)
                await reader.readexactly(size + 2)
                if size == 0:
                    break

    async def one_client(ready: asyncio.Barrier, go: asyncio.Event):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await get(reader, writer)  # warm-up: the connection is open and the page has been served once
        await ready.wait()
        await go.wait()  # the window is set
        if reader.at_eof():  # idle past uvicorn's keep-alive timeout while the others warmed up
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            sent = time.perf_counter()
            if sent >= window["end"]:
                break
            await get(reader, writer)
            done = time.perf_counter()
            if done <= window["end"]:
                latencies.append(done - sent)
        writer.close()

    ready, go = asyncio.Barrier(clients + 1), asyncio.Event()
    tasks = [asyncio.create_task(one_client(ready, go)) for _ in range(clients)]
    await ready.wait()
    window["start"] = time.perf_counter()
    window["end"] = window["start"] + seconds
    go.set()
    await asyncio.gather(*tasks)
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": pct(latencies, 0.5) * 1000,
        "p95_ms": pct(latencies, 0.95) * 1000,
    }


CACHED = {"home", "lesson", "training", "quizzes", "simulations", "leaderboard", "reports (director)"}


def measure(env: dict, seeded: dict) -> dict:
    """Every page at every concurrency, interleaved with the baseline; medians over the rounds."""
    pages = seeded["pages"]
    size = int(statistics.median(p["bytes"] for name, p in pages.items() if name != STACK_ONLY))
    product_port, uncached_port, base_port = free_port(), free_port(), free_port()
    raw: dict[tuple[str, str, int], list[dict]] = {}
    base_env = {**env, "BENCH_MINIMAL_BYTES": str(size)}
    with (
        server(uvicorn_cmd("config.asgi:application", product_port), env, product_port) as product,
        server(
            uvicorn_cmd("config.asgi:application", uncached_port), {**env, "PAGE_CACHE": "0"}, uncached_port
        ) as uncached,
        server(uvicorn_cmd("bench.minimal:application", base_port), base_env, base_port) as baseline,
    ):

        def timed(port: int, pid: int, path: str, seconds: float, headers: str, status: int = 200) -> dict:
            """The load figures plus the server process's CPU time per request answered."""
            before = cpu_seconds(pid)
            got = asyncio.run(load(port, path, clients=clients, seconds=seconds, headers=headers, status=status))
            served = got["rps"] * seconds
            return got | {"cpu_ms": (cpu_seconds(pid) - before) * 1000 / served if served else float("nan")}

        for clients in CONCURRENCY:
            for _ in range(ROUNDS):
                for name, page in pages.items():
                    # A browser sends back the CSRF cookie it was given (else every page makes a new secret).
                    cookie = f"Cookie: sessionid={seeded['sessions'][page['role']]}; csrftoken={CSRF_SECRET}\r\n"
                    extra = cookie + ("HX-Request: true\r\n" if page["htmx"] else "")
                    if name == STACK_ONLY:  # every middleware, no view: an anonymous visit sent to the login page
                        extra, status = "", 302
                    else:
                        status = 200
                    seconds = window(clients)
                    modes = (
                        (("hit", product_port, product), ("miss", uncached_port, uncached))
                        if name in CACHED
                        else (("off", product_port, product),)
                    )
                    for mode, port, target in modes:
                        base = timed(base_port, baseline.pid, "/", seconds / 2, "")
                        got = timed(port, target.pid, page["path"], seconds, extra, status)
                        raw.setdefault((name, mode, clients), []).append(
                            {**got, "baseline_rps": base["rps"], "baseline_cpu_ms": base["cpu_ms"]}
                        )
    rows = []
    keys = ("rps", "baseline_rps", "p50_ms", "p95_ms", "cpu_ms", "baseline_cpu_ms")
    for (name, mode, clients), runs in raw.items():
        row = {key: statistics.median(r[key] for r in runs) for key in keys}
        queries = pages[name]["hit_queries"] if mode == "hit" else pages[name]["queries"]
        rows.append({"page": name, "cache": mode, "concurrency": clients, **row, "queries": queries})
    return {"rows": rows, "size": size}


def setup(env: dict) -> dict:
    manage(env, "load_demo")
    return json.loads(manage(env, "shell", "-c", SETUP_SCRIPT).strip().splitlines()[-1])


def services_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
    except OSError:
        return False
    return True


def table(rows: list[dict]) -> str:
    lines = [
        "| page | cache | clients | req/s | × minimal view | target | p50 | p95 | server CPU per request | queries |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio = r["rps"] / r["baseline_rps"]
        untargeted = r["page"].startswith(("practice", "reports", "stack"))
        target = "" if untargeted else TARGETS.get(r["page"], CLERK_TARGET)
        mark = "" if target == "" else f"≥ {target}" + (" ✓" if ratio >= target else " ✗")
        p95 = f"{r['p95_ms']:.0f} ms" + (" ✓" if r["p95_ms"] <= P95_TARGET_MS and not untargeted else "")
        lines.append(
            f"| {r['page']} | {r['cache']} | {r['concurrency']} | {r['rps']:.0f} | {ratio:.2f} | {mark} | "
            f"{r['p50_ms']:.0f} ms | {p95} | {r['cpu_ms']:.2f} ms (minimal view {r['baseline_cpu_ms']:.2f}) | "
            f"{r['queries']} |"
        )
    return "\n".join(lines)


def main() -> None:
    os.sched_setaffinity(0, {CLIENT_CORE})  # the load client; the servers are pinned to core 0
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    started = time.monotonic()
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    results = {}
    with project_env() as env:
        results["SQLite"] = measure(env, setup(env))
    if services_up() and not QUICK:
        from bench.live_drill import postgres_database

        with postgres_database() as url, project_env(DATABASE_URL=url) as env:
            results["PostgreSQL"] = measure(env, setup(env))
    records = [
        {
            "database": db,
            **{k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()},
        }
        for db, result in results.items()
        for r in result["rows"]
    ]
    JSON_OUT.parent.mkdir(parents=True, exist_ok=True)
    JSON_OUT.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    sections = []
    for db, result in results.items():
        base = statistics.median(r["baseline_rps"] for r in result["rows"] if r["concurrency"] == CONCURRENCY[0])
        sections.append(
            f"### {db}\n\nBaseline (minimal view, {result['size']} bytes) in this run: {base:.0f} req/s at "
            f"{CONCURRENCY[0]} clients (median over the interleaved measurements).\n\n{table(result['rows'])}\n"
        )
    body = f"""
One uvicorn process (`make run`'s flags, settings defaults: DEBUG off, REQUEST_THREADS 4) pinned to core 0
with `taskset`, the asyncio load client (uvloop) pinned to core 1; {", ".join(map(str, CONCURRENCY))} keep-alive
connections, each sending its next request as the last one is answered; {ROUNDS} round(s) per page and
concurrency (medians) of {WINDOW:g} s at 20 connections ({window(100):g} s at 100), each preceded by half as long
of the baseline (bench/minimal.py: one HttpResponse of the pages' median size, CommonMiddleware only) on a
second uvicorn on the same core. "stack only" is an anonymous request through every middleware to the
login redirect: the shared stack without a view. Server CPU per request: the server process's CPU time
(/proc) over the requests it answered, steadier than req/s on a busy machine.
Data: `migrate` + `load_demo`, as `make run` sets it up; the clerk is staff01, the director `manager`.
Queries: one request's SQL statements, counted in-process after one warm-up request.
Load average when the run began: {load_avg}. Took {time.monotonic() - started:.0f} s. Raw figures:
docs/benchmarks/pages.json (`python -m bench pages`; `BENCH_PAGES_QUICK=1` for a quick run).

{chr(10).join(sections)}
"""
    write_section("Pages against a minimal Django view", body)
    print(body)


if __name__ == "__main__":
    main()
