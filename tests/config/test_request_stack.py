"""The shared request stack: one thread hop per request under ASGI, SQLite connections reused
between requests, the logged-in user from the cache (and dropped on every change), sessions
from the cache only where every process shares it, the navigation composed once per request."""

import json
import os
import subprocess
import sys

import pytest
from asgiref import sync
from channels.testing import HttpCommunicator
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from config import navigation
from config.handlers import ASGIHandler
from tests.config.test_deploy_check import ROOT as ROOT_DIR
from tests.conftest import PASSWORD, make_user


def hops(monkeypatch) -> list:
    """Every sync_to_async made from now on (each is a round trip to a thread)."""
    made = []
    real = sync.SyncToAsync.__init__

    def counting(self, func, *args, **kwargs):
        made.append(getattr(func, "__qualname__", repr(func)))
        real(self, func, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__init__", counting)
    return made


async def get(application, path: str) -> int:
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"127.0.0.1")])
    response = await communicator.get_response()
    await communicator.wait()
    return response["status"]


@pytest.mark.django_db(transaction=True)
async def test_the_middleware_chain_and_the_view_run_in_one_thread_hop(monkeypatch):
    ours, djangos = ASGIHandler(), DjangoASGIHandler()
    made = hops(monkeypatch)
    assert await get(djangos, "/accounts/login/") == 200
    stock = len(made)
    made.clear()
    assert await get(ours, "/accounts/login/") == 200
    # request_started, the whole chain with the view, response.close (request_finished)
    assert len(made) <= 3, made
    assert len(made) < stock


@pytest.mark.django_db(transaction=True)
async def test_sqlite_connections_are_reused_between_requests(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL connections are pooled by Django's own pool (settings.DB_POOL)")
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db.backends.sqlite3 import base

    from config.asgi import application

    def logged_in_session() -> str:
        person = make_user(Role.STAFF)
        store = SessionStore()
        store.update({SESSION_KEY: str(person.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0]})
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.save()
        return store.session_key

    key = await sync.sync_to_async(logged_in_session)()
    opened = []
    real_connect = base.Database.connect
    monkeypatch.setattr(base.Database, "connect", lambda *a, **kw: opened.append(1) or real_connect(*a, **kw))
    for _ in range(4):  # the 业务学习 page reads lessons and progress from the database
        headers = [(b"host", b"127.0.0.1"), (b"cookie", f"sessionid={key}".encode())]
        communicator = HttpCommunicator(application, "GET", "/training/", headers=headers)
        assert (await communicator.get_response())["status"] == 200
        await communicator.wait()  # the request is over (request_finished) before the next one
    assert len(opened) <= 1


@pytest.mark.django_db
def test_a_pooled_sqlite_connection_goes_back_rolled_back():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    from config.sqlite_pool.base import DatabaseWrapper

    other = DatabaseWrapper(connection.settings_dict | {"OPTIONS": connection.settings_dict["OPTIONS"]}, "other")
    other.ensure_connection()
    raw = other.connection
    raw.execute("BEGIN")
    assert raw.in_transaction
    other.close()
    again = DatabaseWrapper(connection.settings_dict, "again")
    again.ensure_connection()
    assert again.connection is raw
    assert not raw.in_transaction
    again.close()


@pytest.mark.django_db
def test_the_user_comes_from_the_cache_and_a_change_counts_at_the_next_request(client):
    person = make_user(Role.STAFF)
    client.force_login(person)
    assert client.get(reverse("reports:index")).status_code == 403
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("reports:index"))
    assert not [q for q in queries if "accounts_user" in q["sql"]]
    person.role = Role.MANAGER
    person.save()
    assert client.get(reverse("reports:index")).status_code == 200
    person.is_active = False
    person.save()
    assert client.get(reverse("reports:index")).status_code == 302  # to the login page


@pytest.mark.django_db
def test_a_new_password_logs_out_other_sessions_at_once(client):
    person = make_user(Role.STAFF)
    client.force_login(person)
    assert client.get(reverse("home")).status_code == 200
    person.set_password("another-pass-5678")
    person.save()
    assert client.get(reverse("home")).status_code == 302


def settings_under(**env) -> dict:
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.SESSION_ENGINE, settings.AUTH_USER_CACHE_SECONDS]))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "WEB_CONCURRENCY"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT_DIR,
        env=clean | {"DJANGO_SETTINGS_MODULE": "config.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sessions_and_users_are_cached_only_where_every_process_sees_the_cache():
    cached = ["django.contrib.sessions.backends.cached_db", 300]
    assert settings_under() == cached  # one process, local memory
    assert settings_under(WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1:6379/14") == cached
    assert settings_under(WEB_CONCURRENCY="4") == ["django.contrib.sessions.backends.db", 0]


@pytest.mark.django_db
def test_the_navigation_is_each_apps_entries_composed_once_per_request(client, monkeypatch):
    calls = []
    providers = tuple(
        (lambda provider: lambda user: calls.append(provider) or provider(user))(p) for p in navigation.NAV_PROVIDERS
    )
    monkeypatch.setattr(navigation, "NAV_PROVIDERS", providers)
    staff = make_user(Role.STAFF)
    client.force_login(staff)
    page = client.get(reverse("home")).content.decode()
    assert len(calls) == len(providers)
    assert "业务学习" in page and "能力报表" not in page
    client.force_login(make_user(Role.SUPERVISOR, center=staff.center))
    page = client.get(reverse("reports:index")).content.decode()
    assert '<a href="/reports/" class="active" aria-current="page">能力报表</a>' in page


@pytest.mark.django_db(transaction=True)
async def test_no_more_requests_run_in_threads_at_once_than_request_threads(settings, monkeypatch):
    import asyncio
    import threading
    import time

    settings.REQUEST_THREADS = 2
    handler = ASGIHandler()
    running, most = [0], [0]
    lock = threading.Lock()
    real = handler.get_response

    def slow_get_response(request):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return real(request)

    monkeypatch.setattr(handler, "get_response", slow_get_response)
    statuses = await asyncio.gather(*(get(handler, "/accounts/login/") for _ in range(6)))
    assert statuses == [200] * 6
    assert most[0] == 2


@pytest.mark.django_db
def test_pages_speak_zh_hans_whatever_the_browser_asks_without_a_locale_middleware(client):
    """LocaleMiddleware is gone (one language: it only re-picked zh-hans per request). Django's own
    messages still come in zh-hans, a browser asking for English gets the same page, and responses
    no longer vary by Accept-Language (a cache would otherwise keep a copy per browser language)."""
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE
    client.force_login(make_user(Role.STAFF))
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Lianbing-2027!", "new_password2": "Lianbing-2028!"},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    page = response.content.decode()
    assert "输入的两个密码不一致。" in page and "didn’t match" not in page
    assert "Accept-Language" not in response.get("Vary", "")


def test_templates_are_compiled_once_per_process():
    """Django's cached loader (its default when TEMPLATES names no loaders): a page does not read and
    parse its templates again on every request. Naming loaders in settings would turn it off."""
    from django.template import engines
    from django.template.loaders.cached import Loader as CachedLoader

    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    assert "loaders" not in settings.TEMPLATES[0]["OPTIONS"]
