"""The demo bank: 150+ questions over all nine areas, a check for every demo lesson, idempotent."""

import re
from collections import Counter

import pytest
from django.conf import settings
from django.db.models import F

from quizzes import demo
from quizzes.models import LessonQuestion, PaperKind, Question, Quiz
from training import demo as training_demo
from training.models import BusinessArea, Course, Lesson

pytestmark = pytest.mark.django_db

PLAN = (settings.BASE_DIR / "docs" / "content-plan.md").read_text()
# Table rows: | area | `course` ... | `lesson-slug` title |
PLAN_LESSONS = [
    (row[0], row[2]) for row in re.findall(r"^\| ([a-z-]+) \| `?([a-z-]+)`?[^|]*\| `([a-z-]+)`", PLAN, re.M)
]


def make_plan_lessons():
    areas = {area.code: area for area in BusinessArea.objects.all()}
    for index, (area_code, slug) in enumerate(PLAN_LESSONS):
        course, _ = Course.objects.get_or_create(
            slug=f"c-{area_code}", defaults={"area": areas[area_code], "title": area_code}
        )
        Lesson.objects.create(course=course, slug=slug, title=slug, body_markdown="x", sort_order=index)


def test_the_bank_covers_every_area_and_every_lesson_gets_one_to_three_questions():
    training_demo.load()
    make_plan_lessons()
    demo.load()
    assert len(PLAN_LESSONS) == 27
    assert Question.objects.count() >= 150
    per_area = Counter(Question.objects.values_list("area__code", flat=True))
    assert set(per_area) == {code for code, *_ in training_demo.AREAS} and min(per_area.values()) >= 15
    per_lesson = Counter(LessonQuestion.objects.values_list("lesson__slug", flat=True))
    assert set(per_lesson) == {slug for _, slug in PLAN_LESSONS}
    assert all(1 <= n <= 3 for n in per_lesson.values())
    # a linked question belongs to its lesson's area
    assert not LessonQuestion.objects.exclude(question__area=F("lesson__course__area")).exists()
    assert (
        Quiz.objects.filter(paper_kind=PaperKind.RULES).exists()
        and Quiz.objects.filter(paper_kind=PaperKind.FIXED).count() >= 2
    )


def test_loading_twice_changes_nothing_and_links_arrive_when_lessons_do():
    training_demo.load()
    demo.load()  # no lessons yet: links are skipped, not errors
    assert not LessonQuestion.objects.exists()
    count, quizzes = Question.objects.count(), Quiz.objects.count()
    make_plan_lessons()
    demo.load()
    assert Question.objects.count() == count and Quiz.objects.count() == quizzes
    assert LessonQuestion.objects.exists()
    assert set(Question.objects.values_list("version", flat=True)) == {1}
