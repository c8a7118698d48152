"""A manager reads the competency report at a desktop and downloads the Excel file."""

import openpyxl
from django.utils import timezone

from accounts.models import Role
from leaderboard.services import record_result
from tests.conftest import make_area, make_team, make_user
from tests.e2e.conftest import DESKTOP, login, screenshot


def test_manager_reads_report_and_downloads_excel(new_context, center, tmp_path):
    team = make_team(center, "综合受理一组")
    area = make_area("长三角跨省通办")
    weak = make_user(team=team, full_name="李娜")
    record_result(person=weak, area=area, kind="exam", activity_id=1, score_ratio=0.3, points=3, at=timezone.now())
    manager = make_user(Role.MANAGER, center=center)

    page = new_context(DESKTOP).new_page()
    login(page, manager.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="能力报表").click()
    assert "李娜" in page.get_by_test_id("weak-list").inner_text()
    assert "30%" in page.get_by_test_id("people-matrix").inner_text()
    screenshot(page, "reports-desktop")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    sheet = openpyxl.load_workbook(path)["个人×业务条线"]
    assert [sheet["B2"].value, sheet["C2"].value] == ["李娜", 30]
