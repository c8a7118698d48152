"""Practice rounds, 每日一练 and the 错题本 rule."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.memory_selectors import book_cards
from quizzes.models import Attempt, AttemptMode, AttemptStatus, MemoryCard
from quizzes.selectors import daily_streak
from quizzes.services import answer_now, record_outcome
from quizzes.services.practice import DAILY_SIZE, close_abandoned_rounds, daily_practice, start_practice
from tests.quizzes.factories import make_question, one_of_each_kind

pytestmark = pytest.mark.django_db


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
    assert book_cards(person=staff).count() >= 1


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
    record_outcome(person=staff, question=bank[5], ratio=0, source="exam", at=now - timedelta(days=2))
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
    record_outcome(person=staff, question=mine, ratio=0, source="practice", at=timezone.now())
    record_outcome(person=make_user(), question=theirs, ratio=0, source="practice", at=timezone.now())
    html = staff_client.get(reverse("quizzes:mistakes")).content.decode()
    assert "我的错题" in html and "别人的错题" not in html


def answer(attempt, position, values, at):
    return answer_now(attempt=attempt, position=position, values=values, at=at)


def test_a_round_left_half_way_counts_what_was_answered_once_the_day_is_over(staff, area):
    """Rankings stay honest: every answered question counts exactly once, wrong ones too, and a
    question never shown counts for nothing. Leaving after a wrong answer hides nothing."""
    make_question(area, stem="题一")
    make_question(area, stem="题二")
    make_question(area, stem="题三")
    start = timezone.now() - timedelta(days=1)
    attempt = start_practice(person=staff, area=area, at=start)
    answer(attempt, 1, ["A"], start + timedelta(minutes=1))  # right
    answer(attempt, 2, ["B"], start + timedelta(minutes=2))  # wrong, then the clerk walks away
    assert not LedgerEntry.objects.exists()  # still open while it is the same day

    assert close_abandoned_rounds(at=timezone.now()) == 1
    assert close_abandoned_rounds(at=timezone.now()) == 0  # idempotent
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.max_score) == (AttemptStatus.ABANDONED, 10, 20)
    assert attempt.submitted_at == start + timedelta(minutes=2)  # as of the last answer
    entry = LedgerEntry.objects.get(person=staff, activity_kind=ActivityKind.PRACTICE)
    assert (entry.score_ratio, entry.points, entry.occurred_at) == (0.5, 10, attempt.submitted_at)
    assert attempt.items.get(position=3).ratio is None  # never shown, never graded


def test_starting_a_new_round_closes_the_one_left_open(staff, area):
    make_question(area, stem="题一")
    make_question(area, stem="题二")
    now = timezone.now()
    first = start_practice(person=staff, area=area, at=now)
    answer(first, 1, ["B"], now)
    second = start_practice(person=staff, area=area, at=now + timedelta(minutes=5))
    first.refresh_from_db()
    assert first.status == AttemptStatus.ABANDONED and second.is_open
    assert LedgerEntry.objects.get(person=staff).activity_id == str(first.pk)


def test_a_round_left_with_no_answer_leaves_no_ledger_row(staff, area):
    make_question(area)
    attempt = start_practice(person=staff, area=area, at=timezone.now() - timedelta(days=2))
    call_command("finalize_overdue_attempts", stdout=StringIO())
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.ABANDONED and attempt.max_score == 0
    assert not LedgerEntry.objects.exists()


def test_yesterdays_daily_left_unfinished_is_settled_and_breaks_no_rule_of_the_streak(staff_client, staff, area):
    for i in range(10):
        make_question(area, stem=f"题{i}")
    yesterday = timezone.now() - timedelta(days=1)
    daily = daily_practice(person=staff, at=yesterday)
    answer(daily, 1, ["A"], yesterday)
    # An answer sent today to yesterday's round is refused; the round is settled with what it had.
    response = staff_client.post(reverse("quizzes:practice_answer", args=[daily.pk, 2]), {"q2": "A"})
    assert response.status_code == 302
    daily.refresh_from_db()
    assert daily.status == AttemptStatus.ABANDONED and daily.items.get(position=2).response == {}
    assert daily_streak(person=staff, today=timezone.localdate()) == 0  # an unfinished day is no 打卡
    html = staff_client.get(reverse("quizzes:attempt", args=[daily.pk])).content.decode()
    assert "未作答的 7 题不计分" in html
    # the result shows the one answered question only, not the answers of the seven never shown
    assert html.count('data-testid="review"') == 1


def test_the_daily_is_made_by_a_post_and_a_get_only_shows_it(staff_client, staff, area):
    for i in range(10):
        make_question(area, stem=f"题{i}")
    page = staff_client.get(reverse("quizzes:daily"))
    assert page.status_code == 200 and "开始今日练习" in page.content.decode()
    assert not Attempt.objects.exists()  # a GET (a prefetch, a link preview) makes nothing
    made = staff_client.post(reverse("quizzes:daily"))
    attempt = Attempt.objects.get(person=staff, mode=AttemptMode.DAILY)
    assert made["Location"] == attempt.get_absolute_url()
    assert staff_client.get(reverse("quizzes:daily"))["Location"] == attempt.get_absolute_url()
    staff_client.post(reverse("quizzes:daily"))
    assert Attempt.objects.filter(mode=AttemptMode.DAILY).count() == 1


def test_daily_practice_then_weak_areas_then_new_questions(staff, area):
    from tests.conftest import make_area

    weak, strong, fresh = area, make_area("服务规范与礼仪"), make_area("数字政务")
    for a in (weak, strong, fresh):
        for i in range(6):
            make_question(a, stem=f"{a.name}{i}")
    now = timezone.now()
    # Earlier practice: weak area mostly wrong, strong area right.
    past = start_practice(person=staff, area=weak, at=now - timedelta(days=3))
    for item in past.items.all()[:4]:
        answer(past, item.position, ["B"], now - timedelta(days=3))
    good = start_practice(person=staff, area=strong, at=now - timedelta(days=2))
    for item in good.items.all():
        answer(good, item.position, ["A"], now - timedelta(days=2))
    due = book_cards(person=staff).first().question  # one of the four is due today
    MemoryCard.objects.filter(person=staff).exclude(question=due).update(due=now + timedelta(days=3))
    attempt = daily_practice(person=staff, at=now)
    areas = [item.area_id for item in attempt.items.order_by("position")]
    assert attempt.items.count() == DAILY_SIZE
    assert attempt.items.get(position=1).question == due  # the due review first
    assert areas.count(weak.pk) >= 3  # then the weak area
    assert fresh.pk in areas  # and questions never seen
