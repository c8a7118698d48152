"""Shared fixtures and small factories. App-specific factories live in tests/<app>/conftest.py."""

import itertools
import os

import pytest
from django.conf import settings as django_settings

from accounts.models import Center, Role, Team, User
from training.models import BusinessArea

PASSWORD = "test-pass-1234"
_seq = itertools.count(1)


def required(kind: str) -> bool:
    """In CI a missing browser or service fails the run instead of skipping."""
    flags = {"browser": "LIANBING_REQUIRE_BROWSER", "services": "LIANBING_REQUIRE_SERVICES"}
    return os.environ.get(flags[kind]) == "1" or os.environ.get("CI") == "true"


def skip_or_fail(kind: str, reason: str):
    if required(kind):
        pytest.fail(f"{reason} (required here: CI or LIANBING_REQUIRE_{kind.upper()}=1)")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """Each test starts with an empty local-memory cache: SQLite hands a rolled-back test's ids out
    again, and a user cached under one (accounts/backends.py) must not outlive its test. A shared
    Redis cache is left alone (other processes use it)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for alias in ("default", "pages"):
        if isinstance(caches[alias], LocMemCache):
            caches[alias].clear()


@pytest.fixture(autouse=True, scope="session")
def _page_cache_bumps_at_the_write():
    """The page cache stays on for the whole suite (every page test also tests it), but a test's own
    transaction never commits, so the version bumps that wait for the commit would never run: here
    they also happen at the write (lianbing/page_cache.py). tests/config/test_page_cache.py checks
    the commit rule itself with them off."""
    django_settings.PAGE_CACHE_EAGER_BUMPS = True


def make_center(name: str | None = None) -> Center:
    return Center.objects.create(name=name or f"测试中心{next(_seq)}")


def make_team(center: Center | None = None, name: str | None = None, supervisors=()) -> Team:
    team = Team.objects.create(center=center or make_center(), name=name or f"班组{next(_seq)}")
    team.supervisors.add(*supervisors)
    return team


def make_user(
    role: str = Role.STAFF,
    *,
    center: Center | None = None,
    team: Team | None = None,
    username: str | None = None,
    full_name: str = "",
) -> User:
    if team is not None and center is None:
        center = team.center
    n = next(_seq)
    user = User(
        username=username or f"{role}{n}",
        full_name=full_name or f"测试{n}",
        role=role,
        center=center,
        team=team,
        is_staff=role == Role.ADMIN,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


def make_area(name: str | None = None, code: str | None = None) -> BusinessArea:
    n = next(_seq)
    return BusinessArea.objects.create(code=code or f"area-{n}", name=name or f"业务条线{n}", sort_order=n)


@pytest.fixture
def center(db) -> Center:
    return make_center()


@pytest.fixture
def team(center) -> Team:
    return make_team(center)


@pytest.fixture
def staff(team) -> User:
    return make_user(Role.STAFF, team=team)


@pytest.fixture
def supervisor(team) -> User:
    user = make_user(Role.SUPERVISOR, team=team)
    team.supervisors.add(user)
    return user


@pytest.fixture
def manager(center) -> User:
    return make_user(Role.MANAGER, center=center)


@pytest.fixture
def content_admin(center) -> User:
    return make_user(Role.ADMIN, center=center)


@pytest.fixture
def area(db) -> BusinessArea:
    return make_area()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
