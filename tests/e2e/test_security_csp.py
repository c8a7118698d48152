"""In a real browser, the Content-Security-Policy blocks nothing the product itself uses."""

from accounts.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import DESKTOP, login

PAGES = ["/", "/training/", "/quizzes/", "/simulations/", "/competitions/", "/competitions/new/", "/leaderboard/"]
PAGES += ["/reports/", "/quizzes/manage/import/", "/quizzes/manage/stats/", "/admin/", "/admin/training/lesson/add/"]


def test_no_page_trips_the_content_security_policy(new_context, center):
    admin = make_user(Role.ADMIN, center=center)
    admin.is_superuser = True
    admin.save()
    page = new_context(DESKTOP).new_page()
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    login(page, admin.username)
    for url in PAGES:
        response = page.goto(url)
        assert response.ok, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    assert not violations
