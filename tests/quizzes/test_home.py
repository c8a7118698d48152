"""The home page cards of the question bank say what is waiting, not what the app is."""

from django.urls import reverse
from django.utils import timezone

from quizzes.models import QuestionReport

from .factories import make_question, make_quiz


def test_the_bank_card_counts_the_exams_still_to_take(staff_client, area):
    make_quiz([make_question(area)], title="社保业务月考")
    page = staff_client.get(reverse("home")).content.decode()
    assert "1 场考试待参加" in page


def test_the_admin_card_counts_open_reports_and_leads_to_the_queue(client, content_admin, staff, area):
    question = make_question(area)
    QuestionReport.objects.create(
        question=question, reporter=staff, question_version=question.version, text="答案有误", created_at=timezone.now()
    )
    client.force_login(content_admin)
    page = client.get(reverse("home")).content.decode()
    assert "1 条纠错待处理" in page
    assert f'href="{reverse("quizzes:report_queue")}"' in page
