"""Middleware: refuse anonymous WebSockets before any consumer runs; log out an idle session.

Counters share PCs: a clerk who walks away stays logged in for the next person unless the session
ends on its own. SessionIdleTimeout ends it after SESSION_IDLE_SECONDS without a page request (30
minutes by default); the cookie also ends with the browser and after SESSION_COOKIE_AGE (a working
day) at the latest. It notes the last request at most once a minute, so a busy page does not write
its session on every request.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

LAST_SEEN_KEY = "_last_seen"
TOUCH_EVERY_SECONDS = 60


class SessionIdleTimeout:
    """HTTP middleware between SessionMiddleware and AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            last = session.get(LAST_SEEN_KEY)
            if last is not None and now - last > settings.SESSION_IDLE_SECONDS:
                session.flush()  # logged out: LoginRequiredMiddleware sends them to the login page
            elif last is None or now - last >= TOUCH_EVERY_SECONDS:
                session[LAST_SEEN_KEY] = now
        return self.get_response(request)


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
