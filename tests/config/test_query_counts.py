"""Each main page's SQL query count is locked, and does not grow with the data: measured on the
demo data, then again after adding lessons, questions, people and results (bench/pages.py
measures the same pages for speed)."""

import io
import itertools

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Role, User
from leaderboard.models import ActivityKind
from leaderboard.services import record_result
from quizzes.services.practice import start_practice
from tests.conftest import make_user
from tests.quizzes.factories import make_question
from tests.training.factories import make_course, make_lesson
from training.models import BusinessArea, Lesson, LessonProgress

pytestmark = pytest.mark.django_db

# The most queries one request of each page may make, whatever the data (measured, then locked).
LOCKS = {
    "home": 12,
    "lesson": 6,
    "training": 4,
    "quizzes": 9,  # the 错题本 reads memory cards (issue 13): its two counts are one query
    "practice fragment (htmx)": 2,
    "simulations": 4,
    "leaderboard": 12,  # the poll version, boards, most improved and mastery: flat with the data
    "reports (director)": 7,
}
_seq = itertools.count(1)


def pages(clerk) -> dict[str, tuple[str, str, dict]]:
    lesson = Lesson.objects.filter(is_published=True).order_by("pk").first()
    area = BusinessArea.objects.filter(questions__is_active=True).order_by("pk").first()
    attempt = start_practice(person=clerk, at=timezone.now(), area=area)
    return {
        "home": ("/", "clerk", {}),
        "lesson": (f"/training/lessons/{lesson.pk}/", "clerk", {}),
        "training": ("/training/", "clerk", {}),
        "quizzes": ("/quizzes/", "clerk", {}),
        "practice fragment (htmx)": (f"/quizzes/attempts/{attempt.pk}/next/", "clerk", {"HTTP_HX_REQUEST": "true"}),
        "simulations": ("/simulations/", "clerk", {}),
        "leaderboard": ("/leaderboard/", "clerk", {}),
        "reports (director)": ("/reports/", "director", {}),
    }


def count_queries(clients, page) -> int:
    path, role, headers = page
    client = clients[role]
    assert client.get(path, **headers).status_code == 200  # warm: session and user in the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(queries)


def grow(clerk, *, by: int) -> None:
    """More of everything a page lists or counts: lessons (some begun by the clerk), questions,
    colleagues in the clerk's team and center, and results for all of them in every area."""
    at = timezone.now()
    areas = list(BusinessArea.objects.order_by("pk"))
    course = make_course(areas[0], title=f"加课{next(_seq)}")
    for i in range(by):
        lesson = make_lesson(course, title=f"加课时{next(_seq)}", sort_order=100 + i)
        if i % 2:
            LessonProgress.objects.create(person=clerk, lesson=lesson, started_at=at, last_event_at=at)
    for i in range(by):
        make_question(areas[i % len(areas)], stem=f"加题{next(_seq)}：社保卡补换需要携带什么？")
    people = []
    for _ in range(by):
        n = next(_seq)
        people.append(make_user(Role.STAFF, team=clerk.team, username=f"grown{n}", full_name=f"新同事{n}"))
    for person in [clerk, *people]:
        for area in areas:
            record_result(
                person=person,
                area=area,
                kind=ActivityKind.PRACTICE,
                activity_id=f"grow-{next(_seq)}",
                score_ratio=0.7,
                points=10,
                at=at,
            )


def test_no_main_page_makes_more_queries_with_more_data(client_factory, django_assert_max_num_queries, settings):
    # The render (a page cache miss) is what is counted: a hit makes no query at all
    # (tests/config/test_page_cache.py).
    settings.PAGE_CACHE = False
    call_command("load_demo", stdout=io.StringIO())
    clerk, director = User.objects.get(username="staff01"), User.objects.get(username="manager")
    clients = {"clerk": client_factory(clerk), "director": client_factory(director)}
    found = pages(clerk)
    before = {name: count_queries(clients, page) for name, page in found.items()}
    grow(clerk, by=12)
    after = {name: count_queries(clients, page) for name, page in found.items()}
    assert after == before, "a page's query count grew with the data"
    for name, page in found.items():
        with django_assert_max_num_queries(LOCKS[name]):
            clients[page[1]].get(page[0], **page[2])


@pytest.fixture
def client_factory():
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
