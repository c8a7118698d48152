"""Login, logout, password change, the role-aware home page and the login wall."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/training/",
    "/quizzes/",
    "/simulations/",
    "/competitions/",
    "/leaderboard/",
    "/reports/",
    "/accounts/password/",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_request_redirects_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_with_password_lands_on_home(client, staff):
    response = client.post(reverse("accounts:login"), {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_wrong_password_shows_clear_message(client, staff):
    response = client.post(reverse("accounts:login"), {"username": staff.username, "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_logout_needs_post_and_ends_session(client, staff):
    client.force_login(staff)
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


def test_password_change(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
    )
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("Xin-mima-2026!")


@pytest.mark.parametrize(
    ("role", "heading"),
    [(Role.STAFF, "今日学习"), (Role.SUPERVISOR, "练兵组织"), (Role.MANAGER, "能力概览"), (Role.ADMIN, "内容管理")],
)
def test_home_heading_follows_role(client, center, role, heading):
    client.force_login(make_user(role, center=center))
    assert heading in client.get("/").content.decode()


def test_reports_link_only_for_those_who_may_see_reports(client, staff, manager):
    client.force_login(staff)
    assert 'href="/reports/"' not in client.get("/").content.decode()
    client.force_login(manager)
    assert 'href="/reports/"' in client.get("/").content.decode()


def test_htmx_requests_carry_csrf_header(client, staff):
    client.force_login(staff)
    body = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken"' in body
    assert "django_htmx/htmx-2.min.js" in body


def test_login_page_lists_demo_accounts_only_in_demo_mode(client, settings):
    settings.DEMO_MODE = False
    assert "演示账号" not in client.get(reverse("accounts:login")).content.decode()
    settings.DEMO_MODE = True
    body = client.get(reverse("accounts:login")).content.decode()
    assert "演示账号" in body and settings.DEMO_PASSWORD in body


def test_unknown_page_uses_product_404(client, staff):
    client.force_login(staff)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_admin_site_closed_to_staff(client, staff, supervisor):
    for person in (staff, supervisor):
        client.force_login(person)
        assert client.get("/admin/").status_code == 302


def test_content_admin_edits_content_apps_but_not_people(client, content_admin):
    client.force_login(content_admin)
    assert content_admin.full_name in client.get("/admin/").content.decode()
    assert client.get("/admin/training/businessarea/").status_code == 200
    assert client.get("/admin/quizzes/question/add/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/leaderboard/ledgerentry/").status_code == 403


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器出错了" in html and "/static/css/app.css" in html


def test_permission_denied_uses_product_page(client, staff):
    client.force_login(staff)
    response = client.get(reverse("reports:index"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
