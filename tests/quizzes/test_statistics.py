"""Item analysis on a small known data set, and the 纠错 loop."""

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, QuestionReport, ReportStatus
from quizzes.services.exams import start_exam, submit_exam
from quizzes.statistics import item_statistics
from tests.quizzes.factories import make_question, make_quiz


def test_facility_and_discrimination_on_a_known_set():
    # Ten people (attempt ratios 0.1 .. 1.0). Question 1: the top five right -> P 0.5, D = 1 - 0 = 1.
    # Question 2: only the bottom three right -> P 0.3, D = 0 - 1 = -1 (flagged).
    # Question 3: nobody right -> P 0 (flagged as too hard), D 0.
    rows = []
    for n in range(1, 11):
        total = n / 10
        rows += [(1, 1.0 if n > 5 else 0.0, total), (2, 1.0 if n <= 3 else 0.0, total), (3, 0.0, total)]
    stats = item_statistics(rows)
    assert (stats[1].facility, stats[1].discrimination, stats[1].flags) == (0.5, 1.0, ())
    assert (stats[2].facility, stats[2].discrimination) == (pytest.approx(0.3), -1.0)
    assert any("高分者" in flag for flag in stats[2].flags)
    assert stats[3].facility == 0 and any("无人答对" in flag for flag in stats[3].flags)


def test_too_few_answers_give_no_discrimination_and_no_flag():
    stats = item_statistics([(1, 0.0, 0.9), (1, 0.0, 0.1)])
    assert stats[1].discrimination is None and stats[1].flags == ()


@pytest.mark.django_db
def test_staff_report_an_answered_question_and_admins_close_it(client, staff, content_admin, area):
    question = make_question(area)
    attempt = start_exam(person=staff, quiz=make_quiz([question]), at=timezone.now())
    item = attempt.items.get()
    client.force_login(staff)
    url = reverse("quizzes:report_question", args=[item.pk])
    assert client.get(url).status_code == 404  # not before the answer is graded
    submit_exam(attempt=attempt, answers={1: ["B"]}, at=timezone.now())
    response = client.post(url, {"text": "答案应为 B，依据最新办事指南。"})
    assert response.status_code == 302
    report = QuestionReport.objects.get()
    assert (report.question, report.reporter, report.question_version) == (question, staff, 1)

    client.force_login(content_admin)
    queue = client.get(reverse("quizzes:report_queue")).content.decode()
    assert "依据最新办事指南" in queue
    client.post(reverse("quizzes:report_close", args=[report.pk]), {"status": "fixed", "note": "已改"})
    report.refresh_from_db()
    assert report.status == ReportStatus.FIXED and report.handled_by == content_admin
    assert client.get(reverse("quizzes:stats")).status_code == 200


@pytest.mark.django_db
def test_nobody_reports_on_someone_elses_answer(client, staff, area):
    from tests.conftest import make_user

    attempt = start_exam(person=staff, quiz=make_quiz([make_question(area)]), at=timezone.now())
    submit_exam(attempt=attempt, answers={1: ["A"]}, at=timezone.now())
    client.force_login(make_user())
    item = Attempt.objects.get().items.get()
    assert client.post(reverse("quizzes:report_question", args=[item.pk]), {"text": "x"}).status_code == 404
