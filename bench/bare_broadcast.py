"""The baseline: a bare `websockets` server that pushes one payload to every connected socket.

Run as a process of its own (pinned like the product's server): clients connect to /, a control
socket connects to /control and sends the payload size; the server broadcasts one frame of that
size to every client with websockets.broadcast (the frame is encoded once). Nothing else.
"""

import asyncio
import json
import sys

from websockets.asyncio.server import broadcast, serve

CLIENTS: set = set()


async def handler(connection):
    if connection.request.path == "/control":
        async for message in connection:
            size = int(message)
            payload = json.dumps({"type": "state", "html": {"x": "题" * max(1, (size - 40) // 3)}}, ensure_ascii=False)
            broadcast(CLIENTS, payload)
            await connection.send("sent")
        return
    CLIENTS.add(connection)
    try:
        await connection.wait_closed()
    finally:
        CLIENTS.discard(connection)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_size=2**20, compression=None):
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
