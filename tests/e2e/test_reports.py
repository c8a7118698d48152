"""The director's week with the competency report, and a clerk taking the 难点培训 paper on a phone.

The director opens the matrix, opens a cell's evidence, selects 难点 and generates a paper for a
team; a clerk of that team sees it on the phone's home page and takes it; the director follows up
and downloads the Excel file; a 好差评 file with one bad row is refused with nothing written, then
fixed and imported.
"""

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from quizzes.models import Attempt, AttemptStatus, PaperAssignment
from quizzes.services import answer_now
from quizzes.services.practice import start_practice
from reports.models import ResidentRating
from tests.conftest import make_area, make_team, make_user
from tests.e2e.conftest import DESKTOP, PHONE, login, screenshot
from tests.quizzes.factories import make_question
from tests.reports.conftest import result

RATINGS_HEADER = "评价日期,工号,姓名,办理事项,业务条线,评价,差评原因\n"


def test_director_turns_weak_points_into_training_and_a_clerk_takes_it(new_context, center, tmp_path):
    team = make_team(center, "综合受理一组")
    other = make_team(center, "社保医保组")
    area = make_area("长三角跨省通办")
    hard = make_question(area, stem="跨省通办代收材料后多久寄出？")
    make_question(area, stem="跨省通办专窗设在哪里？")
    weak = make_user(team=team, full_name="李娜", username="w0101")
    mates = [make_user(team=team, full_name="王芳"), make_user(team=other, full_name="张敏")]
    now = timezone.now()
    for person in [weak, *mates]:
        practice = start_practice(person=person, at=now, area=area)
        for item in practice.items.order_by("position"):
            wrong = item.question_id == hard.pk
            answer_now(attempt=practice, position=item.position, values=["B" if wrong else "A"], at=now)
    for _ in range(3):
        result(weak, area, 0.3, now=now)
    manager = make_user(Role.MANAGER, center=center)

    desk = new_context(DESKTOP).new_page()
    login(desk, manager.username)
    desk.get_by_role("navigation", name="主导航").get_by_role("link", name="能力报表").click()
    assert "李娜" in desk.get_by_test_id("weak-list").inner_text()
    row = desk.get_by_test_id("people-matrix").locator("tr", has_text="李娜")
    row.get_by_test_id("cell").first.click()  # htmx: the evidence opens beside the matrix
    evidence = desk.get_by_test_id("evidence")
    expect(evidence).to_contain_text("李娜 · 长三角跨省通办")
    assert evidence.locator("tbody tr").count() == 4  # three exam rows and the practice round
    screenshot(desk, "reports-evidence")

    desk.get_by_test_id("weak-link").click()
    desk.get_by_test_id("weak-questions").locator("tr", has_text="跨省通办代收材料后多久寄出").locator(
        "input[type=checkbox]"
    ).check()
    desk.get_by_label("长三角跨省通办").check()
    desk.get_by_label("布置给班组").select_option(label="综合受理一组")
    screenshot(desk, "reports-weak")
    desk.get_by_test_id("create-paper").click()
    expect(desk.get_by_test_id("assignment-done")).to_have_text("已完成 0 / 2 人")
    assignment = PaperAssignment.objects.get()
    assert assignment.team == team

    phone = new_context(PHONE).new_page()
    login(phone, weak.username)
    phone.get_by_test_id("assignment-panel").click()
    phone.get_by_test_id("start-exam").click()
    questions = phone.get_by_test_id("question")
    expect(questions.first).to_contain_text("跨省通办代收材料后多久寄出")
    for i in range(questions.count()):
        questions.nth(i).locator("input").first.check()
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.get_by_test_id("submit-exam").click()
    phone.get_by_text("交卷成功").wait_for()
    screenshot(phone, "reports-paper-taken")
    assert Attempt.objects.get(person=weak, quiz=assignment.quiz).status == AttemptStatus.SUBMITTED

    desk.reload()
    expect(desk.get_by_test_id("assignment-done")).to_have_text("已完成 1 / 2 人")
    desk.goto("/reports/")
    with desk.expect_download() as download:
        desk.get_by_test_id("export-xlsx").click()
    path = tmp_path / "report.xlsx"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(f"{timezone.localdate():%Y%m%d}.xlsx")
    sheet = openpyxl.load_workbook(path)["个人×业务条线"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["李娜"][0] == "综合受理一组" and rows["张敏"][0] == "社保医保组"

    broken = tmp_path / "ratings.csv"
    day = f"{timezone.localdate():%Y-%m-%d}"
    good_row = f"{day},w0101,李娜,跨省通办代收,长三角跨省通办,不满意,材料没有一次讲清\n"
    broken.write_text(RATINGS_HEADER + good_row + f"{day},w9999,无名,,,满意,\n", "utf-8-sig")
    desk.get_by_role("link", name="导入好差评").click()
    desk.get_by_label("好差评文件").set_input_files(str(broken))
    desk.get_by_test_id("rating-upload").click()
    errors = desk.get_by_test_id("rating-errors")
    expect(errors).to_contain_text("第 3 行")
    assert "w9999" in errors.inner_text() and not ResidentRating.objects.exists()
    screenshot(desk, "reports-ratings-errors")
    fixed = tmp_path / "ratings-fixed.csv"
    fixed.write_text(RATINGS_HEADER + good_row + f"{day},w0101,李娜,,,满意,\n", "utf-8-sig")
    desk.get_by_label("好差评文件").set_input_files(str(fixed))
    desk.get_by_test_id("rating-upload").click()
    expect(desk.get_by_test_id("rating-counts")).to_contain_text("新增 2 条")
    desk.get_by_test_id("rating-confirm").click()
    desk.get_by_text("导入完成").wait_for()
    assert ResidentRating.objects.count() == 2
    assert "50%" in desk.get_by_test_id("people-matrix").locator("tr", has_text="李娜").inner_text()

    phone.goto("/")
    expect(phone.get_by_test_id("recommendation-panel")).to_contain_text("长三角跨省通办")
    screenshot(phone, "reports-recommendation")
