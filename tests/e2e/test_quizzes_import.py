"""A content admin imports the bank at a desktop: a broken file is refused row by row, a good one
previewed, then committed."""

from django.conf import settings

from accounts.models import Role
from quizzes.models import Question
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.quizzes.factories import make_plan_lessons
from training import demo as training_demo


def test_import_a_bank_file_with_preview(desktop_page, center, tmp_path):
    training_demo.load()
    make_plan_lessons()
    admin = make_user(Role.ADMIN, center=center)
    page = desktop_page
    login(page, admin.username)
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "题型,题干,选项A,选项B,答案,业务条线\n问答题,题干一,甲,乙,A,社会保障\n单选题,题干二,甲,乙,C,社会保障\n",
        "utf-8-sig",
    )
    page.goto("/quizzes/manage/import/")
    page.get_by_label("题库文件").set_input_files(str(broken))
    page.get_by_role("button", name="上传并检查").click()
    errors = page.get_by_test_id("import-errors")
    assert "第 2 行" in errors.inner_text() and "第 3 行" in errors.inner_text()
    screenshot(page, "import-errors")
    assert not Question.objects.exists()

    page.get_by_label("题库文件").set_input_files(str(settings.BASE_DIR / "content/questions/demo_bank.csv"))
    page.get_by_role("button", name="上传并检查").click()
    assert "新增 150" in page.get_by_test_id("import-summary").inner_text()
    screenshot(page, "import-preview")
    page.get_by_test_id("confirm-import").click()
    page.get_by_text("导入完成").wait_for()
    assert Question.objects.count() == 150
