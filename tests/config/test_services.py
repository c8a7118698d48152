"""The scale-out path against the real local PostgreSQL and Redis (required in CI)."""

import os
import socket
import uuid

import pytest
from django.db import connection

from tests.conftest import skip_or_fail

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not reachable(6379):
        skip_or_fail("services", "Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


@pytest.mark.services
async def test_redis_channel_layer_carries_a_group_message_between_two_processes_layers(redis_url):
    from channels_redis.core import RedisChannelLayer

    sender, receiver = RedisChannelLayer(hosts=[redis_url]), RedisChannelLayer(hosts=[redis_url])
    group = f"test-{uuid.uuid4().hex}"
    channel = await receiver.new_channel()
    await receiver.group_add(group, channel)
    try:
        await sender.group_send(group, {"type": "game.update", "html": "<p>第1题</p>"})
        message = await receiver.receive(channel)
        assert message == {"type": "game.update", "html": "<p>第1题</p>"}
    finally:
        await receiver.group_discard(group, channel)
        await sender.flush()
        await receiver.flush()


@pytest.mark.services
def test_redis_cache_backend_round_trip(redis_url):
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(redis_url, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    cache.set("answered", 17, 10)
    assert cache.incr("answered") == 18


@pytest.mark.services
@pytest.mark.django_db
def test_database_matches_database_url():
    """The PostgreSQL pass of `make test` really runs on PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_postgres_urls_get_djangos_connection_pool():
    """Without a pool every socket step under ASGI would start a PostgreSQL backend (docs/benchmarks.md)."""
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}).get('pool'))"
    env = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:5432/x", "DJANGO_SETTINGS_MODULE": "config.settings"}
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, **extra},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert "'max_size': 20" in run({})
    assert run({"DB_POOL": "0"}) == "None"
    assert run({"DB_CONN_MAX_AGE": "60"}) == "None"
