"""Debian's nginx with deploy/nginx/ in front of two uvicorn workers (PostgreSQL, Redis): /healthz and a
short live drill, login and sockets included, all through the proxy. Required in CI (.ci/run installs
nginx); skipped locally only when nginx or the services are missing."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.competitions.test_scale import (
    SEED,
    free_port,
    log_in,
    open_screen,
    reachable,
    scale_env,  # noqa: F401 (a fixture)
    start_server,
)
from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_conf(tmp_path: Path, listen: int, workers: list[int]) -> Path:
    upstream = (ROOT / "deploy/nginx/lianbing-upstream.conf").read_text()
    for default, port in zip(("127.0.0.1:8001", "127.0.0.1:8002"), workers, strict=True):
        assert default in upstream
        upstream = upstream.replace(default, f"127.0.0.1:{port}")
    (tmp_path / "upstream.conf").write_text(upstream)
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / name).mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
daemon off;
worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
user root;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/client_body;
    proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi;
    uwsgi_temp_path {tmp_path}/uwsgi;
    scgi_temp_path {tmp_path}/scgi;
    include {tmp_path}/upstream.conf;
    server {{
        listen 127.0.0.1:{listen};
        include {ROOT}/deploy/nginx/lianbing-proxy.conf;
    }}
}}
"""
    )
    return conf


def start_nginx(conf: Path, port: int) -> subprocess.Popen:
    process = subprocess.Popen([NGINX, "-c", str(conf)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 15
    while not reachable(port):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"nginx did not start: {process.stderr.read()}")
        time.sleep(0.1)
    return process


@pytest.mark.services
async def test_a_live_drill_through_nginx_in_front_of_two_workers(scale_env, tmp_path):  # noqa: F811
    if os.environ.get("DATABASE_URL"):
        pytest.skip("brings its own PostgreSQL database: runs once, in the first pass of make test")
    if not Path(NGINX).exists():
        skip_or_fail("services", "nginx is not installed (apt-get install nginx)")
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
    workers = [free_port(), free_port()]
    servers = [start_server(scale_env, port) for port in workers]
    proxy_port = free_port()
    proxy = None
    screens = []
    try:
        proxy = start_nginx(nginx_conf(tmp_path, proxy_port, workers), proxy_port)
        with urllib.request.urlopen(f"http://127.0.0.1:{proxy_port}/healthz", timeout=10) as response:
            assert response.status == 200 and response.read() == b"ok\n"

        host = await open_screen(proxy_port, log_in(proxy_port, "scale-host"), f"/ws/competitions/{code}/host/")
        await host.wait_for("开始比赛")
        players = []
        for username in game["players"]:
            player = await open_screen(proxy_port, log_in(proxy_port, username), f"/ws/competitions/{code}/play/")
            await player.wait_for("等待主持人开始")
            players.append(player)
        screens = [host, *players]
        await host.send({"type": "start"})
        await host.send({"type": "open"})
        for player in players:
            await player.wait_for("跨进程第1题")
        gq = int(players[0].seen[-1].split('"gq": ')[1].split(",")[0])
        for player in players:
            await player.send({"type": "answer", "gq": gq, "labels": ["A"]})
            await player.wait_for("已提交")
        for screen in screens:  # the last answer closes the question
            await screen.wait_for("作答截止" if screen is not host else "揭晓答案")
        await host.send({"type": "reveal"})
        for player, number in zip(players, game["numbers"], strict=True):  # its row of the shared frame
            revealed = await player.wait_until(lambda message, _html: "seats" in message)
            assert revealed["seats"][3 * number + 2] == 2
        await host.send({"type": "end"})
        for player in players:
            await player.wait_for('data-testid="podium"')

        # One worker dies: nginx sends the next requests to the other; /healthz still answers.
        servers[0].kill()
        servers[0].wait(timeout=10)
        for _ in range(4):
            with urllib.request.urlopen(f"http://127.0.0.1:{proxy_port}/healthz", timeout=10) as response:
                assert response.status == 200
    finally:
        for screen in screens:
            await screen.connection.close()
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=10)
        for server in servers:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=10)
