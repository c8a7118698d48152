"""Each role logs in through the form and sees its own home page."""

import pytest

from accounts.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import DESKTOP, login, screenshot


@pytest.mark.parametrize(
    ("role", "heading", "sees_reports"),
    [
        (Role.STAFF, "今日学习", False),
        (Role.SUPERVISOR, "练兵组织", True),
        (Role.MANAGER, "能力概览", True),
        (Role.ADMIN, "内容管理", True),
    ],
)
def test_each_role_logs_in_and_sees_its_home(new_context, center, role, heading, sees_reports):
    person = make_user(role, center=center, full_name="测试用户")
    page = new_context(DESKTOP).new_page()
    page.goto("/quizzes/")
    assert "/accounts/login/" in page.url  # the login wall
    login(page, person.username)
    assert page.get_by_test_id("home-heading").inner_text() == heading
    assert page.get_by_test_id("user-name").inner_text() == "测试用户"
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="能力报表").count() == (1 if sees_reports else 0)
    screenshot(page, f"home-{role}")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")


def test_phone_menu_opens_and_navigates(phone_page, staff):
    login(phone_page, staff.username)
    phone_page.get_by_text("菜单").click()
    phone_page.get_by_role("navigation", name="主导航").get_by_role("link", name="业务学习").click()
    phone_page.wait_for_url("**/training/")


def test_live_server_speaks_websocket(phone_page, staff):
    login(phone_page, staff.username)
    reply = phone_page.evaluate(
        """() => new Promise((resolve, reject) => {
            const ws = new WebSocket(`ws://${location.host}/ws/ping/`);
            ws.onopen = () => ws.send(JSON.stringify({type: "ping"}));
            ws.onmessage = (e) => resolve(JSON.parse(e.data));
            ws.onerror = () => reject("socket error");
        })"""
    )
    assert reply == {"type": "pong", "user": staff.username}
