"""A shared counter PC: a session idle for longer than SESSION_IDLE_SECONDS is logged out."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts import middleware
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(middleware.time, "time", fake)
    return fake


def test_an_idle_session_is_logged_out_on_the_next_page(client, staff, clock):
    assert client.post(reverse("accounts:login"), {"username": staff.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    clock.now += settings.SESSION_IDLE_SECONDS + 1
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_a_clerk_who_keeps_working_stays_logged_in(client, staff, clock):
    client.force_login(staff)
    for _ in range(8):  # two hours, a page every quarter of an hour
        clock.now += 15 * 60
        assert client.get(reverse("home")).status_code == 200


def test_the_session_also_ends_with_the_browser_and_within_a_working_day():
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_IDLE_SECONDS == 30 * 60 and settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
