"""/healthz: can this worker serve? The database, the channel layer and the cache, each within a few seconds.

For the load balancer in front of the workers (deploy/nginx/lianbing.conf, docs/deployment.md): 200 `ok`
or 503 `unavailable`, nothing more, and no login. What failed goes to the log, never to the public.
"""

import asyncio
import logging
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("lianbing.health")
CHECK_SECONDS = 3.0


def _database() -> None:
    for connection in connections.all(initialized_only=False):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def _cache() -> None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was just stored")
    cache.delete(key)


async def _channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await layer.receive(channel)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned another message")


CHECKS = {
    "database": lambda: sync_to_async(_database)(),
    "cache": lambda: sync_to_async(_cache)(),
    "channel layer": lambda: _channel_layer(),
}


async def failures() -> list[str]:
    """The names of the parts that failed (or took longer than CHECK_SECONDS)."""
    failed = []
    for name, check in CHECKS.items():
        try:
            await asyncio.wait_for(check(), CHECK_SECONDS)
        except Exception as error:  # any failure of a part makes the worker unhealthy
            logger.warning("healthz: %s failed: %r", name, error)
            failed.append(name)
    return failed


@login_not_required
@require_safe
@never_cache
async def healthz(request):
    failed = await failures()
    if failed:
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
