"""Login brute-force protection: failed logins counted per username and per address in Django's cache.

Five failures for one username within ten minutes lock that username for ten minutes; thirty from one
address lock the address (a center's counters often share one address behind NAT, so the address limit
is wider). The counters live in the cache, which is Redis in scale-out, so every worker sees them.

Any username is counted, existing or not, and a locked login is refused before the password is even
checked: the lock says nothing about whether the account exists or the password was right.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

USERNAME_LIMIT = 5
ADDRESS_LIMIT = 30
WINDOW_SECONDS = 10 * 60  # failures count for this long; a lock lasts this long
LOCK_MINUTES = WINDOW_SECONDS // 60


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _subjects(*, username: str, address: str) -> list[tuple[str, int]]:
    subjects = [(_key("ip", address), ADDRESS_LIMIT)]
    if username:
        subjects.append((_key("user", username.strip().casefold()), USERNAME_LIMIT))
    return subjects


def client_address(request) -> str:
    """The client's address; behind our own reverse proxy, the one it appended to X-Forwarded-For."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def is_locked(*, username: str, address: str) -> bool:
    return any(cache.get(f"{key}:lock") for key, _limit in _subjects(username=username, address=address))


def record_failure(*, username: str, address: str) -> bool:
    """Count one failed login; True when it locks the username or the address."""
    locked = False
    for key, limit in _subjects(username=username, address=address):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
            count = 1
        if count >= limit:
            cache.set(f"{key}:lock", True, WINDOW_SECONDS)
            cache.delete(key)
            locked = True
    return locked


def record_success(*, username: str) -> None:
    """A correct password clears the username's failures (not the address's: others share it)."""
    if username:
        cache.delete(_key("user", username.strip().casefold()))
