"""Timed exams: the server's deadline, resume, one result per attempt, snapshots, the ledger."""

import random
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.memory_selectors import book_cards
from quizzes.models import Attempt, AttemptStatus, PaperKind, PaperRule, QuestionKind
from quizzes.services import AttemptClosed
from quizzes.services.exams import QuizUnavailable, finalize_overdue, save_answer, start_exam, submit_exam
from tests.conftest import make_area, make_user
from tests.quizzes.factories import make_question, make_quiz, one_of_each_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def test_start_stores_the_deadline_and_resuming_returns_the_same_attempt(staff, area, now):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=600)
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    assert attempt.deadline == now + timedelta(seconds=600)
    assert attempt.items.count() == 4
    save_answer(attempt=attempt, position=1, values=["A"], at=now + timedelta(seconds=30))
    again = start_exam(person=staff, quiz=quiz, at=now + timedelta(seconds=60))
    assert again.pk == attempt.pk
    assert again.items.get(position=1).response["labels"] == ["A"]


def test_answers_after_the_deadline_are_refused_and_the_attempt_closes_at_the_deadline(staff, area, now):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=60)
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    save_answer(attempt=attempt, position=1, values=["A"], at=now + timedelta(seconds=59))
    with pytest.raises(AttemptClosed):
        save_answer(attempt=attempt, position=2, values=["A", "B"], at=now + timedelta(seconds=61))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 10  # only the answer saved in time counts
    late = submit_exam(attempt=attempt, answers={2: ["A", "B"]}, at=now + timedelta(seconds=62))
    assert late.already_submitted and attempt.items.get(position=2).ratio == 0


def test_a_late_submit_keeps_only_what_was_saved_in_time(staff, area, now):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=60)
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    outcome = submit_exam(attempt=attempt, answers={1: ["A"]}, at=now + timedelta(seconds=90))
    assert outcome.late and outcome.attempt.status == AttemptStatus.EXPIRED
    assert outcome.attempt.score == 0


def test_a_double_submit_gives_one_result_and_one_ledger_row_per_area(staff, now):
    social, etiquette = make_area("社会保障"), make_area("服务规范与礼仪")
    quiz = make_quiz([make_question(social), make_question(etiquette, stem="首问负责制是什么？")])
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    first = submit_exam(attempt=attempt, answers={1: ["A"], 2: ["B"]}, at=now)
    second = submit_exam(attempt=attempt, answers={1: ["B"], 2: ["A"]}, at=now + timedelta(seconds=1))
    assert not first.already_submitted and second.already_submitted
    assert second.attempt.score == 10
    rows = LedgerEntry.objects.filter(person=staff, activity_kind=ActivityKind.EXAM, activity_id=str(attempt.pk))
    assert {(row.area.name, row.score_ratio, row.points) for row in rows} == {
        ("社会保障", 1.0, 10),
        ("服务规范与礼仪", 0.0, 0),
    }
    assert book_cards(person=staff).count() == 1


def test_double_submit_through_the_page_says_already_submitted(staff_client, staff, area):
    quiz = make_quiz(one_of_each_kind(area))
    staff_client.post(reverse("quizzes:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(person=staff)
    submit = reverse("quizzes:attempt_submit", args=[attempt.pk])
    staff_client.post(submit, {"q1": "A"})
    response = staff_client.post(submit, {"q1": "B"}, follow=True)
    assert "已提交" in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).score == 10
    assert LedgerEntry.objects.filter(person=staff).count() == 1


@pytest.mark.parametrize("closed_first", [True, False])
def test_a_submit_after_the_deadline_says_time_is_up_not_already_submitted(staff_client, staff, area, closed_first):
    """Issue 13: after the deadline the clerk read 已提交 (as if they had handed in twice)."""
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=60)
    attempt = start_exam(person=staff, quiz=quiz, at=timezone.now() - timedelta(minutes=5))
    if closed_first:  # the cron job (or the countdown's reload) closed it before the clerk's tap
        finalize_overdue(at=timezone.now())
    response = staff_client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), {"q1": "A"}, follow=True)
    html = response.content.decode()
    assert "时间到，已自动交卷" in html
    assert "已提交" not in html
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.EXPIRED


def test_the_exam_page_holds_no_answer_or_explanation_for_any_kind(staff_client, staff, area):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=600)
    response = staff_client.post(reverse("quizzes:quiz_start", args=[quiz.pk]), follow=True)
    html = response.content.decode()
    assert "单选：社保卡补换凭什么？" in html and "countdown" in html
    for secret in ["解析-单选", "解析-多选", "解析-判断", "解析-填空", "一次性书面", "正确答案", "is_correct"]:
        assert secret not in html
    assert 'class="choice correct"' not in html and "review" not in html
    # the autosave reply gives nothing away either
    attempt = Attempt.objects.get(person=staff)
    saved = staff_client.post(reverse("quizzes:attempt_answer", args=[attempt.pk, 4]), {"q4": "一次"}).content.decode()
    assert "一次性书面" not in saved and "解析" not in saved


def test_after_submitting_the_result_shows_answers_and_explanations(staff_client, staff, area):
    quiz = make_quiz(one_of_each_kind(area))
    staff_client.post(reverse("quizzes:quiz_start", args=[quiz.pk]))
    attempt = Attempt.objects.get(person=staff)
    html = staff_client.post(reverse("quizzes:attempt_submit", args=[attempt.pk]), {"q4": "一次性书面"}, follow=True)
    html = html.content.decode()
    for shown in ["解析-单选", "解析-多选", "解析-判断", "解析-填空", "一次性书面", "交卷成功"]:
        assert shown in html


def test_nobody_else_can_open_or_answer_an_attempt(client, staff, area, manager):
    quiz = make_quiz(one_of_each_kind(area))
    attempt = start_exam(person=staff, quiz=quiz, at=timezone.now())
    for other in [make_user(), manager]:
        client.force_login(other)
        assert client.get(reverse("quizzes:attempt", args=[attempt.pk])).status_code == 404
        assert client.post(reverse("quizzes:attempt_answer", args=[attempt.pk, 1]), {"q1": "A"}).status_code == 404
        assert client.post(reverse("quizzes:attempt_submit", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.items.get(position=1).response == {}


def test_an_edited_question_keeps_the_old_attempt_honest(staff, area, now):
    question = make_question(area, correct="A")
    quiz = make_quiz([question])
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    question.options.update(is_correct=False)
    question.options.filter(label="B").update(is_correct=True)
    question.stem = "改过的题干"
    question.version += 1
    question.save()
    submit_exam(attempt=attempt, answers={1: ["A"]}, at=now)
    attempt.refresh_from_db()
    item = attempt.items.get()
    assert attempt.score == 10 and item.question_version == 1 and item.snapshot["stem"] != "改过的题干"


def test_the_overdue_command_finalizes_at_the_deadline_and_is_idempotent(staff, area):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=5)
    started = timezone.now() - timedelta(minutes=5)
    attempt = start_exam(person=staff, quiz=quiz, at=started)
    save_answer(attempt=attempt, position=1, values=["A"], at=started + timedelta(seconds=2))
    call_command("finalize_overdue_attempts")
    call_command("finalize_overdue_attempts")
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submitted_at, attempt.score) == (AttemptStatus.EXPIRED, attempt.deadline, 10)
    assert LedgerEntry.objects.filter(person=staff).count() == 1


def test_attempts_allowed_and_the_window(staff, area, now):
    quiz = make_quiz([make_question(area)], max_attempts=1, opens_at=now + timedelta(hours=1))
    with pytest.raises(QuizUnavailable, match="尚未开放"):
        start_exam(person=staff, quiz=quiz, at=now)
    later = now + timedelta(hours=2)
    attempt = start_exam(person=staff, quiz=quiz, at=later)
    submit_exam(attempt=attempt, answers={}, at=later)
    with pytest.raises(QuizUnavailable, match="次数已用完"):
        start_exam(person=staff, quiz=quiz, at=later)
    quiz.closes_at, quiz.max_attempts = now, 0
    quiz.save()
    with pytest.raises(QuizUnavailable, match="已截止"):
        start_exam(person=staff, quiz=quiz, at=later)


def test_a_rule_based_paper_draws_by_area_kind_and_difficulty(staff, now):
    social, other = make_area(), make_area()
    easy = [make_question(social, stem=f"易{i}", difficulty=1) for i in range(4)]
    for i in range(3):
        make_question(social, stem=f"难{i}", difficulty=5)
        make_question(social, stem=f"判断{i}", kind=QuestionKind.TRUE_FALSE, difficulty=1)
        make_question(other, stem=f"别的条线{i}", difficulty=1)
    quiz = make_quiz(paper_kind=PaperKind.RULES, shuffle_options=True)
    PaperRule.objects.create(quiz=quiz, area=social, kind=QuestionKind.SINGLE, max_difficulty=2, count=3, points=5)
    attempt = start_exam(person=staff, quiz=quiz, at=now, rng=random.Random(7))
    stems = {item.snapshot["stem"] for item in attempt.items.all()}
    assert len(stems) == 3 and stems <= {q.stem for q in easy}
    assert {item.points for item in attempt.items.all()} == {5}


def test_opening_the_quiz_page_closes_an_attempt_whose_time_ran_out(staff_client, staff, area):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=5)
    attempt = start_exam(person=staff, quiz=quiz, at=timezone.now() - timedelta(minutes=1))
    html = staff_client.get(reverse("quizzes:quiz", args=[quiz.pk])).content.decode()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and "超时自动交卷" in html


def test_shuffled_options_are_shown_in_their_own_order_and_graded_by_what_was_chosen(staff_client, staff, area, now):
    question = make_question(area, correct="C")  # C. 单位证明 is the key in the bank
    quiz = make_quiz([question], shuffle_options=True, pass_ratio=0.6)
    attempt = start_exam(person=staff, quiz=quiz, at=now, rng=random.Random(3))
    shown = [option["label"] for option in attempt.items.get().snapshot["options"]]
    assert shown != ["A", "B", "C", "D"]  # this seed shuffles
    html = staff_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    letter = "ABCD"[shown.index("C")]  # the letter the clerk sees next to 单位证明
    assert re.search(rf'value="C"[^>]*>\s*<span><strong>{letter}\.</strong> 单位证明', html)
    outcome = submit_exam(attempt=attempt, answers={1: ["C"]}, at=now)
    assert outcome.attempt.score == 10 and outcome.attempt.passed is True
    result = staff_client.get(reverse("quizzes:attempt", args=[attempt.pk])).content.decode()
    assert f"正确答案：<strong>{letter}</strong>" in result  # the key in the letters that were shown


def test_a_score_below_the_pass_mark_fails(staff, area, now):
    quiz = make_quiz([make_question(area, stem=f"题{i}") for i in range(5)], pass_ratio=0.8)
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    outcome = submit_exam(attempt=attempt, answers={1: ["A"], 2: ["A"], 3: ["A"], 4: ["B"]}, at=now)
    assert outcome.attempt.ratio == 0.6 and outcome.attempt.passed is False


def test_editing_a_question_in_the_admin_raises_its_version(client, content_admin, area):
    question = make_question(area, stem="旧题干")
    client.force_login(content_admin)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    options = list(question.options.all())
    data = {
        "area": area.pk,
        "kind": question.kind,
        "difficulty": 3,
        "stem": "新题干",
        "explanation": question.explanation,
        "source": "",
        "accepted_answers": "",  # edited one per line; a choice question has none
        "is_active": "on",
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    for index, option in enumerate(options):
        data |= {
            f"options-{index}-id": option.pk,
            f"options-{index}-question": question.pk,
            f"options-{index}-label": option.label,
            f"options-{index}-text": option.text,
        }
        if option.is_correct:
            data[f"options-{index}-is_correct"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert (question.stem, question.version, question.accepted_answers) == ("新题干", 2, [])
    client.post(url, data)  # saved again without a change: the version stays
    question.refresh_from_db()
    assert question.version == 2


def test_accepted_answers_are_edited_one_per_line_in_the_admin(client, content_admin, area):
    question = make_question(area, kind=QuestionKind.FILL_BLANK, stem="材料不全时应____告知", accepted=["一次"])
    client.force_login(content_admin)
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    assert "一次</textarea>" in client.get(url).content.decode()
    data = {
        "area": area.pk,
        "kind": question.kind,
        "difficulty": 3,
        "stem": question.stem,
        "explanation": "",
        "source": "",
        "accepted_answers": "一次\r\n一次性\r\n\r\n",
        "is_active": "on",
        "options-TOTAL_FORMS": 0,
        "options-INITIAL_FORMS": 0,
        "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
    }
    assert client.post(url, data).status_code == 302
    question.refresh_from_db()
    assert question.accepted_answers == ["一次", "一次性"]


def test_an_exam_closes_at_its_deadline_not_a_moment_after(staff, area, now):
    """Mutation survivor (issue 12, item 9): `at >= deadline` → `at > deadline` survived: no test looked at
    the very instant of the deadline. At it, the answer is refused and the attempt closes."""
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=60)
    attempt = start_exam(person=staff, quiz=quiz, at=now)
    deadline = now + timedelta(seconds=60)
    save_answer(attempt=attempt, position=1, values=["A"], at=deadline - timedelta(microseconds=1))
    with pytest.raises(AttemptClosed):
        save_answer(attempt=attempt, position=2, values=["A", "B"], at=deadline)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and attempt.submitted_at == deadline


def test_a_quiz_closed_at_this_very_moment_cannot_be_started(staff, area, now):
    quiz = make_quiz(one_of_each_kind(area), closes_at=now)
    with pytest.raises(QuizUnavailable):
        start_exam(person=staff, quiz=quiz, at=now)


@pytest.mark.parametrize("closes_in, limit, expected", [(300, 600, 300), (900, 600, 600), (None, 600, 600)])
def test_the_deadline_is_the_earlier_of_the_close_time_and_the_time_limit(staff, area, now, closes_in, limit, expected):
    """Mutation survivor (issue 12, item 9): min → max in deadline_for survived; both orders are pinned here."""
    closes_at = now + timedelta(seconds=closes_in) if closes_in is not None else None
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=limit, closes_at=closes_at)
    assert start_exam(person=staff, quiz=quiz, at=now).deadline == now + timedelta(seconds=expected)


def test_a_quiz_with_a_close_time_and_no_limit_ends_at_the_close_time(staff, area, now):
    quiz = make_quiz(one_of_each_kind(area), time_limit_seconds=None, closes_at=now + timedelta(minutes=5))
    assert start_exam(person=staff, quiz=quiz, at=now).deadline == now + timedelta(minutes=5)


def test_a_rule_for_one_kind_draws_only_that_kind(staff, area, now):
    """Mutation survivor: 组卷 ignoring the rule's kind survived a seeded test; every seed must hold."""
    single = make_question(area, stem="唯一的单选题")
    for i in range(5):
        make_question(area, stem=f"判断{i}", kind=QuestionKind.TRUE_FALSE)
    quiz = make_quiz(paper_kind=PaperKind.RULES)
    PaperRule.objects.create(quiz=quiz, area=area, kind=QuestionKind.SINGLE, count=1, points=5)
    for seed in range(10):
        attempt = start_exam(person=make_user(), quiz=quiz, at=now, rng=random.Random(seed))
        assert [item.snapshot["stem"] for item in attempt.items.all()] == [single.stem]
