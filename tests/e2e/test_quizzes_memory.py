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


def test_a_supervisor_reads_the_teams_retention_per_area_beside_mastery(desktop_page, area):
    from accounts.models import Role
    from leaderboard.services import record_result
    from quizzes.services import record_outcome
    from tests.conftest import make_area, make_team

    team = make_team()
    supervisor = make_user(Role.SUPERVISOR, team=team)
    team.supervisors.add(supervisor)
    clerk = make_user(team=team)
    other_area = make_area("居住证")
    week_ago = timezone.now() - timedelta(days=7)
    for n in range(3):
        record_outcome(
            person=clerk, question=make_question(area, stem=f"记牢的题{n}"), ratio=1, source="daily", at=week_ago
        )
    record_outcome(
        person=clerk, question=make_question(other_area, stem="忘了的题"), ratio=0, source="daily", at=week_ago
    )
    record_result(person=clerk, area=area, kind="practice", activity_id="e2e", score_ratio=0.9, points=9, at=week_ago)

    page = desktop_page
    login(page, supervisor.username)
    page.goto("/")
    page.get_by_role("link", name="记忆保持").first.click()
    table = page.get_by_test_id("retention-matrix")
    table.wait_for()
    row = table.locator("tr", has_text=clerk.display_name)
    cells = row.get_by_test_id("retention").all_inner_texts()
    assert len(cells) == 2  # one per area with cards
    held, forgotten = (int(text.rstrip("%")) for text in cells)
    assert held > forgotten  # a week after a right answer vs. a week after a wrong one
    assert "掌握度 90" in row.inner_text()  # mastery beside it
    screenshot(page, "memory-retention-supervisor")
