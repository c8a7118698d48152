"""The page cache (lianbing/page_cache.py): a second look at a page is served without a query, and
every change a page shows, whoever makes it and however it is written, is there on the next look."""

import os
import re
import subprocess
import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Role, User
from quizzes.models import Attempt, AttemptMode
from tests.config.test_services import reachable
from tests.conftest import make_team, make_user, skip_or_fail
from tests.quizzes.factories import make_question
from tests.training.factories import make_course, make_lesson
from training.models import Lesson

pytestmark = pytest.mark.django_db


def browser(user=None, *, secret: str | None = None, **kwargs) -> Client:
    """A logged-in browser: it carries the CSRF cookie the login page set, as a real one does."""
    client = Client(**kwargs)
    client.cookies["csrftoken"] = secret or get_random_string(32)
    if user is not None:
        client.force_login(user)
    return client


def get(client, path, **headers):
    """The response and the number of SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, len(queries)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def lesson(area):
    return make_lesson(make_course(area), title="社保卡补换的材料清单", is_published=True)


PAGES = {
    "home": lambda lesson: reverse("home"),
    "lesson": lambda lesson: reverse("training:lesson", args=[lesson.pk]),
    "training": lambda lesson: reverse("training:index"),
    "quizzes": lambda lesson: reverse("quizzes:index"),
    "simulations": lambda lesson: reverse("simulations:index"),
    "leaderboard": lambda lesson: reverse("leaderboard:index"),
}


@pytest.mark.parametrize("page", PAGES)
def test_a_second_look_at_a_page_is_served_without_a_query(page, staff, lesson, django_assert_num_queries):
    client, path = browser(staff), PAGES[page](lesson)
    first, queries = get(client, path)
    assert first.status_code == 200 and queries > 0
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Content-Security-Policy" in second  # the middleware still dresses a hit


def test_the_directors_report_is_served_again_and_a_clerk_still_gets_403(manager, staff, django_assert_num_queries):
    director = browser(manager)
    assert director.get(reverse("reports:index")).status_code == 200
    with django_assert_num_queries(0):
        assert director.get(reverse("reports:index")).status_code == 200
    assert browser(staff, secret=director.cookies["csrftoken"].value).get(reverse("reports:index")).status_code == 403


def test_a_practice_answer_shows_on_the_home_page(staff, area):
    for i in range(6):
        make_question(area, stem=f"每日一练题{i}：社保卡补换需要什么？")
    client = browser(staff)
    client.get("/")
    page, queries = get(client, "/")
    assert queries == 0 and "今日已完成" not in text(page)
    client.post(reverse("quizzes:daily"))
    attempt = Attempt.objects.get(person=staff, mode=AttemptMode.DAILY)
    for item in attempt.items.order_by("position"):
        client.post(reverse("quizzes:practice_answer", args=[attempt.pk, item.position]), {f"q{item.position}": "A"})
    assert "今日已完成" in text(client.get("/"))


def test_a_lesson_published_by_an_admin_appears_on_the_catalogue(staff, area, lesson):
    draft = make_lesson(lesson.course, title="长护险评估申请", is_published=False)
    client = browser(staff)
    client.get(reverse("training:index"))
    page, queries = get(client, reverse("training:index"))
    assert queries == 0 and "长护险评估申请" not in text(page)
    draft.is_published = True
    draft.save()  # what the admin's change form does
    assert "长护险评估申请" in text(client.get(reverse("training:index")))


def test_a_bulk_update_of_a_table_the_page_read_renders_it_again(staff, lesson):
    client = browser(staff)
    client.get(reverse("training:index"))
    assert get(client, reverse("training:index"))[1] == 0
    Lesson.objects.filter(pk=lesson.pk).update(title="居住证办理一次告知")
    assert "居住证办理一次告知" in text(client.get(reverse("training:index")))


def test_a_raw_sql_write_renders_the_page_again(staff, lesson):
    client = browser(staff)
    client.get(reverse("training:index"))
    assert get(client, reverse("training:index"))[1] == 0
    with connection.cursor() as cursor:
        cursor.execute("UPDATE training_lesson SET title = %s WHERE id = %s", ["跨省通办专窗", lesson.pk])
    assert "跨省通办专窗" in text(client.get(reverse("training:index")))


def test_two_people_never_see_each_others_page_even_with_the_same_csrf_cookie(team, lesson):
    one = make_user(Role.STAFF, team=team, full_name="王窗口")
    other = make_user(Role.STAFF, team=team, full_name="李窗口")
    secret = get_random_string(32)
    first, second = browser(one, secret=secret), browser(other, secret=secret)
    for _ in range(2):
        assert "王窗口" in text(first.get("/")) and "李窗口" not in text(first.get("/"))
        page = text(second.get("/"))
        assert "李窗口" in page and "王窗口" not in page


def test_a_deactivated_person_gets_no_page_from_the_cache(staff, lesson):
    client = browser(staff)
    client.get("/")
    assert get(client, "/")[1] == 0
    staff.is_active = False
    staff.save()
    assert client.get("/").status_code == 302  # to the login page


def test_a_changed_role_or_team_gets_a_fresh_page(staff, lesson):
    client = browser(staff)
    client.get(reverse("training:index"))
    assert "能力报表" not in text(client.get(reverse("training:index")))
    # A change of the person's own row, with no write to any table the page read: the row is in the key.
    User.objects.filter(pk=staff.pk).update(role=Role.MANAGER)
    staff.refresh_from_db()
    with mock.patch("accounts.backends.CachedModelBackend.get_user", return_value=staff):
        assert "能力报表" in text(client.get(reverse("training:index")))
        staff.team = make_team(staff.center)
        assert get(client, reverse("training:index"))[1] > 0


def test_a_message_is_shown_once_and_never_served_from_the_cache(staff, lesson):
    client = browser(staff)
    path = reverse("training:index")
    client.get(path)
    assert get(client, path)[1] == 0  # stored
    # A message left by another page's redirect (the cookie storage), with no write to this page's tables.
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "已标记为学完：某课时")])
    assert "已标记为学完：某课时" in text(client.get(path))
    assert "已标记为学完：某课时" not in text(client.get(path))


def test_a_redirect_with_a_message_then_the_page(staff, lesson):
    client = browser(staff)
    path = reverse("training:lesson", args=[lesson.pk])
    client.get(path)
    response = client.post(reverse("training:lesson_complete", args=[lesson.pk]), follow=True)
    assert text(response).count("已标记为学完") == 1
    assert "已标记为学完" not in text(client.get(path))
    assert "已标记为学完" not in text(client.get(path))


def test_the_csrf_token_of_a_served_page_works_for_a_post(staff, lesson, django_assert_num_queries):
    path, position = reverse("training:lesson", args=[lesson.pk]), reverse("training:lesson_position", args=[lesson.pk])

    def token(page) -> str:
        return re.search(r'"X-CSRFToken": "([^"]+)"', text(page)).group(1)

    # Both logged in first: the same person's row, so only the CSRF secret tells their pages apart.
    client, other = browser(staff, enforce_csrf_checks=True), browser(staff, enforce_csrf_checks=True)
    client.get(path)
    with django_assert_num_queries(0):
        served = client.get(path)  # a hit
    # The same person in another browser (another CSRF secret) gets a token for its own secret.
    elsewhere = other.get(path)
    assert client.post(position, {}, HTTP_X_CSRFTOKEN=token(served)).status_code == 204
    assert other.post(position, {}, HTTP_X_CSRFTOKEN=token(elsewhere)).status_code == 204


def test_a_page_computed_at_t_is_not_served_at_t_plus_the_bucket(staff, lesson, settings):
    settings.PAGE_CACHE_SECONDS = 60
    client, path = browser(staff), reverse("training:index")
    start = datetime(2026, 12, 1, 2, 0, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=start):
        client.get(path)
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=59)):
        assert get(client, path)[1] == 0
    with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=60)):
        assert get(client, path)[1] > 0


def test_a_write_during_the_render_leaves_the_page_stale_not_wrong(staff, lesson, settings, transactional_db):
    """The versions are read before the render: a write that commits while the page is being rendered
    (here from another thread, in its own transaction) is on the next look. Bumps wait for the commit."""
    settings.PAGE_CACHE_EAGER_BUMPS = False
    from training import selectors

    real = selectors.catalogue

    def catalogue_then_a_colleague_renames(**kwargs):
        result = real(**kwargs)

        def rename():
            with transaction.atomic():
                Lesson.objects.filter(pk=lesson.pk).update(title="改过的标题")
            connection.close()

        worker = threading.Thread(target=rename)
        worker.start()
        worker.join()
        return result

    client, path = browser(staff), reverse("training:index")
    client.get(path)
    client.get(path)  # warm: the next render is the one with the write in the middle
    Lesson.objects.filter(pk=lesson.pk).update(title="社保卡补换的材料清单（新）")
    with mock.patch.object(selectors, "catalogue", catalogue_then_a_colleague_renames):
        raced = text(client.get(path))
    assert "改过的标题" not in raced  # read before the rename committed
    assert "改过的标题" in text(client.get(path))


# --- The per-person partition of LessonProgress -------------------------------------------------


@pytest.mark.parametrize("page", ["lesson", "training"])
def test_a_colleagues_reading_leaves_my_page_and_my_own_renders_it_again(page, team, lesson):
    from training.services import record_reading

    me, colleague = make_user(Role.STAFF, team=team), make_user(Role.STAFF, team=team)
    client, path = browser(me), PAGES[page](lesson)
    client.get(path)
    assert get(client, path)[1] == 0
    record_reading(person=colleague, lesson=lesson, at=timezone.now())  # the colleague's heartbeat
    assert get(client, path)[1] == 0
    record_reading(person=me, lesson=lesson, at=timezone.now(), section="")
    assert get(client, path)[1] > 0


def test_a_lesson_progress_write_outside_the_services_renders_everyones_page_again(team, lesson):
    from training.models import LessonProgress
    from training.services import record_reading

    me, colleague = make_user(Role.STAFF, team=team), make_user(Role.STAFF, team=team)
    record_reading(person=colleague, lesson=lesson, at=timezone.now())
    client, path = browser(me), reverse("training:index")
    client.get(path)
    assert get(client, path)[1] == 0
    LessonProgress.objects.filter(person=colleague).update(seconds_spent=600)  # a bulk fix, an admin, a script
    assert get(client, path)[1] > 0


@pytest.mark.parametrize("page", ["lesson", "training"])
def test_the_pages_that_read_lesson_progress_as_their_own_read_only_the_viewers_rows(page, team, lesson, settings):
    """The promise `personal=(LessonProgress,)` makes in training/urls.py: if a page starts to show a
    colleague's progress, it must depend on everyone's writes again."""
    from training.services import record_reading

    settings.PAGE_CACHE = False
    me, colleague = make_user(Role.STAFF, team=team), make_user(Role.STAFF, team=team)
    record_reading(person=me, lesson=lesson, at=timezone.now())
    record_reading(person=colleague, lesson=lesson, at=timezone.now())
    client = browser(me)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGES[page](lesson)).status_code == 200
    reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and "training_lessonprogress" in q["sql"]]
    assert reads
    for sql in reads:
        assert re.search(rf'"training_lessonprogress"\."person_id" = \(?{me.pk}\b', sql), sql


def _request(user, secret: str):
    """A GET as the middleware hands it to a view: session, user, CSRF secret, messages."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore

    request = RequestFactory().get("/somewhere/")
    request.session, request.user = SessionStore(), user
    request.META["CSRF_COOKIE"] = secret
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(("vouched", "renders"), [((), 2), ((Lesson,), 1)])
def test_a_render_that_writes_a_table_it_read_is_stored_only_if_the_view_vouches(staff, lesson, vouched, renders):
    from django.http import HttpResponse

    from lianbing.page_cache import cached_page

    calls = []

    def view(request):
        calls.append(1)
        title = Lesson.objects.get(pk=lesson.pk).title
        Lesson.objects.filter(pk=lesson.pk).update(sort_order=5)
        return HttpResponse(title)

    page, secret = cached_page(view, own_writes=vouched), get_random_string(32)
    for _ in range(2):
        assert page(_request(staff, secret)).content.decode() == lesson.title
    assert len(calls) == renders


def _sets_a_cookie(request, response):
    response.set_cookie("seen", "1")


def _writes_the_session(request, response):
    request.session["last_area"] = 3


def _adds_a_message(request, response):
    from django.contrib import messages

    messages.info(request, "已保存")


def _is_not_200(request, response):
    response.status_code = 202


@pytest.mark.parametrize("side_effect", [_sets_a_cookie, _writes_the_session, _adds_a_message, _is_not_200])
def test_a_response_with_a_side_effect_on_the_browser_is_never_stored(staff, lesson, side_effect):
    from django.http import HttpResponse

    from lianbing.page_cache import cached_page

    calls = []

    def view(request):
        calls.append(1)
        response = HttpResponse(Lesson.objects.get(pk=lesson.pk).title)
        side_effect(request, response)
        return response

    page, secret = cached_page(view), get_random_string(32)
    page(_request(staff, secret))
    page(_request(staff, secret))
    assert len(calls) == 2


def test_a_bump_lost_while_the_cache_is_away_is_made_up_and_never_serves_the_old_page(staff, lesson, monkeypatch):
    from django.core.cache import caches

    from lianbing import page_cache

    monkeypatch.setattr(page_cache, "_lost", {"since": None, "retry_at": 0.0})
    client, path = browser(staff), reverse("training:index")
    client.get(path)
    assert get(client, path)[1] == 0
    pages = caches["pages"]
    with mock.patch.object(pages, "incr", side_effect=ConnectionError("Redis is away")):
        Lesson.objects.filter(pk=lesson.pk).update(title="生育登记")  # the write itself goes through
    page, queries = get(client, path)  # no page from the cache until a bump gets through
    assert queries > 0 and "生育登记" in text(page)
    monkeypatch.setitem(page_cache._lost, "retry_at", 0.0)
    client.get(path)  # the made-up bump of `*`, then a render that is stored
    assert page_cache._lost["since"] is None
    assert get(client, path)[1] == 0


def test_a_page_that_reads_an_untracked_table_is_never_stored(staff):
    """Answers of a live drill bump no version (PAGE_CACHE_UNTRACKED), so no page may depend on them."""
    from django.http import HttpResponse

    from competitions.models import Answer
    from lianbing.page_cache import cached_page

    calls = []

    def view(request):
        calls.append(1)
        return HttpResponse(str(Answer.objects.exists()))

    page, secret = cached_page(view), get_random_string(32)
    page(_request(staff, secret))
    page(_request(staff, secret))
    assert len(calls) == 2


# --- When it is on ------------------------------------------------------------------------------


def _setting(name: str, **env) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "WEB_CONCURRENCY", "PAGE_CACHE"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_on_for_one_process_and_with_redis_off_for_several_workers_without_it_and_by_setting():
    assert _setting("PAGE_CACHE", WEB_CONCURRENCY="1") == "True"
    assert _setting("PAGE_CACHE", WEB_CONCURRENCY="4") == "False"  # each worker's memory: another's writes unseen
    assert _setting("PAGE_CACHE", WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1:6379/3") == "True"
    assert _setting("PAGE_CACHE", WEB_CONCURRENCY="1", PAGE_CACHE="0") == "False"


@pytest.fixture
def redis_pages(settings):
    if not reachable(6379):
        skip_or_fail("services", "Redis is not running on 127.0.0.1:6379")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"test-pages-{uuid.uuid4().hex}",
        },
    }
    yield
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.mark.services
def test_with_redis_a_second_look_is_a_hit_and_a_write_is_seen(redis_pages, staff, lesson, django_assert_num_queries):
    client, path = browser(staff), reverse("training:index")
    client.get(path)
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200
    Lesson.objects.filter(pk=lesson.pk).update(title="城乡居民医保登记")
    assert "城乡居民医保登记" in text(client.get(path))


def test_off_by_setting_every_look_renders(staff, lesson, settings):
    settings.PAGE_CACHE = False
    client, path = browser(staff), reverse("training:index")
    client.get(path)
    assert get(client, path)[1] > 0
