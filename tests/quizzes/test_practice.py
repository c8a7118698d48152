"""Practice rounds, 每日一练 and the 错题本 rule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.models import Attempt, AttemptMode, MistakeEntry
from quizzes.selectors import daily_streak
from quizzes.services import answer_now, record_correct, record_mistake
from quizzes.services.practice import DAILY_SIZE, daily_practice, start_practice
from tests.quizzes.factories import make_question, one_of_each_kind

pytestmark = pytest.mark.django_db


def test_a_question_leaves_the_book_after_two_right_answers_on_different_days(staff, area):
    question = make_question(area)
    monday = timezone.now()
    record_mistake(person=staff, question=question, source="practice", at=monday)
    record_correct(person=staff, question=question, at=monday)
    entry = record_correct(person=staff, question=question, at=monday + timedelta(minutes=5))
    assert entry.correct_streak == 1 and entry.mastered_at is None  # same day: counts once
    assert entry.due_on == timezone.localdate(monday) + timedelta(days=1)
    entry = record_correct(person=staff, question=question, at=monday + timedelta(days=1))
    assert entry.mastered_at is not None


def test_a_wrong_answer_in_between_starts_the_streak_again(staff, area):
    question = make_question(area)
    day = timezone.now()
    record_mistake(person=staff, question=question, source="practice", at=day)
    record_correct(person=staff, question=question, at=day)
    record_mistake(person=staff, question=question, source="daily", at=day + timedelta(days=1))
    entry = record_correct(person=staff, question=question, at=day + timedelta(days=2))
    assert entry.correct_streak == 1 and entry.mastered_at is None


def test_a_practice_round_gives_feedback_per_question_and_reports_once_at_the_end(staff, area):
    questions = one_of_each_kind(area)
    now = timezone.now()
    attempt = start_practice(person=staff, area=area, at=now)
    assert attempt.items.count() == len(questions)
    answers = {"单选：社保卡补换凭什么？": ["B"]}
    for item in attempt.items.all():
        graded = answer_now(
            attempt=attempt, position=item.position, values=answers.get(item.snapshot["stem"], ["A"]), at=now
        )
        assert graded.ratio is not None
    attempt.refresh_from_db()
    assert not attempt.is_open
    entry = LedgerEntry.objects.get(person=staff, activity_kind=ActivityKind.PRACTICE)
    assert entry.activity_id == str(attempt.pk)
    assert MistakeEntry.objects.filter(person=staff, mastered_at__isnull=True).count() >= 1


def test_practice_through_htmx_returns_just_the_card(staff_client, staff, area):
    one_of_each_kind(area)
    staff_client.post(reverse("quizzes:practice_start"), {"area": area.pk})
    attempt = Attempt.objects.get(person=staff)
    page = staff_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert "解析-" not in page and "正确答案" not in page
    item = attempt.items.get(position=1)
    card = staff_client.post(
        reverse("quizzes:practice_answer", args=[attempt.pk, 1]), {"q1": "Z"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in card and "正确答案" in card and item.snapshot["explanation"] in card
    assert "下一题" in card
    nxt = staff_client.get(reverse("quizzes:practice_next", args=[attempt.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "已答 1 / 4" in nxt and "解析-" not in nxt


def test_daily_practice_puts_due_mistakes_first_and_is_one_per_day(staff, area):
    bank = [make_question(area, stem=f"题{i}") for i in range(12)]
    now = timezone.now()
    record_mistake(person=staff, question=bank[5], source="exam", at=now - timedelta(days=2))
    attempt = daily_practice(person=staff, at=now)
    assert attempt.items.count() == DAILY_SIZE
    assert attempt.items.get(position=1).question == bank[5]
    assert daily_practice(person=staff, at=now + timedelta(minutes=1)).pk == attempt.pk


def test_the_streak_counts_finished_days_in_a_row(staff, area):
    make_question(area)
    today = timezone.localdate()
    for days_ago in (0, 1, 2, 4):
        Attempt.objects.create(
            person=staff,
            mode=AttemptMode.DAILY,
            day=today - timedelta(days=days_ago),
            started_at=timezone.now(),
            status="submitted",
        )
    assert daily_streak(person=staff, today=today) == 3
    Attempt.objects.filter(day=today).delete()
    assert daily_streak(person=staff, today=today) == 2  # today not done yet: the streak still stands


def test_the_mistake_book_lists_only_my_open_mistakes(staff_client, staff, area):
    from tests.conftest import make_user

    mine, theirs = make_question(area, stem="我的错题"), make_question(area, stem="别人的错题")
    record_mistake(person=staff, question=mine, source="practice", at=timezone.now())
    record_mistake(person=make_user(), question=theirs, source="practice", at=timezone.now())
    html = staff_client.get(reverse("quizzes:mistakes")).content.decode()
    assert "我的错题" in html and "别人的错题" not in html
