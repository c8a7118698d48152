"""The memory card journey on a phone: a wrong answer in 每日一练 lands in the 错题本 with its next
review date; answered right when it is due, the date moves out."""

from datetime import timedelta

from django.utils import timezone

from quizzes.models import MemoryCard
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.quizzes.factories import make_question


def review_text(day) -> str:
    return f"{day.month}月{day.day}日复习"


def test_a_wrong_daily_answer_is_reviewed_when_due_and_its_date_moves_out(phone_page, area):
    question = make_question(area, stem="补换社保卡需要什么材料？", explanation="本人有效身份证件即可办理。")
    clerk = make_user()
    page = phone_page
    login(page, clerk.username)

    # 每日一练: answer wrong (B; the key is A).
    page.goto("/quizzes/daily/")
    page.get_by_test_id("start-daily").click()
    page.get_by_test_id("question").locator("label.choice").nth(1).click()
    page.get_by_test_id("answer").click()
    page.get_by_text("回答错误").wait_for()

    # The 错题本 shows it, due tomorrow (FSRS after a lapse), with the 7-day forecast.
    page.goto("/quizzes/mistakes/")
    card = MemoryCard.objects.get(person=clerk, question=question)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert timezone.localdate(card.due) == tomorrow
    mistake = page.get_by_test_id("mistake")
    assert "补换社保卡需要什么材料？" in mistake.inner_text()
    assert page.get_by_test_id("next-review").inner_text() == review_text(tomorrow)
    assert "未来 7 天共有 1 道题到期复习" in page.get_by_test_id("forecast").inner_text()
    screenshot(page, "memory-book-after-a-lapse")

    # A day passes (the card's clock moved back one day): it is due now.
    MemoryCard.objects.filter(pk=card.pk).update(
        due=card.due - timedelta(days=1), last_review=card.last_review - timedelta(days=1)
    )
    page.reload()
    assert page.get_by_test_id("next-review").inner_text() == "今日复习"

    # Practise the 错题本 and answer right this time.
    page.get_by_role("button", name="练错题").click()
    page.get_by_test_id("question").locator("label.choice").first.click()
    page.get_by_test_id("answer").click()
    page.get_by_text("回答正确").wait_for()

    # The next review has moved out beyond tomorrow, at the interval FSRS gives.
    page.goto("/quizzes/mistakes/")
    card.refresh_from_db()
    later = timezone.localdate(card.due)
    assert later > tomorrow
    assert page.get_by_test_id("next-review").inner_text() == review_text(later)
    screenshot(page, "memory-book-after-a-right-review")
