"""Join-code guessing is throttled per person and per address (the cache counts failures)."""

from django.core.cache import cache

WINDOW_SECONDS = 600
PER_PERSON = 10  # wrong codes a person may try in the window ...
PER_ADDRESS = 30  # ... and everybody behind one address together


def _keys(user_id: int, address: str) -> list[tuple[str, int]]:
    return [(f"join-fail:user:{user_id}", PER_PERSON), (f"join-fail:addr:{address}", PER_ADDRESS)]


def blocked(*, user_id: int, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(user_id, address))


def failed(*, user_id: int, address: str) -> None:
    for key, _limit in _keys(user_id, address):
        if not cache.add(key, 1, WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, WINDOW_SECONDS)
