"""WebSocket consumers: switchboards that validate, call a service and send what it returns."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer


class PingConsumer(AsyncJsonWebsocketConsumer):
    """A health check for the socket path: answers a ping with the user's name."""

    async def connect(self):
        await self.accept()

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "user": self.scope["user"].username})
        else:
            await self.send_json({"type": "error", "message": "unknown message"})
