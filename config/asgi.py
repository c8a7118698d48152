"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Sockets pass three gates before any consumer runs: the Origin must be an allowed host,
the session must belong to a logged-in user, and the path must match a route.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup(set_prefix=False)  # what django.core.asgi.get_asgi_application() does

from config.handlers import ASGIHandler  # noqa: E402

django_asgi_app = ASGIHandler()  # Django's, with the whole request in one thread hop

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from accounts.middleware import WebsocketLoginRequired  # noqa: E402
from competitions.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(WebsocketLoginRequired(URLRouter(websocket_urlpatterns)))
        ),
    }
)
