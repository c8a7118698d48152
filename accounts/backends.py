"""The login backend: Django's ModelBackend, with the logged-in user read from the cache.

Every request (and every socket handshake) turns the session's user id into a User; that was a
database query a request (bench/pages.py). get_user now keeps the user in the cache for
AUTH_USER_CACHE_SECONDS, and any save or delete of a User drops the entry, so a changed role,
a deactivated account or a new password (the session hash) counts at the next request.

The cache must be one every server process shares (Redis, REDIS_URL), or there must be only one
process: a local-memory cache in one of several workers would not hear of another worker's save.
config/settings.py sets AUTH_USER_CACHE_SECONDS to 0 (no caching) in that case.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def user_cache_key(user_id) -> str:
    return f"auth:user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = getattr(settings, "AUTH_USER_CACHE_SECONDS", 0)
        if not seconds:
            return super().get_user(user_id)
        key = user_cache_key(user_id)
        user = cache.get(key)
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, seconds)
        return user


def forget_user(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a User: the next request reads it from the database again."""
    cache.delete(user_cache_key(instance.pk))
