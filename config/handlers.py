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

from asgiref.sync import sync_to_async
from django.core.handlers import asgi


class ASGIHandler(asgi.ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
