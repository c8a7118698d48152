"""The demo bank: 150+ questions over all nine areas, a check for every demo lesson, idempotent."""

from collections import Counter

import pytest
from django.db.models import F

from quizzes import demo
from quizzes.bank_format import read_bank_file
from quizzes.models import LessonQuestion, PaperKind, Question, Quiz
from quizzes.services.bank_io import import_bank_file
from tests.quizzes.factories import PLAN_LESSONS, make_plan_lessons
from training import demo as training_demo

pytestmark = pytest.mark.django_db


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
    training_demo.load_areas()
    demo.load()  # no lessons yet: links are skipped, not errors
    assert not LessonQuestion.objects.exists()
    count, quizzes = Question.objects.count(), Quiz.objects.count()
    make_plan_lessons()
    demo.load()
    assert Question.objects.count() == count and Quiz.objects.count() == quizzes
    assert LessonQuestion.objects.exists()
    assert set(Question.objects.values_list("version", flat=True)) == {1}


def test_the_xlsx_bank_is_the_csv_bank_and_imports_identically():
    """demo_bank.xlsx is built from demo_bank.csv (content/questions/build_xlsx.py); both must agree."""
    training_demo.load_areas()
    csv_path = demo.BANK_FILE
    xlsx_path = csv_path.with_suffix(".xlsx")
    from_csv = read_bank_file(filename=csv_path.name, data=csv_path.read_bytes())
    from_xlsx = read_bank_file(filename=xlsx_path.name, data=xlsx_path.read_bytes())
    assert len(from_csv) >= 150
    assert from_xlsx == from_csv  # same row numbers, same cell text: rebuild the xlsx if this fails
    checked, summary = import_bank_file(filename=xlsx_path.name, data=xlsx_path.read_bytes(), skip_unknown_lessons=True)
    assert checked.ok and summary["create"] == len(from_csv)
    checked, summary = import_bank_file(filename=csv_path.name, data=csv_path.read_bytes(), skip_unknown_lessons=True)
    assert checked.ok and summary["unchanged"] == len(from_csv)  # the CSV finds every question already there


def test_sample_results_fill_the_statistics_and_the_queue_once():
    from accounts import demo as accounts_demo
    from quizzes.models import Attempt, QuestionReport
    from quizzes.selectors import question_statistics

    accounts_demo.load()
    training_demo.load_areas()
    demo.load()
    demo.load()
    assert Attempt.objects.filter(quiz__title="社保医保业务测验（示例）").count() == len(demo.SAMPLE_PEOPLE)
    assert not Attempt.objects.filter(person__username="staff01").exists()  # the demo login starts fresh
    rows = question_statistics()
    assert len(rows) == 10 and all(row["stats"].discrimination is not None for row in rows)
    assert QuestionReport.objects.count() == 2
