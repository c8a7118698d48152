"""The end-of-lesson check: no answers shown before, a graded review after, one ledger row per lesson."""

import pytest
from django.urls import reverse

from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.memory_selectors import book_cards
from quizzes.models import Attempt, Question, QuestionKind
from tests.quizzes.factories import make_lesson, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(area):
    single = make_question(area, stem="补换社保卡需要什么材料？", explanation="本人有效身份证件即可。", correct="A")
    fill = make_question(
        area,
        kind=QuestionKind.FILL_BLANK,
        stem="材料不全时应当____告知所缺材料。",
        accepted=["一次性书面", "一次性"],
        explanation="一次告知：不让居民跑第二次。",
    )
    return make_lesson(area, questions=[single, fill])


def url(lesson):
    return reverse("quizzes:lesson_check", args=[lesson.pk])


def test_the_check_shows_the_questions_but_no_answers(staff_client, lesson):
    html = staff_client.get(url(lesson)).content.decode()
    assert "补换社保卡需要什么材料？" in html and "本人有效身份证件" in html  # the options are shown
    for secret in ["本人有效身份证件即可。", "一次性书面", "一次告知：不让居民跑第二次。", "correct"]:
        assert secret not in html


def test_posting_grades_reviews_and_records_one_ledger_row_per_lesson(staff_client, staff, lesson):
    single, fill = (link.question for link in lesson.check_questions.all())
    answers = {f"q{single.pk}": "B", f"q{fill.pk}": " 一次性 "}
    response = staff_client.post(url(lesson), answers)
    html = response.content.decode()
    assert "回答错误" in html and "回答正确" in html
    assert "本人有效身份证件即可。" in html  # the 解析 is shown after answering
    assert "返回课时" in html

    staff_client.post(url(lesson), {f"q{single.pk}": "A", f"q{fill.pk}": "一次性"})  # a retry

    entries = LedgerEntry.objects.filter(person=staff, activity_kind=ActivityKind.LESSON_CHECK)
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.activity_id, entry.area, entry.score_ratio) == (str(lesson.pk), lesson.course.area, 0.5)
    assert Attempt.objects.filter(person=staff, lesson=lesson).count() == 2
    assert list(book_cards(person=staff).values_list("question", flat=True)) == [single.pk]


def test_a_lesson_without_questions_says_so(staff_client, area):
    lesson = make_lesson(area)
    response = staff_client.get(url(lesson))
    assert "还没有配置课后小测题目" in response.content.decode()
    staff_client.post(url(lesson), {})
    assert not LedgerEntry.objects.exists()


def test_an_inactive_question_is_left_out(staff_client, area):
    lesson = make_lesson(area, questions=[make_question(area, stem="停用的题")])
    Question.objects.update(is_active=False)
    assert "停用的题" not in staff_client.get(url(lesson)).content.decode()


def test_someone_elses_lesson_check_attempt_is_not_found(client, staff, lesson):
    from tests.conftest import make_user

    single, fill = (link.question for link in lesson.check_questions.all())
    client.force_login(staff)
    client.post(url(lesson), {f"q{single.pk}": "A"})
    attempt = Attempt.objects.get(person=staff)
    client.force_login(make_user())
    assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404


def test_the_result_of_a_demo_lessons_check_is_marked_as_sample_and_leads_back_to_the_lesson(staff_client, lesson):
    lesson.is_demo = True
    lesson.save()
    single, fill = (link.question for link in lesson.check_questions.all())
    html = staff_client.post(url(lesson), {f"q{single.pk}": "A", f"q{fill.pk}": "一次性"}).content.decode()
    assert "示例内容：题目仅供演示" in html
    assert f'<a href="{reverse("training:lesson", args=[lesson.pk])}">{lesson.title}</a>' in html
