"""A content admin at a desktop writes a lesson in the admin and watches the sanitized preview
update as she types, then uploads a lesson pack that has a bad file in it."""

import zipfile

from accounts.models import Role
from tests.conftest import make_user
from tests.e2e.conftest import login, screenshot
from tests.training.test_importer import good
from training import demo
from training.models import Lesson


def test_content_admin_writes_a_lesson_with_the_live_preview_and_uploads_a_pack(desktop_page, center, tmp_path):
    demo.load_areas()
    admin = make_user(Role.ADMIN, center=center, full_name="周敏")
    page = desktop_page
    login(page, admin.username)
    page.goto("/admin/training/lesson/add/")
    page.locator("#id_body_markdown").fill(
        "## 材料清单\n\n| 情形 | 材料 |\n| --- | --- |\n| 本人办理 | **身份证件** |\n\n<img src=x onerror=alert(1)>"
    )
    preview = page.locator("[data-preview]")
    preview.locator("h2#sec-1").wait_for()
    assert "材料清单" in preview.inner_text() and preview.locator("table strong").inner_text() == "身份证件"
    assert "onerror" not in preview.inner_html()
    screenshot(page, "training-admin-preview-desktop")

    pack = tmp_path / "lessons.zip"
    with zipfile.ZipFile(pack, "w") as archive:
        archive.writestr("ss/a.md", good("ss-card-apply", "社保卡首次申领"))
        archive.writestr("ss/b.md", "没有 front matter 的文件")
    page.goto("/admin/training/lesson/")
    page.get_by_test_id("import-pack").click()
    page.get_by_label("课时包（.zip）").set_input_files(str(pack))
    page.get_by_role("button", name="上传并导入").click()
    errors = page.get_by_test_id("import-errors")
    assert "ss/b.md" in errors.inner_text() and "ss/a.md" not in errors.inner_text()
    screenshot(page, "training-admin-import-errors-desktop")
    assert not Lesson.objects.exists()
