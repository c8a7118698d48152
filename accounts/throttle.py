"""Login brute-force protection: failed logins counted per username and per address in Django's cache.

- A **username** is locked for ten minutes after five failures within ten minutes, from any address. The
  name is counted as the login form resolves it (NFKC-normalised, stripped; and case-folded on top), so
  `ｓｔaff30`, `staff３0` and `STAFF30` are one counter, not five fresh ones.
- An **address** is never locked: a center's counters share one address behind NAT, and one person's
  typing must not lock the hall. After thirty failures within ten minutes the address is *slowed*: from
  then on each failed password check from it is followed by a short pause (SLOW_SECONDS) in which
  attempts from that address are refused before the password is looked at. A colleague with the right
  password gets in at the next free moment; a script spraying one password over many names gets one
  guess per pause. docs/security.md explains the choice.

The counters live in the cache, which is Redis in scale-out, so every worker sees them. Any username is
counted, existing or not, and a locked login is refused before the password is even checked: the lock
says nothing about whether the account exists or the password was right.
"""

import hashlib
import unicodedata

from django.conf import settings
from django.core.cache import cache

USERNAME_LIMIT = 5
ADDRESS_LIMIT = 30
WINDOW_SECONDS = 10 * 60  # failures count for this long; a lock (or an address's slowdown) lasts this long
LOCK_MINUTES = WINDOW_SECONDS // 60
SLOW_SECONDS = 3  # a slowed address waits this long after each failed check


def normalize_username(raw: str) -> str:
    """The username as AuthenticationForm's UsernameField resolves it (NFKC, stripped), case-folded."""
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _user_key(username: str) -> str:
    return _key("user", normalize_username(username))


def username_lock_key(username: str) -> str:
    return f"{_user_key(username)}:lock"


def slowdown_key(address: str) -> str:
    """While this key lives, attempts from the address are refused unchecked."""
    return f"{_key('ip', address)}:pause"


def client_address(request) -> str:
    """The client's address; behind our own reverse proxy, the one it appended to X-Forwarded-For."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def is_locked(*, username: str) -> bool:
    return bool(normalize_username(username)) and bool(cache.get(username_lock_key(username)))


def is_slowed(*, address: str) -> bool:
    return bool(cache.get(f"{_key('ip', address)}:slow"))


def is_paused(*, address: str) -> bool:
    return bool(cache.get(slowdown_key(address)))


def _count(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def record_failure(*, username: str, address: str) -> bool:
    """Count one failed login; True when it locks the username."""
    locked = False
    if normalize_username(username):
        key = _user_key(username)
        if _count(key) >= USERNAME_LIMIT:
            cache.set(username_lock_key(username), True, WINDOW_SECONDS)
            cache.delete(key)
            locked = True
    address_key = _key("ip", address)
    if is_slowed(address=address) or _count(address_key) >= ADDRESS_LIMIT:
        if not is_slowed(address=address):
            cache.set(f"{address_key}:slow", True, WINDOW_SECONDS)
            cache.delete(address_key)
        cache.set(slowdown_key(address), True, SLOW_SECONDS)
    return locked


def record_success(*, username: str) -> None:
    """A correct password clears the username's failures (not the address's: others share it)."""
    if normalize_username(username):
        cache.delete(_user_key(username))
