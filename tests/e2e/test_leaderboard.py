"""比学赶超帮 in a browser: a clerk on a phone, the board refreshing itself, a supervisor pairing
a mentor with a mentee, and the hall screen at 1920×1080."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from leaderboard.models import MentorPair
from leaderboard.services import record_result
from tests.conftest import make_area, make_team, make_user
from tests.e2e.conftest import PROJECTOR, login, screenshot
from tests.quizzes.factories import make_question

_ids = iter(range(1, 100_000))


def result(person, area, points, *, ratio=1.0, at=None):
    record_result(
        person=person,
        area=area,
        kind="exam",
        activity_id=next(_ids),
        score_ratio=ratio,
        points=points,
        at=at or timezone.now(),
    )


def test_clerk_sees_rank_neighbours_target_and_steps(phone_page, center):
    team = make_team(center, "综合受理一组")
    me = make_user(team=team, full_name="李娜")
    area = make_area("社会保障")
    for name, points in (("王芳", 150), ("张敏", 90), ("刘洋", 10), ("陈静", 5)):
        result(make_user(team=team, full_name=name), area, points)
    result(me, area, 30)

    page = phone_page
    login(page, me.username)
    panel = page.get_by_test_id("leaderboard-panel")
    assert "第 3 名" in panel.inner_text() and "再得 61 分就能超过 张敏" in panel.inner_text()
    panel.click()
    assert "还差 61 分" in page.get_by_test_id("catch-target").inner_text()
    assert page.get_by_test_id("catch-steps").inner_text() == "再完成 2 次每日一练"
    neighbours = page.get_by_test_id("neighbours").locator("tr")
    assert [neighbours.nth(i).inner_text().split()[1] for i in range(5)] == ["王芳", "张敏", "李娜", "刘洋", "陈静"]
    screenshot(page, "leaderboard-phone")
    page.get_by_text("累计", exact=True).click()
    page.wait_for_url("**period=all**")
    assert page.get_by_test_id("person-ranking").locator("tbody tr").nth(0).inner_text().split()[1] == "王芳"


def test_the_board_changes_without_a_reload_after_a_daily_practice(new_context, center, settings):
    settings.LEADERBOARD_POLL_SECONDS = 1
    team = make_team(center, "综合受理一组")
    me = make_user(team=team, full_name="李娜")
    area = make_area("社会保障")
    for i in range(2):
        make_question(area, stem=f"每日一练第{i + 1}题：补换社保卡凭什么？")
    result(make_user(team=team, full_name="王芳"), area, 5)

    context = new_context()
    board = context.new_page()
    login(board, me.username)
    board.goto("/leaderboard/")
    board.get_by_test_id("first-points").wait_for()
    board.evaluate("window.__sameDocument = true")

    practice = context.new_page()  # the same phone, another tab: the daily round
    practice.goto("/quizzes/daily/")
    practice.get_by_test_id("start-daily").click()
    for _ in range(2):
        practice.get_by_test_id("question").locator("label.choice").first.click()  # A: right
        practice.get_by_test_id("answer").click()
        practice.get_by_test_id("review").wait_for()
        if practice.get_by_test_id("next-question").count():
            practice.get_by_test_id("next-question").click()
            practice.get_by_test_id("question").wait_for()
    practice.get_by_test_id("round-result").click()
    practice.get_by_test_id("score-card").wait_for()

    board.bring_to_front()
    board.get_by_test_id("my-rank").get_by_text("第 1 名", exact=True).wait_for(timeout=10_000)
    assert board.evaluate("window.__sameDocument") is True  # swapped in by the poll, no reload
    assert "第 1 名" in board.get_by_test_id("my-rank").inner_text()
    screenshot(board, "leaderboard-after-daily")


def test_a_supervisor_confirms_a_suggested_pair_and_sees_it_on_the_help_board(desktop_page, center):
    team = make_team(center, "社保医保组")
    supervisor = make_user(Role.SUPERVISOR, team=team, full_name="周志强")
    team.supervisors.add(supervisor)
    area = make_area("社会保障")
    mentor, mentee = make_user(team=team, full_name="王芳"), make_user(team=team, full_name="陈静")
    now = timezone.now()
    for days in (50, 45, 40, 3, 2):
        result(mentor, area, 10, ratio=0.95, at=now - timedelta(days=days))
        result(mentee, area, 10, ratio=0.3, at=now - timedelta(days=days))

    page = desktop_page
    login(page, supervisor.username)
    page.goto("/leaderboard/")
    page.get_by_role("link", name="师徒结对（帮）").click()
    suggestion = page.get_by_test_id("suggestion")
    assert "王芳" in suggestion.inner_text() and "陈静" in suggestion.inner_text()
    screenshot(page, "leaderboard-help-suggestion")
    suggestion.get_by_role("button", name="确认结对").click()
    page.get_by_text("已确认结对：王芳 带 陈静（社会保障）").wait_for()
    assert page.get_by_test_id("suggestions").count() == 0
    assert "王芳" in page.get_by_test_id("mentor-ranking").inner_text()
    pairs = page.get_by_test_id("pairs").inner_text()
    assert "王芳" in pairs and "陈静" in pairs
    pair = MentorPair.objects.get()
    assert (pair.status, pair.decided_by_id) == ("confirmed", supervisor.pk)
    page.get_by_role("link", name="进展").click()
    page.get_by_test_id("pair-progress").wait_for()
    screenshot(page, "leaderboard-pair")


def test_the_hall_screen_at_1920_by_1080(new_context, center):
    team, other = make_team(center, "综合受理一组"), make_team(center, "综合受理二组")
    supervisor = make_user(Role.SUPERVISOR, team=team, full_name="陈建华")
    team.supervisors.add(supervisor)
    area = make_area("社会保障")
    names = ["王芳", "李娜", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周婷", "吴刚", "徐慧", "孙涛"]
    for i, name in enumerate(names):
        result(make_user(team=team if i % 2 else other, full_name=name), area, 200 - i * 13)
    shy = make_user(team=team, full_name="不愿具名")
    shy.anonymous_on_boards = True
    shy.save()
    result(shy, area, 500)

    page = new_context(PROJECTOR).new_page()
    login(page, supervisor.username)
    page.goto("/leaderboard/screen/")
    slides = page.get_by_test_id("screen-slides")
    people = page.get_by_test_id("slide-people")
    people.wait_for()
    text = people.inner_text()
    assert "匿名" in text and "不愿具名" not in text and "王芳" in text  # the hall is public
    assert page.get_by_test_id("slide-teams").count() == 1 and page.get_by_test_id("slide-mentors").count() == 1
    box = slides.bounding_box()
    assert box["width"] <= 1920 and box["y"] + box["height"] <= 1080  # no scrolling on the TV
    font = page.evaluate("getComputedStyle(document.querySelector('.lb-big li')).fontSize")
    assert float(font.rstrip("px")) >= 40  # readable from the back of the room
    screenshot(page, "leaderboard-screen")
