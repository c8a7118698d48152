"""Django's ASGI handler, with the middleware chain and the view run in one thread hop.

Django's ASGIHandler builds the middleware chain in async mode and adapts it piece by piece: every
middleware that can do both stayed async until the first sync-only one (WhiteNoise), then the
chain went sync, then back to async for the view dispatch, then into a thread for our (sync)
views. Each MiddlewareMixin in async mode runs process_request and process_response through
sync_to_async: about fifteen round trips between the event loop and the request's thread per
request (20% of the server's time on the home page, py-spy; bench/pages.py).

Every view and middleware of this project is sync, so this handler builds the chain as the WSGI
handler does (sync, as in the test client) and runs all of it with one sync_to_async, in the
request's thread-sensitive context: the same thread as request_started and request_finished,
so the database connection opened by the view is the one Django closes (returns to the pool)
at the end of the request. An async view, should one come, still works: Django's sync path
wraps it in async_to_sync.
"""

import asyncio

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers import asgi


class ASGIHandler(asgi.ASGIHandler):
    """At most settings.REQUEST_THREADS requests run their middleware and view at once; the others
    wait in the event loop, not in threads. Every thread beyond a few on one process only fights
    over the GIL: at 100 connections, 4 at a time served the home and 业务学习 pages 1.4-1.7x as
    fast as one thread per request (bench/pages.py). Streaming bodies are sent outside the limit."""

    def __init__(self):
        super().__init__()
        limit = settings.REQUEST_THREADS
        self.slots = asyncio.Semaphore(limit) if limit else None

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        if self.slots is None:
            return await sync_to_async(self.get_response, thread_sensitive=True)(request)
        async with self.slots:
            return await sync_to_async(self.get_response, thread_sensitive=True)(request)
