"""The demo content pack loads through the import, matches the content plan and is idempotent."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from tests.conftest import make_user
from training import demo, selectors
from training.models import BusinessArea, Course, Lesson, LessonProgress

PLAN = Path(settings.BASE_DIR, "docs", "content-plan.md").read_text(encoding="utf-8")


def planned_lessons() -> dict[str, str]:
    return dict(re.findall(r"\| `([a-z0-9-]+)` ([^|]+?) \|\n", PLAN))


def test_demo_loads_every_planned_lesson_once(db):
    demo.load()
    demo.load()
    planned = planned_lessons()
    assert len(planned) == 27
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.select_related("course__area")}
    assert {slug: lessons[slug].title for slug in planned} == planned
    assert Lesson.objects.count() == 27 and BusinessArea.objects.count() == 9
    assert all(lesson.is_demo and lesson.is_published for lesson in lessons.values())
    assert lessons["yrd-ss-card"].course.slug == "yrd" and lessons["yrd-ss-card"].area.code == "yrd-cross-province"
    assert Course.objects.get(slug="ss-card").area.code == "social-security"


def test_demo_lessons_are_short_with_sections_and_key_points(db):
    demo.load()
    for lesson in Lesson.objects.all():
        assert 2 <= len(lesson.sections) <= 4, lesson.slug
        assert lesson.key_points, lesson.slug
        assert 5 <= lesson.reading_minutes <= 15, lesson.slug
        assert len(lesson.body_markdown) < 2500, lesson.slug


def test_a_demo_lesson_shows_a_diagram_from_our_static_files(db):
    demo.load()
    html = Lesson.objects.get(slug="yrd-window").body_html
    src = "/static/img/training/yrd-window-flow.svg"
    assert f'src="{src}"' in html
    svg = Path(settings.BASE_DIR, "static", src.removeprefix("/static/")).read_text(encoding="utf-8")
    assert "<script" not in svg and not re.search(r"\son\w+=", svg)  # a plain drawing, no scripts


def test_demo_clerks_get_learning_progress_once_through_the_services(db, team):
    first = make_user(team=team, username="staff01")
    make_user(team=team, username="staff02")
    demo.load()
    learned = LessonProgress.objects.filter(person=first, completed_at__isnull=False)
    assert learned.count() == demo.LEARNED[0]
    assert all(p.seconds_spent > 0 and p.section for p in learned)
    card = selectors.continue_learning(person=first)
    assert card.resuming and card.url.endswith("#sec-2")
    rows = LessonProgress.objects.count()
    demo.load_progress(now=timezone.now())
    assert LessonProgress.objects.count() == rows
