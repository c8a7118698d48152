"""uvicorn or daphne? The same ASGI app under each, on the same throwaway database:
HTTP throughput of a rendered page and WebSocket round trips of many clients at once.

The baseline is uvicorn; daphne's figures are ratios against it, measured in the same run.
"""

import asyncio
import statistics
import sys
import time

from bench.common import free_port, http_get_many, manage, project_env, server, write_section

HTTP_CLIENTS, HTTP_REQUESTS = 20, 40
WS_CLIENTS, WS_PINGS = 100, 20
ROUNDS = 3

SESSION_SCRIPT = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
user, _ = get_user_model().objects.get_or_create(username="bench")
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.save()
print(s.session_key)
"""


async def ws_round_trips(port: int, session_key: str) -> float:
    import websockets

    headers = {"Cookie": f"sessionid={session_key}", "Origin": "http://127.0.0.1"}

    async def one_client():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/ping/", additional_headers=headers) as ws:
            for _ in range(WS_PINGS):
                await ws.send('{"type": "ping"}')
                await ws.recv()

    start = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(WS_CLIENTS)))
    return WS_CLIENTS * WS_PINGS / (time.perf_counter() - start)


def measure(cmd_for_port, env, session_key) -> dict:
    port = free_port()
    with server(cmd_for_port(port), env, port):
        asyncio.run(http_get_many(port, "/accounts/login/", clients=2, requests_each=5))  # warm up
        http = asyncio.run(http_get_many(port, "/accounts/login/", clients=HTTP_CLIENTS, requests_each=HTTP_REQUESTS))
        ws = asyncio.run(ws_round_trips(port, session_key))
    return {"http": http, "ws": ws}


def main() -> None:
    servers = {
        "uvicorn": lambda port: [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        "daphne": lambda port: [sys.executable, "-m", "daphne", "-p", str(port), "config.asgi:application"],
    }
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    with project_env() as env:
        session_key = manage(env, "shell", "-c", SESSION_SCRIPT).strip().splitlines()[-1]
        for _ in range(ROUNDS):  # interleaved, so a busy moment of the machine hits both
            for name, cmd in servers.items():
                runs[name].append(measure(cmd, env, session_key))
    results = {
        name: {key: statistics.median(r[key] for r in rs) for key in ("http", "ws")} for name, rs in runs.items()
    }
    base = results["uvicorn"]
    rows = "\n".join(
        f"| {name} | {r['http'] / base['http']:.2f} | {r['ws'] / base['ws']:.2f} |" for name, r in results.items()
    )
    body = f"""
Medians of {ROUNDS} interleaved rounds. One process each, SQLite, in-memory channel layer.
HTTP: {HTTP_CLIENTS} keep-alive clients × {HTTP_REQUESTS}
GETs of the login page (full template render, session, CSRF). WebSocket: {WS_CLIENTS} clients connected at
once, each {WS_PINGS} ping/pong round trips through the auth middleware and a consumer.

| server | HTTP throughput (× uvicorn) | WebSocket round trips (× uvicorn) |
| --- | --- | --- |
{rows}

Baseline (uvicorn) in this run: {base["http"]:.0f} HTTP requests/s, {base["ws"]:.0f} WebSocket round trips/s
(absolute figures vary with the machine's load; the ratios are the point).
Choice: uvicorn (with uvloop/httptools/websockets from `uvicorn[standard]`) serves production and
`make run`; it also runs several workers per host with `--workers`. daphne stays for `manage.py runserver`.
"""
    write_section("ASGI server: uvicorn against daphne", body)
    print(body)


if __name__ == "__main__":
    main()
