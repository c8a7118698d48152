"""Login brute-force protection: five failures lock a username, thirty slow an address, for ten minutes.

Each test uses its own address and usernames, so counters in the shared cache never leak between tests.
"""

import itertools
import re

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings
from django.urls import reverse

from accounts import throttle
from tests.conftest import PASSWORD, make_user, skip_or_fail

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，请 10 分钟后再试。"
_addresses = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture
def address() -> str:
    return next(_addresses)


def login(client, username: str, password: str, address: str, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(client, staff, address):
    for _ in range(4):
        assert "用户名或密码不正确" in login(client, staff.username, "wrong", address).content.decode()
    fifth = login(client, staff.username, "wrong", address)
    assert fifth.status_code == 429 and LOCKED in fifth.content.decode()
    right = login(client, staff.username, PASSWORD, address)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    # The lock is per username, whichever address the guesses come from next.
    assert login(client, staff.username, PASSWORD, next(_addresses)).status_code == 429


def test_the_lock_does_not_reveal_whether_the_username_exists(client, staff, address):
    for _ in range(5):
        login(client, staff.username, "wrong", address)
    other_address = next(_addresses)
    for _ in range(5):
        login(client, "nobody-by-this-name", "wrong", other_address)
    real = login(client, staff.username, "wrong", address)
    ghost = login(client, "nobody-by-this-name", "wrong", other_address)
    assert real.status_code == ghost.status_code == 429
    assert page_without_tokens(real, staff.username) == page_without_tokens(ghost, "nobody-by-this-name")


def page_without_tokens(response, username: str) -> str:
    """The page as a person reads it: the typed username and the per-response CSRF masks left out."""
    html = response.content.decode().replace(username, "X")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def test_a_locked_username_does_not_lock_a_colleague(client, staff, team, address):
    colleague = make_user(team=team)
    for _ in range(5):
        login(client, staff.username, "wrong", address)
    response = login(client, colleague.username, PASSWORD, address)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_correct_login_clears_the_usernames_failures(client, staff, address):
    for _ in range(4):
        login(client, staff.username, "wrong", address)
    assert login(client, staff.username, PASSWORD, address).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, staff.username, "wrong", address).status_code == 200  # counted afresh


def test_the_username_is_counted_whatever_its_case_or_spaces(client, staff, address):
    for spelling in (staff.username, staff.username.upper(), f" {staff.username} ", staff.username, "X"):
        login(client, spelling if spelling != "X" else staff.username.title(), "wrong", address)
    assert login(client, staff.username, PASSWORD, address).status_code == 429


def full_width(text: str, positions) -> str:
    """The same name with some ASCII letters and digits typed in full width (ｓ, ３), as an IME does."""
    return "".join(chr(ord(c) + 0xFEE0) if i in positions and "!" <= c <= "~" else c for i, c in enumerate(text))


def test_full_width_spellings_count_against_the_same_username(client, staff, address):
    """Hole 1: each full-width spelling used to get a fresh counter; the login form NFKC-normalises them all."""
    spellings = [full_width(staff.username, {0}), full_width(staff.username, {1}), full_width(staff.username, {0, 2})]
    spellings += [staff.username, full_width(staff.username, {len(staff.username) - 1})]
    for spelling in spellings:
        login(client, spelling, "wrong", address)
    assert login(client, staff.username, PASSWORD, next(_addresses)).status_code == 429


def test_a_full_width_spelling_with_the_right_password_does_not_pass_a_lock(client, staff, address):
    """Hole 1: `ｓｔaff30` with the right password logged in while `staff30` was locked."""
    for _ in range(throttle.USERNAME_LIMIT):
        login(client, staff.username, "wrong", address)
    response = login(client, full_width(staff.username, {0, 1}), PASSWORD, next(_addresses))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_throttle_keys_on_the_name_as_the_login_form_resolves_it():
    assert throttle.normalize_username(" ｓｔaff３0 ") == throttle.normalize_username("STAFF30") == "staff30"


def fail_from(client, address: str, times: int) -> None:
    for n in range(times):
        login(client, f"guess-{address}-{n}", "wrong", address)


def wait_out_the_slowdown(address: str) -> None:
    # The cache expires the pause after SLOW_SECONDS; expire it now instead of waiting.
    cache.delete(throttle.slowdown_key(address))


def test_thirty_failures_from_one_address_slow_it_but_lock_no_one(client, staff, address):
    """Hole 2: thirty failures from one address used to lock every account behind it (a whole center's NAT)."""
    fail_from(client, address, throttle.ADDRESS_LIMIT)
    wait_out_the_slowdown(address)
    response = login(client, staff.username, PASSWORD, address)
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_slowed_address_gets_one_password_check_per_pause(client, staff, team, address):
    fail_from(client, address, throttle.ADDRESS_LIMIT)
    wait_out_the_slowdown(address)
    # One wrong guess is checked, then the address waits: the next attempts are refused unchecked ...
    assert login(client, "guess-after-1", "wrong", address).status_code == 200
    refused = login(client, staff.username, PASSWORD, address)
    assert refused.status_code == 429 and "请稍候" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # ... and they do not count against the names they tried.
    wait_out_the_slowdown(address)
    assert login(client, staff.username, PASSWORD, address).status_code == 302
    # Other addresses are not slowed at all.
    colleague = make_user(team=team)
    client.logout()
    assert login(client, colleague.username, PASSWORD, next(_addresses)).status_code == 302


def test_a_slowed_address_still_honours_a_usernames_own_lock(client, staff, address):
    for _ in range(throttle.USERNAME_LIMIT):
        login(client, staff.username, "wrong", next(_addresses))
    fail_from(client, address, throttle.ADDRESS_LIMIT)
    wait_out_the_slowdown(address)
    assert login(client, staff.username, PASSWORD, address).status_code == 429


def test_the_lock_ends_after_ten_minutes(client, staff, address):
    for _ in range(5):
        login(client, staff.username, "wrong", address)
    assert throttle.is_locked(username=staff.username)
    # The cache expires the lock after WINDOW_SECONDS; expire it now instead of waiting.
    cache.delete(throttle.username_lock_key(staff.username))
    assert login(client, staff.username, PASSWORD, address).status_code == 302


def test_the_lock_lasts_as_long_as_the_message_says():
    assert throttle.WINDOW_SECONDS == 600 and throttle.LOCK_MINUTES == 10


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, staff, address):
    proxy = "10.0.0.1"
    for n in range(throttle.ADDRESS_LIMIT + 1):
        login(client, f"p-{address}-{n}", "wrong", proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {address}")
    assert throttle.is_slowed(address=address)
    slowed = login(client, staff.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=address)
    assert slowed.status_code == 429
    # A forged first entry does not escape the pause, and other clients of the proxy are not slowed.
    forged = login(client, staff.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"9.9.9.9, {address}")
    assert forged.status_code == 429
    assert login(client, staff.username, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=next(_addresses)).status_code == 302


@pytest.mark.services
def test_the_counters_live_in_the_shared_cache(staff, address):
    """With REDIS_URL the cache is Redis: a second worker sees the lock the first one set."""
    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        skip_or_fail("services", "Redis is not running on 127.0.0.1:6379")
    worker_a = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": f"throttle-test-{address}"})
    worker_b = RedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": f"throttle-test-{address}"})
    original = throttle.cache
    try:
        throttle.cache = worker_a
        for _ in range(5):
            throttle.record_failure(username=staff.username, address=address)
        throttle.cache = worker_b
        assert throttle.is_locked(username=staff.username)
    finally:
        worker_a.delete_many([throttle.username_lock_key(staff.username), throttle.slowdown_key(address)])
        throttle.cache = original
