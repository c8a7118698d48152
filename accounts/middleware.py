"""ASGI middleware for sockets: refuse anonymous WebSockets before any consumer runs."""


class WebsocketLoginRequired:
    """Close the handshake with 403 unless AuthMiddleware found a logged-in user."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            user = scope.get("user")
            if user is None or not user.is_authenticated:
                await receive()  # the websocket.connect message
                await send({"type": "websocket.close", "code": 4401})
                return None
        return await self.app(scope, receive, send)
