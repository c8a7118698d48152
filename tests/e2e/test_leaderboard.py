"""A clerk checks the 比学赶超 board on a phone: rank, who to catch, and the month view."""

from django.utils import timezone

from leaderboard.services import record_result
from tests.conftest import make_area, make_team, make_user
from tests.e2e.conftest import login, screenshot


def test_clerk_sees_rank_target_and_switches_period(phone_page, center):
    team = make_team(center, "综合受理一组")
    me = make_user(team=team, full_name="李娜")
    leader = make_user(team=team, full_name="王芳")
    area = make_area("社会保障")
    record_result(person=leader, area=area, kind="exam", activity_id=1, score_ratio=1, points=30, at=timezone.now())
    record_result(person=me, area=area, kind="exam", activity_id=1, score_ratio=0.5, points=12, at=timezone.now())

    login(phone_page, me.username)
    panel = phone_page.get_by_test_id("leaderboard-panel")
    assert "第 2 名" in panel.inner_text() and "再得 19 分就能超过 王芳" in panel.inner_text()
    panel.click()
    assert "还差 19 分" in phone_page.get_by_test_id("catch-target").inner_text()
    phone_page.get_by_role("link", name="本月").click()
    phone_page.wait_for_url("**period=month")
    rows = phone_page.get_by_test_id("person-ranking").locator("tbody tr")
    assert rows.nth(0).inner_text().split()[1] == "王芳"
    screenshot(phone_page, "leaderboard-phone")
