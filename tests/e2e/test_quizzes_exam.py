"""Timed exams on a phone: resume after closing the tab, and the server's deadline closing the attempt."""

from playwright.sync_api import expect

from quizzes.models import Attempt, AttemptStatus
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.quizzes.factories import make_quiz, one_of_each_kind


def test_close_the_tab_mid_exam_come_back_and_finish(new_context, area):
    quiz = make_quiz(one_of_each_kind(area), title="社保业务月考", time_limit_seconds=600)
    clerk = make_user(full_name="李娜")
    context = new_context()
    page = context.new_page()
    login(page, clerk.username)
    page.goto(f"/quizzes/exams/{quiz.pk}/")
    screenshot(page, "exam-detail")
    page.get_by_test_id("start-exam").click()
    page.wait_for_function("/^(09|10):\\d\\d$/.test(document.querySelector('.countdown').textContent)")
    assert "解析-单选" not in page.content()
    page.get_by_label("A. 本人有效身份证件").check()
    page.locator("#save-q1").get_by_text("已保存").wait_for()
    page.get_by_label("填写答案").fill("一次性书面")
    page.locator("#save-q4").get_by_text("已保存").wait_for()
    screenshot(page, "exam-in-progress")
    page.close()  # the tab is gone; the clock keeps running on the server

    page = context.new_page()
    page.goto("/quizzes/")
    page.get_by_role("link", name="社保业务月考").click()
    page.get_by_role("button", name="继续作答").click()
    assert page.get_by_label("A. 本人有效身份证件").is_checked()
    assert page.get_by_label("填写答案").input_value() == "一次性书面"
    page.get_by_label("A. 本市部门核发的材料").check()
    page.get_by_label("B. 电子证照可调取的材料").check()
    expect(page.get_by_test_id("answered-count")).to_have_text("已答 3 / 4 题")  # kept up to date by autosave
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("submit-exam").click()  # one question is blank: asked first, and stays
    assert "还有 1 题未作答" in asked[0] and Attempt.objects.get(person=clerk).is_open
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("submit-exam").click()

    page.get_by_text("交卷成功").wait_for()
    assert page.get_by_test_id("score").inner_text() == "30 / 40"
    for explanation in ["解析-单选", "解析-多选", "解析-判断", "解析-填空"]:
        assert page.get_by_text(explanation).is_visible()
    screenshot(page, "exam-result")
    attempt = Attempt.objects.get(person=clerk)
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == 30


def test_time_runs_out_and_the_attempt_is_finalized_at_the_deadline(phone_page, area):
    quiz = make_quiz(one_of_each_kind(area), title="三秒小测", time_limit_seconds=3)
    clerk = make_user()
    page = phone_page
    login(page, clerk.username)
    page.goto(f"/quizzes/exams/{quiz.pk}/")
    page.get_by_test_id("start-exam").click()
    page.get_by_label("A. 本人有效身份证件").check()
    page.locator("#save-q1").get_by_text("已保存").wait_for()
    # No clicking: the countdown reaches zero, the page reloads and the server closes the attempt.
    page.get_by_text("时间到，已自动交卷（按截止时间收卷）。").wait_for(timeout=15_000)
    screenshot(page, "exam-expired")
    attempt = Attempt.objects.get(person=clerk)
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == 10
    assert page.get_by_text("解析-单选").is_visible()
