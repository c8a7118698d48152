"""A clerk answers a lesson's check on a phone, sees what was right and why, and it lands in the ledger."""

from leaderboard.models import LedgerEntry
from quizzes.memory_selectors import book_cards
from quizzes.models import QuestionKind
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.quizzes.factories import make_lesson, make_question


def test_lesson_check_on_a_phone(phone_page, area):
    single = make_question(area, stem="补换社保卡需要什么材料？", explanation="本人有效身份证件即可办理。")
    multiple = make_question(
        area,
        kind=QuestionKind.MULTIPLE,
        stem="哪些属于“两个免于提交”的材料？",
        options={"A": "本市政府部门核发的材料", "B": "能通过电子证照调取的材料", "C": "外省单位开具的证明"},
        correct="AB",
        explanation="本市政府部门核发的、能通过电子证照调取的材料，不再要求居民提交。",
    )
    lesson = make_lesson(area, questions=[single, multiple])
    clerk = make_user(full_name="王芳")
    page = phone_page
    login(page, clerk.username)

    page.goto(f"/quizzes/lessons/{lesson.pk}/check/")
    assert "本人有效身份证件即可办理。" not in page.content()
    page.get_by_label("A. 本人有效身份证件").check()
    page.get_by_label("A. 本市政府部门核发的材料").check()  # 少选: half credit
    screenshot(page, "lesson-check-form")
    page.get_by_role("button", name="提交答案").click()

    reviews = page.get_by_test_id("review")
    assert reviews.nth(0).get_by_text("回答正确").is_visible()
    assert reviews.nth(1).get_by_text("部分正确（少选）").is_visible()
    assert page.get_by_text("本人有效身份证件即可办理。").is_visible()
    assert page.get_by_test_id("back-to-lesson").is_visible()
    screenshot(page, "lesson-check-result")

    entry = LedgerEntry.objects.get(person=clerk)
    assert entry.score_ratio == 0.75
    assert book_cards(person=clerk).filter(question=multiple).exists()
