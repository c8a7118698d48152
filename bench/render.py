"""The render itself: server CPU per request of each page, in-process, without HTTP or a load client.

bench/pages.py measures pages from outside (uvicorn, keep-alive clients, req/s against a minimal view);
on a shared two-core machine its figures move with the neighbours. This probe takes the client and the
event loop away: Django's WSGI handler (the same sync middleware chain and view as config/handlers.py
runs in its one thread hop) is called directly with a logged-in clerk's session cookie, and each request's
CPU time (time.thread_time) is recorded. Pages are interleaved request by request, so a busy moment hits
all of them; the figure is the median over the requests.

    python -m bench render                     # every page, a throwaway database with the demo data
    BENCH_RENDER_PROFILE=leaderboard python -m bench render   # cProfile of one page's requests instead
    BENCH_APP_ROOT=/path/to/other/checkout python -m bench render   # the same probe against other code
    BENCH_RENDER_VAR_DIR=/tmp/x python -m bench render   # reuse a var dir where load_demo has run

Writes nothing to docs/benchmarks.md: the section "Pages: the render itself (issue 14)" is written by
hand from its before/after runs. Prints JSON (and the table) to stdout.
"""

import json
import os
import time
from pathlib import Path

from bench.common import bench_env, manage, project_env

REQUESTS = int(os.environ.get("BENCH_RENDER_REQUESTS", "150"))

PROBE = r"""
import cProfile, io, json, os, pstats, statistics, sys, time
from django.conf import settings
from bench.sessions import session_for
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from accounts.models import User
from quizzes.services.practice import start_practice
from training.models import BusinessArea, Lesson

REQUESTS = int(os.environ["BENCH_RENDER_REQUESTS"])
PROFILE = os.environ.get("BENCH_RENDER_PROFILE", "")
ONLY = os.environ.get("BENCH_RENDER_ONLY", "") or PROFILE  # e.g. for py-spy: one page, no cProfile




clerk, director = User.objects.get(username="staff01"), User.objects.get(username="manager")
lesson = Lesson.objects.filter(is_published=True).order_by("pk").first()
area = BusinessArea.objects.filter(questions__is_active=True).order_by("pk").first()
attempt = start_practice(person=clerk, at=timezone.now(), area=area)
sessions = {"clerk": session_for(clerk), "director": session_for(director), "anonymous": None}
pages = {
    "stack only (no view)": ("/", "anonymous", {}, 302),
    "home": ("/", "clerk", {}, 200),
    "lesson": (f"/training/lessons/{lesson.pk}/", "clerk", {}, 200),
    "training": ("/training/", "clerk", {}, 200),
    "quizzes": ("/quizzes/", "clerk", {}, 200),
    "practice fragment (htmx)": (f"/quizzes/attempts/{attempt.pk}/next/", "clerk", {"HTTP_HX_REQUEST": "true"}, 200),
    "simulations": ("/simulations/", "clerk", {}, 200),
    "leaderboard": ("/leaderboard/", "clerk", {}, 200),
    "reports (director)": ("/reports/", "director", {}, 200),
}
if ONLY:
    pages = {name: page for name, page in pages.items() if name.startswith(ONLY)}
STACK = os.environ.get("BENCH_RENDER_STACK") == "1"
if STACK:
    # Each middleware's own CPU: a marker before each records the thread time on the way in and out,
    # and a middleware's share is its entry-to-next-entry plus next-exit-to-its-exit.
    import types

    marks = types.ModuleType("bench_render_marks")
    sys.modules["bench_render_marks"] = marks
    stamps = []
    middleware = list(settings.MIDDLEWARE)

    def mark(i):
        class Mark:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                stamps.append(("in", i, time.thread_time()))
                response = self.get_response(request)
                stamps.append(("out", i, time.thread_time()))
                return response

        return Mark

    chain = []
    for i, path in enumerate(middleware):
        setattr(marks, f"Mark{i}", mark(i))
        chain += [f"bench_render_marks.Mark{i}", path]
    setattr(marks, f"Mark{len(middleware)}", mark(len(middleware)))
    chain.append(f"bench_render_marks.Mark{len(middleware)}")  # the view (and URL resolving) after it
    settings.MIDDLEWARE = chain
    share = {name: [] for name in [*middleware, "view (with URL resolving)", "handler outside the middleware"]}
handler = WSGIHandler()
factory = RequestFactory(HTTP_HOST="127.0.0.1")
CSRF = "b" * 32  # a browser sends back the CSRF cookie it was given


def environ(path, role, headers):
    env = factory.get(path, **headers).environ
    if sessions[role]:
        env["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}={sessions[role]}; {settings.CSRF_COOKIE_NAME}={CSRF}"
    return env


def serve(name):
    path, role, headers, status = pages[name]
    env = environ(path, role, headers)
    if STACK:
        stamps.clear()
    started = time.thread_time()
    response = handler(env, lambda s, h: None)
    body = b"".join(response)
    response.close()  # request_finished: the connection goes back as after a real request
    spent = time.thread_time() - started
    if STACK and len(stamps) == 2 * (len(middleware) + 1):
        t_in = {i: t for kind, i, t in stamps if kind == "in"}
        t_out = {i: t for kind, i, t in stamps if kind == "out"}
        n = len(middleware)
        for i, path in enumerate(middleware):
            share[path].append((t_in[i + 1] - t_in[i]) + (t_out[i] - t_out[i + 1]))
        share["view (with URL resolving)"].append(t_out[n] - t_in[n])
        share["handler outside the middleware"].append(spent - (t_out[0] - t_in[0]))
    assert response.status_code == status, (name, response.status_code, body[:300])
    return spent, len(body)


out = {}
for name in pages:
    for _ in range(3):
        serve(name)
    with CaptureQueriesContext(connection) as queries:
        _, size = serve(name)
    out[name] = {"queries": len(queries), "bytes": size, "ms": []}
if PROFILE:
    profiler = cProfile.Profile()
    profiler.enable()
for _ in range(REQUESTS):
    for name in pages:
        out[name]["ms"].append(serve(name)[0] * 1000)
if PROFILE:
    profiler.disable()
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).sort_stats(order)
        # BENCH_RENDER_PROFILE_FILTER: a regex of the functions to list (e.g. "h4/(?!.venv)" for our own code)
        stats.print_stats(os.environ.get("BENCH_RENDER_PROFILE_FILTER", ""), 60)
        print(text.getvalue(), file=sys.stderr)
if STACK:
    out["stack pieces"] = {
        name: round(statistics.median(values) * 1000, 4) for name, values in share.items() if values
    }
for name, row in out.items():
    if name == "stack pieces":
        continue
    times = row.pop("ms")
    row["median_ms"] = round(statistics.median(times), 3)
    row["p90_ms"] = round(sorted(times)[int(0.9 * (len(times) - 1))], 3)
print(json.dumps(out))
"""


def main() -> None:
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    started = time.monotonic()
    extra = {
        "BENCH_RENDER_REQUESTS": str(REQUESTS),
        "BENCH_RENDER_PROFILE": os.environ.get("BENCH_RENDER_PROFILE", ""),
        "BENCH_RENDER_PROFILE_FILTER": os.environ.get("BENCH_RENDER_PROFILE_FILTER", ""),
        "BENCH_RENDER_ONLY": os.environ.get("BENCH_RENDER_ONLY", ""),
        "BENCH_RENDER_STACK": os.environ.get("BENCH_RENDER_STACK", ""),
    }
    if os.environ.get("BENCH_RENDER_VAR_DIR"):  # a var dir with the demo data already loaded (repeated runs)
        result = run_probe(bench_env(os.environ["BENCH_RENDER_VAR_DIR"], **extra))
    else:
        with project_env() as env:
            manage(env, "load_demo")
            result = run_probe(env | extra)
    print(f"load average at start {load_avg}; {REQUESTS} requests per page; {time.monotonic() - started:.0f} s")
    print("| page | CPU per request (median) | p90 | queries | bytes |")
    print("| --- | --- | --- | --- | --- |")
    pieces = result.pop("stack pieces", None)
    for name, row in result.items():
        print(f"| {name} | {row['median_ms']:.2f} ms | {row['p90_ms']:.2f} ms | {row['queries']} | {row['bytes']} |")
    if pieces:
        print("\n| piece of the stack | CPU per request (median over every page's requests) |\n| --- | --- |")
        for name, ms in pieces.items():
            print(f"| {name} | {ms:.3f} ms |")
        result["stack pieces"] = pieces
    print(json.dumps(result))


def run_probe(env: dict) -> dict:
    import subprocess
    import sys

    from bench.common import APP_ROOT

    # taskset keeps the probe on one core (as the server in bench/pages.py); stderr carries a profile.
    cmd = ["taskset", "-c", "1", sys.executable, "manage.py", "shell", "-c", PROBE]
    if os.environ.get("BENCH_RENDER_PYSPY"):  # a py-spy flame graph (collapsed stacks) of the probe
        cmd = [
            str(Path(sys.executable).with_name("py-spy")),
            "record",
            "-r",
            "500",
            "-f",
            "raw",
            "-o",
            os.environ["BENCH_RENDER_PYSPY"],
            "--",
            *cmd,
        ]
    done = subprocess.run(cmd, cwd=APP_ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stdout + done.stderr)
    if done.stderr.strip():
        print(done.stderr)
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


if __name__ == "__main__":
    main()
