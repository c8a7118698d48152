"""Memory cards scheduled by FSRS: every graded answer reviews one card; the 错题本 and 每日一练 read them."""

import random
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from leaderboard.services import record_result
from quizzes import scheduling
from quizzes.memory_selectors import BOOK_STABILITY_DAYS, book_cards, forecast, retention_by_area
from quizzes.models import CardReview, MemoryCard, SchedulerParameters
from quizzes.services import answer_now, practice, record_outcome
from quizzes.services import memory as memory_service
from quizzes.services.assignments import assign_weak_point_paper
from quizzes.services.practice import daily_practice, daily_questions, daily_size, start_practice
from tests.conftest import make_area, make_user
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db

MORNING = timezone.make_aware(datetime(2026, 3, 2, 9, 0))  # a Monday, Shanghai time
MORNING_UTC = MORNING.astimezone(UTC)


def library_scheduler() -> Scheduler:
    """The package itself, configured as docs/quizzes.md says: its numbers are the expected ones."""
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def test_a_wrong_answer_creates_a_card_due_the_next_day(staff, area):
    question = make_question(area)
    card = record_outcome(person=staff, question=question, ratio=0, source="practice", at=MORNING)
    expected, _ = library_scheduler().review_card(
        Card(card_id=1, due=MORNING.astimezone(UTC)), Rating.Again, review_datetime=MORNING.astimezone(UTC)
    )
    assert card.due == expected.due == MORNING + timedelta(days=1)
    assert card.stability == pytest.approx(expected.stability)
    assert (card.wrong_count, card.first_wrong_at, card.source) == (1, MORNING, "practice")
    assert list(book_cards(person=staff)) == [card]
    assert list(card.review_log.values_list("rating", flat=True)) == [Rating.Again]


def test_right_answers_push_the_card_out_at_growing_intervals_until_it_leaves_the_book(staff, area):
    question = make_question(area)
    card = record_outcome(person=staff, question=question, ratio=0, source="practice", at=MORNING)
    scheduler = library_scheduler()
    mirror, _ = scheduler.review_card(Card(card_id=1, due=MORNING_UTC), Rating.Again, review_datetime=MORNING_UTC)
    intervals = []
    while book_cards(person=staff).exists():
        at = card.due  # answered right on the day it is due
        card = record_outcome(person=staff, question=question, ratio=1, source="daily", at=at)
        mirror, _ = scheduler.review_card(mirror, Rating.Good, review_datetime=at.astimezone(UTC))
        assert card.due == mirror.due and card.stability == pytest.approx(mirror.stability)
        intervals.append((card.due - at).days)
        assert len(intervals) < 10
    assert intervals == sorted(intervals) and len(set(intervals)) == len(intervals)  # strictly growing
    assert intervals[0] >= 1 and card.stability >= BOOK_STABILITY_DAYS
    assert card.reviews == len(intervals) + 1


def test_a_wrong_answer_after_right_ones_brings_the_card_back_soon(staff, area):
    question = make_question(area)
    card = record_outcome(person=staff, question=question, ratio=0, source="practice", at=MORNING)
    for _ in range(2):
        card = record_outcome(person=staff, question=question, ratio=1, source="daily", at=card.due)
    held = card.stability
    lapse_at = card.due
    card = record_outcome(person=staff, question=question, ratio=0, source="exam", at=lapse_at)
    assert card.stability < held and card.due - lapse_at <= timedelta(days=2)
    assert card.wrong_count == 2 and card.source == "exam"


@pytest.mark.parametrize(
    ("ratio", "seconds", "rating"),
    [
        (0, 3, Rating.Again),
        (0.5, 20, Rating.Again),  # a 多选 half right is still a lapse
        (1, None, Rating.Good),  # an exam: no time per question
        (1, 5, Rating.Easy),
        (1, 30, Rating.Good),
        (1, 90, Rating.Hard),
        (1, 3_600, Rating.Good),  # left open for an hour: the time says nothing
    ],
)
def test_the_rating_comes_from_correctness_and_answer_time(ratio, seconds, rating):
    assert scheduling.rating_for(ratio=ratio, seconds=seconds) == rating


def test_practice_passes_the_time_on_screen_to_the_card(staff_client, staff, area):
    make_question(area)
    staff_client.post(reverse("quizzes:practice_start"), {"area": area.pk})
    page = staff_client.get(reverse("quizzes:attempt", args=[practice_attempt(staff).pk])).content.decode()
    token = page.split('name="shown" value="')[1].split('"')[0]
    staff_client.post(
        reverse("quizzes:practice_answer", args=[practice_attempt(staff).pk, 1]), {"q1": "A", "shown": token}
    )
    review = CardReview.objects.get(person=staff)
    assert review.duration_ms is not None and review.duration_ms < 60_000
    assert review.rating == Rating.Easy  # right within seconds


def test_a_forged_shown_time_is_ignored(staff_client, staff, area):
    make_question(area)
    staff_client.post(reverse("quizzes:practice_start"), {"area": area.pk})
    attempt = practice_attempt(staff)
    staff_client.post(reverse("quizzes:practice_answer", args=[attempt.pk, 1]), {"q1": "A", "shown": "1:forged"})
    review = CardReview.objects.get(person=staff)
    assert review.duration_ms is None and review.rating == Rating.Good


def practice_attempt(person):
    from quizzes.models import Attempt

    return Attempt.objects.get(person=person, status="open")


# -- 每日一练 from the cards ----------------------------------------------------------------------


def weak_in(person, area, *, at, ratio=0.2, times=3):
    for n in range(times):
        record_result(
            person=person,
            area=area,
            kind="practice",
            activity_id=f"seed-{area.pk}-{n}",
            score_ratio=ratio,
            points=0,
            at=at - timedelta(days=n + 1),
        )


def test_daily_puts_due_cards_first_most_overdue_first_then_weakest_areas_then_assigned(staff):
    weakest, weak, fine, assigned = (make_area(name) for name in ("医疗保障", "居住证", "社会保障", "民政救助"))
    bank = {a.pk: [make_question(a, stem=f"{a.name}{i}") for i in range(6)] for a in (weakest, weak, fine, assigned)}
    weak_in(staff, weakest, at=MORNING, ratio=0.1)
    weak_in(staff, weak, at=MORNING, ratio=0.4)
    weak_in(staff, fine, at=MORNING, ratio=0.95)
    overdue = bank[fine.pk][0]
    due_today = bank[fine.pk][1]
    record_outcome(person=staff, question=overdue, ratio=0, source="exam", at=MORNING - timedelta(days=5))
    record_outcome(person=staff, question=due_today, ratio=0, source="exam", at=MORNING - timedelta(days=1))
    not_due = bank[fine.pk][2]
    card = record_outcome(person=staff, question=not_due, ratio=1, source="exam", at=MORNING - timedelta(days=1))
    assert card.due > practice.end_of_day(MORNING)  # answered right yesterday: not due today
    # The supervisor assigned a 难点培训 paper on 民政救助 to the clerk's team (issue 10's PaperAssignment).
    assign_weak_point_paper(
        team=staff.team,
        area_ids=[assigned.pk],
        question_ids=[],
        due_at=MORNING + timedelta(days=7),
        assigned_by=None,
        at=MORNING - timedelta(days=1),
    )

    chosen = daily_questions(person=staff, at=MORNING, rng=random.Random(1))

    assert len(chosen) == practice.DEFAULT_SIZE == 8
    assert chosen[:2] == [overdue, due_today]  # the most overdue first
    assert not_due not in chosen
    new_areas = [q.area_id for q in chosen[2:]]
    # Then new questions from the two weakest areas and the assigned one, in turn, weakest first.
    assert new_areas == [weakest.pk, weak.pk, assigned.pk] * 2
    assert not MemoryCard.objects.filter(person=staff, question__in=chosen[2:]).exists()


def test_due_reviews_leave_room_for_new_questions(staff, area):
    questions = [make_question(area, stem=f"题{i}") for i in range(20)]
    for n, question in enumerate(questions[:12]):
        record_outcome(person=staff, question=question, ratio=0, source="exam", at=MORNING - timedelta(days=12 - n))
    chosen = daily_questions(person=staff, at=MORNING, rng=random.Random(2))
    assert chosen[:6] == questions[:6]  # 8 minus the 2 places kept for new questions
    assert set(chosen[6:]) <= set(questions[12:])


def test_never_the_same_question_twice_in_one_day(staff, area):
    questions = [make_question(area, stem=f"题{i}") for i in range(9)]
    # This morning's practice round met two questions: one wrong (due tomorrow), one right.
    round_ = start_practice(person=staff, area=area, at=MORNING)
    met = []
    for item in round_.items.order_by("position")[:2]:
        answer_now(attempt=round_, position=item.position, values=["B" if not met else "A"], at=MORNING)
        met.append(item.question)
    # An old card also falls due today, but it was already reviewed this morning in an exam.
    old = next(q for q in questions if q not in met)
    record_outcome(person=staff, question=old, ratio=0, source="exam", at=MORNING - timedelta(days=3))
    record_outcome(person=staff, question=old, ratio=0, source="exam", at=MORNING + timedelta(minutes=5))
    MemoryCard.objects.filter(person=staff, question=old).update(due=MORNING)
    daily = daily_practice(person=staff, at=MORNING + timedelta(hours=2), rng=random.Random(3))
    asked = [item.question for item in daily.items.all()]
    assert not set(asked) & set(met + [old])
    assert len(asked) == len(set(asked)) == len(questions) - 3  # what is left of the bank, once each
    assert daily_practice(person=staff, at=MORNING + timedelta(hours=3)).pk == daily.pk  # one a day


def test_the_daily_length_fits_five_minutes_of_the_clerks_own_pace(staff, area):
    assert daily_size(person=staff) == 8  # 25 s an answer + 10 s reading, before any timed answer
    question = make_question(area)
    card = record_outcome(person=staff, question=question, ratio=1, source="daily", at=MORNING)
    CardReview.objects.filter(card=card).delete()
    fast = [CardReview(card=card, person=staff, rating=3, reviewed_at=MORNING, duration_ms=5_000) for _ in range(9)]
    CardReview.objects.bulk_create(fast)
    assert daily_size(person=staff) == 12  # 15 s a question would allow 20: capped
    CardReview.objects.update(duration_ms=50_000)
    assert daily_size(person=staff) == 5  # 60 s a question: 5 fit


# -- The 错题本 page, the forecast, retention ----------------------------------------------------


def test_the_mistake_book_shows_the_next_review_date_and_how_well_it_is_held(staff_client, staff, area):
    now = timezone.now()
    held = make_question(area, stem="已经记牢的题")
    weak = make_question(area, stem="还没记牢的题")
    card = record_outcome(person=staff, question=held, ratio=0, source="practice", at=now - timedelta(days=200))
    for _ in range(5):
        card = record_outcome(person=staff, question=held, ratio=1, source="daily", at=min(card.due, now))
    record_outcome(person=staff, question=weak, ratio=0, source="practice", at=now)
    html = staff_client.get(reverse("quizzes:mistakes")).content.decode()
    assert "还没记牢的题" in html and "已经记牢的题" not in html  # stability ≥ 21 days: out of the book
    tomorrow = timezone.localtime(now + timedelta(days=1))
    assert f"{tomorrow.month}月{tomorrow.day}日复习" in html
    assert "可记住不到 1 天" in html and "此刻记住的把握" not in html  # just failed: not due yet
    overdue = make_question(area, stem="拖了几天的题")
    record_outcome(person=staff, question=overdue, ratio=0, source="practice", at=now - timedelta(days=4))
    html = staff_client.get(reverse("quizzes:mistakes")).content.decode()
    assert "此刻记住的把握约" in html and "今日复习" in html  # due: how much is left of it now
    assert 'data-testid="forecast"' in html


def test_the_forecast_counts_reviews_due_on_each_of_the_next_seven_days(staff, area):
    questions = [make_question(area, stem=f"题{i}") for i in range(4)]
    for question in questions[:3]:
        record_outcome(person=staff, question=question, ratio=0, source="practice", at=MORNING)  # due tomorrow
    card = record_outcome(
        person=staff, question=questions[3], ratio=0, source="practice", at=MORNING - timedelta(days=4)
    )
    assert card.due < MORNING  # overdue: counted today
    days = forecast(person=staff, at=MORNING)
    assert [d["count"] for d in days] == [1, 3, 0, 0, 0, 0, 0]
    assert days[0]["day"] == timezone.localdate(MORNING) and len(days) == 7


def test_retention_per_area_falls_with_time_and_the_supervisor_sees_it(client, staff, supervisor, area):
    other = make_area("居住证")
    record_outcome(person=staff, question=make_question(area), ratio=1, source="daily", at=MORNING)
    record_outcome(person=staff, question=make_question(other), ratio=0, source="daily", at=MORNING)
    soon = retention_by_area(people=[staff.pk], at=MORNING + timedelta(days=1))[staff.pk]
    later = retention_by_area(people=[staff.pk], at=MORNING + timedelta(days=30))[staff.pk]
    assert soon[area.pk]["cards"] == 1
    assert later[area.pk]["retention"] < soon[area.pk]["retention"] <= 1
    assert soon[other.pk]["retention"] < soon[area.pk]["retention"]  # the one answered wrong is held worse
    stranger = make_user()  # another center's clerk
    record_outcome(person=stranger, question=make_question(area, stem="别处"), ratio=1, source="daily", at=MORNING)

    client.force_login(supervisor)
    html = client.get(reverse("quizzes:retention")).content.decode()
    assert staff.display_name in html and stranger.display_name not in html
    assert area.name in html and 'data-testid="retention"' in html
    client.force_login(staff)
    assert client.get(reverse("quizzes:retention")).status_code == 403


# -- Fitting the scheduler's parameters (the optimizer is an optional extra) ------------------------


def test_fitting_without_enough_history_says_so_and_keeps_the_defaults(staff, area):
    record_outcome(person=staff, question=make_question(area), ratio=0, source="practice", at=MORNING)
    with pytest.raises(CommandError, match="复习记录不足：目前 1 条"):
        call_command("fit_memory_parameters", stdout=StringIO())
    assert not SchedulerParameters.objects.exists()


def test_fitting_without_the_optimizer_extra_says_how_to_install_it(staff, area, monkeypatch):
    record_outcome(person=staff, question=make_question(area), ratio=0, source="practice", at=MORNING)
    monkeypatch.setitem(__import__("sys").modules, "torch", None)  # as on a machine without PyTorch
    with pytest.raises(CommandError, match=r'pip install "fsrs\[optimizer\]"'):
        call_command("fit_memory_parameters", "--min-reviews", "1", stdout=StringIO())
    assert not SchedulerParameters.objects.exists()


def test_fitted_parameters_are_stored_and_then_schedule_every_card(staff, area, monkeypatch):
    questions = [make_question(area, stem=f"题{i}") for i in range(3)]
    for question in questions[:2]:
        record_outcome(person=staff, question=question, ratio=0, source="practice", at=MORNING)
    fitted = list(Scheduler().parameters)
    fitted[0] = 1.5  # a center whose clerks keep a first lapse longer than the defaults say

    class FakeOptimizer:
        def __init__(self, logs):
            assert len(logs) == 2 and {log.rating for log in logs} == {Rating.Again}

        def compute_optimal_parameters(self):
            return fitted

    monkeypatch.setattr(memory_service, "optimizer_class", lambda: FakeOptimizer)
    out = StringIO()
    call_command("fit_memory_parameters", "--min-reviews", "2", stdout=out)
    assert "2 条复习记录" in out.getvalue()
    assert SchedulerParameters.objects.get().parameters == fitted
    card = record_outcome(person=staff, question=questions[2], ratio=0, source="practice", at=MORNING)
    assert card.stability == pytest.approx(1.5)  # the first lapse's stability is parameter 0
