"""Practice on a phone: htmx swaps feedback and the next question in without reloading the page."""

from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.memory_selectors import book_cards
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.quizzes.factories import make_question


def test_practice_an_area_question_by_question(phone_page, area):
    make_question(area, stem="补换社保卡需要什么材料？", explanation="本人有效身份证件即可办理。")
    make_question(
        area, stem="居民丢了社保卡，第一步？", options={"A": "先挂失", "B": "先补卡"}, explanation="先挂失再补卡。"
    )
    clerk = make_user()
    page = phone_page
    login(page, clerk.username)
    page.goto("/quizzes/")
    screenshot(page, "quizzes-home")
    page.get_by_test_id(f"area-{area.code}").click()
    page.evaluate("window.__sameDocument = true")  # survives only if nothing reloads the page

    for _ in range(2):
        page.get_by_test_id("question").locator("label.choice").nth(1).click()  # answer B: wrong
        page.get_by_test_id("answer").click()
        page.get_by_test_id("review").wait_for()
        assert page.get_by_text("回答错误").is_visible()
        screenshot(page, "practice-feedback")
        if page.get_by_test_id("next-question").count():
            page.get_by_test_id("next-question").click()
            page.get_by_test_id("question").wait_for()
            assert page.get_by_test_id("progress").inner_text() == "已答 1 / 2"

    assert page.evaluate("window.__sameDocument") is True
    page.get_by_test_id("round-result").click()
    page.get_by_test_id("score-card").wait_for()
    assert book_cards(person=clerk).count() == 2
    assert LedgerEntry.objects.filter(person=clerk, activity_kind=ActivityKind.PRACTICE).count() == 1

    page.goto("/quizzes/mistakes/")
    assert page.get_by_test_id("mistake").count() == 2
    screenshot(page, "mistake-book")


def test_daily_practice_from_the_home_page(phone_page, area):
    for i in range(3):
        make_question(area, stem=f"窗口受理第{i + 1}题：补换社保卡凭什么？", explanation="本人有效身份证件即可办理。")
    clerk = make_user()
    page = phone_page
    login(page, clerk.username)
    page.goto("/")
    page.get_by_role("link", name="每日一练").first.click()
    page.get_by_test_id("daily-start").wait_for()  # a GET shows what is coming; nothing is made yet
    screenshot(page, "daily-start")
    page.get_by_test_id("start-daily").click()
    page.get_by_test_id("question").wait_for()
    page.get_by_test_id("question").locator("label.choice").first.click()
    page.get_by_test_id("answer").click()
    page.get_by_text("回答正确").wait_for()
    assert page.get_by_test_id("progress").inner_text() == "已答 1 / 3"
    page.goto("/quizzes/daily/")  # back later the same day: the same round, where it was left
    assert page.get_by_test_id("progress").inner_text() == "已答 1 / 3"
