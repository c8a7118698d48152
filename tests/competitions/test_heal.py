"""A worker whose pub/sub subscriber Redis dropped gets back what it missed (in CI; real PostgreSQL and a
redis-server of the test's own).

Redis drops a subscriber that reads too slowly (`client-output-buffer-limit pubsub`) and with it
everything queued for it; redis-py reconnects and resubscribes, but a frame published while it was
away is gone for good (channels_redis' pub/sub layer does not notice, django/channels_redis#256).
Here the loss is made certain: worker A is stopped, its subscriber killed (`CLIENT KILL TYPE pubsub`),
and the host's move is published by worker B while A has no subscriber; then A runs again. A's hub
must notice (the game's version is newer than any frame it delivered) and give its sockets the
current state. Before the heal existed, A's phones waited for the question until its deadline.
"""

import asyncio
import json
import os
import signal
import subprocess
import time

import pytest

from tests.competitions.test_faults import SEED, fault_env, manage_shell  # noqa: F401 - fault_env is a fixture
from tests.competitions.test_scale import free_port, start_server


class Socket:
    def __init__(self, connection):
        self.connection, self.texts = connection, []

    async def wait_for(self, text: str, timeout: float) -> bool:
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = json.loads(await self.connection.recv())
                    html = " ".join(message.get("html", {}).values())
                    self.texts.append(html)
                    if text in html:
                        return True
        except TimeoutError:
            return False


async def open_socket(port: int, cookie: str, path: str) -> Socket:
    from websockets.asyncio.client import connect

    connection = await connect(
        f"ws://127.0.0.1:{port}{path}",
        origin=f"http://127.0.0.1:{port}",
        additional_headers={"Cookie": cookie},
        proxy=None,
    )
    return Socket(connection)


def subscribers(port: int) -> int:
    listing = subprocess.run(["redis-cli", "-p", str(port), "client", "list"], capture_output=True, text=True).stdout
    return sum(1 for line in listing.splitlines() if " sub=0 " not in line and " sub=" in line)


@pytest.mark.services
async def test_a_worker_whose_subscriber_redis_dropped_gives_its_phones_the_move_it_missed(fault_env):  # noqa: F811
    env, redis = fault_env
    env = {**env, "LIVE_HEAL_SECONDS": "1"}
    game = manage_shell(env, SEED % {"questions": 1, "phones": 2})
    code = game["code"]
    port_a, port_b = free_port(), free_port()
    worker_a, worker_b = start_server(env, port_a), start_server(env, port_b)
    sockets = []
    try:
        host = await open_socket(port_b, game["host"], f"/ws/competitions/{code}/host/")
        assert await host.wait_for("开始比赛", 15)
        phones = [await open_socket(port_a, cookie, f"/ws/competitions/{code}/play/") for cookie in game["phones"]]
        sockets = [host, *phones]
        for phone in phones:
            assert await phone.wait_for("等待主持人开始", 15)
        await host.connection.send(json.dumps({"type": "start"}))
        for phone in phones:
            assert await phone.wait_for("即将开始", 15)

        os.kill(worker_a.pid, signal.SIGSTOP)
        try:
            subprocess.run(["redis-cli", "-p", str(redis.port), "client", "kill", "type", "pubsub"], check=True)
            deadline = time.monotonic() + 10
            while subscribers(redis.port) < 1:  # B is back; A, stopped, cannot resubscribe yet
                assert time.monotonic() < deadline, "worker B did not resubscribe"
                await asyncio.sleep(0.05)
            await host.connection.send(json.dumps({"type": "open"}))  # published by B, A not subscribed
            assert await host.wait_for("截止", 15)
        finally:
            os.kill(worker_a.pid, signal.SIGCONT)

        for phone in phones:  # the question has 300 s: only the heal can bring it in time
            assert await phone.wait_for("故障第1题", 20), phone.texts[-1:]
    finally:
        for socket in sockets:
            await socket.connection.close()
        for worker in (worker_a, worker_b):
            worker.terminate()
        for worker in (worker_a, worker_b):
            worker.wait(timeout=10)
