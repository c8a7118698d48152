"""Importing a folder of Markdown lessons: all or nothing, every bad file named, idempotent."""

import zipfile
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import make_area
from training import importer
from training.importer import ImportFailed, import_folder, import_zip
from training.models import Course, Lesson

GOOD = """---
slug: {slug}
area: {area}
course: ss-card
course_title: 社保卡业务
title: {title}
order: {order}
key_points: [本人有效身份证件, 制卡周期约 10 个工作日]
difficult: true
reading_minutes: 6
---
## 材料清单

- 本人有效身份证件

## 办理流程

一次告知。
"""


@pytest.fixture
def social_security(db):
    return make_area(name="社会保障", code="social-security")


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def good(slug: str, title: str = "社保卡挂失与补换", order: int = 1, area: str = "social-security") -> str:
    return GOOD.format(slug=slug, title=title, order=order, area=area)


def test_a_folder_becomes_courses_and_lessons(tmp_path, social_security):
    write(tmp_path, "ss/ss-card-apply.md", good("ss-card-apply", "社保卡首次申领", 1))
    write(tmp_path, "ss/ss-card-replace.md", good("ss-card-replace", "社保卡挂失与补换", 2))
    write(tmp_path, "README.md", "# 说明，不是课时")
    report = import_folder(tmp_path)
    assert sorted(report.created) == ["ss-card-apply", "ss-card-replace"]
    course = Course.objects.get(slug="ss-card")
    assert course.area == social_security and course.title == "社保卡业务"
    lesson = Lesson.objects.get(slug="ss-card-replace")
    assert (lesson.course, lesson.title, lesson.sort_order) == (course, "社保卡挂失与补换", 2)
    assert lesson.key_points == ["本人有效身份证件", "制卡周期约 10 个工作日"]
    assert lesson.is_difficult and lesson.reading_minutes == 6 and lesson.is_published and not lesson.is_demo
    assert [s["title"] for s in lesson.sections] == ["材料清单", "办理流程"]


def test_importing_twice_updates_and_never_duplicates(tmp_path, social_security):
    write(tmp_path, "a.md", good("ss-card-apply", "社保卡首次申领"))
    import_folder(tmp_path)
    again = import_folder(tmp_path)
    assert again.unchanged == ["ss-card-apply"] and not again.created and not again.updated
    write(tmp_path, "a.md", good("ss-card-apply", "社保卡首次申领（修订）"))
    third = import_folder(tmp_path)
    assert third.updated == ["ss-card-apply"]
    assert Lesson.objects.count() == 1 and Course.objects.count() == 1
    assert Lesson.objects.get().title == "社保卡首次申领（修订）"


def test_one_broken_file_changes_nothing_and_every_bad_file_is_named(tmp_path, social_security):
    write(tmp_path, "a-good.md", good("ss-card-apply"))
    write(tmp_path, "b-no-front-matter.md", "## 只有正文\n\n没有 front matter")
    write(tmp_path, "c-bad-yaml.md", "---\ntitle: [未闭合\n---\n正文")
    write(tmp_path, "d-unknown-area.md", good("d-lesson", area="no-such-area"))
    write(tmp_path, "e-missing-title.md", "---\narea: social-security\ncourse: ss-card\n---\n正文")
    write(tmp_path, "f-duplicate-slug.md", good("ss-card-apply"))
    write(tmp_path, "g-bad-minutes.md", good("g-lesson").replace("reading_minutes: 6", "reading_minutes: 600"))
    write(tmp_path, "h-typo.md", good("h-lesson").replace("difficult:", "dificult:"))
    write(tmp_path, "i-empty-body.md", "---\narea: social-security\ncourse: ss-card\ntitle: 空\n---\n")
    with pytest.raises(ImportFailed) as failed:
        import_folder(tmp_path)
    reasons = {error.path: error.reason for error in failed.value.errors}
    assert set(reasons) == {
        "b-no-front-matter.md",
        "c-bad-yaml.md",
        "d-unknown-area.md",
        "e-missing-title.md",
        "f-duplicate-slug.md",
        "g-bad-minutes.md",
        "h-typo.md",
        "i-empty-body.md",
    }
    assert "front matter" in reasons["b-no-front-matter.md"]
    assert "no-such-area" in reasons["d-unknown-area.md"]
    assert "title" in reasons["e-missing-title.md"]
    assert "a-good.md" in reasons["f-duplicate-slug.md"]
    assert "dificult" in reasons["h-typo.md"]
    assert not Lesson.objects.exists() and not Course.objects.exists()


def test_a_broken_file_does_not_touch_lessons_imported_before(tmp_path, social_security):
    write(tmp_path, "a.md", good("ss-card-apply", "原标题"))
    import_folder(tmp_path)
    write(tmp_path, "a.md", good("ss-card-apply", "新标题"))
    write(tmp_path, "b.md", "坏文件")
    with pytest.raises(ImportFailed):
        import_folder(tmp_path)
    assert Lesson.objects.get().title == "原标题"


def test_a_course_cannot_move_between_areas(tmp_path, social_security):
    make_area(name="医疗保障", code="medical-insurance")
    write(tmp_path, "a.md", good("a"))
    write(tmp_path, "b.md", good("b", area="medical-insurance"))
    with pytest.raises(ImportFailed) as failed:
        import_folder(tmp_path)
    assert [e.path for e in failed.value.errors] == ["b.md"]


def test_a_new_course_needs_a_title(tmp_path, social_security):
    write(tmp_path, "a.md", good("a").replace("course_title: 社保卡业务\n", ""))
    with pytest.raises(ImportFailed) as failed:
        import_folder(tmp_path)
    assert "course_title" in failed.value.errors[0].reason


def test_the_command_reports_bad_files_and_fails(tmp_path, social_security):
    write(tmp_path, "bad.md", "坏文件")
    err = StringIO()
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_lessons", str(tmp_path), stderr=err)
    assert "bad.md" in err.getvalue()


def test_the_command_dry_run_writes_nothing(tmp_path, social_security):
    write(tmp_path, "a.md", good("a"))
    out = StringIO()
    call_command("import_lessons", str(tmp_path), "--dry-run", stdout=out)
    assert "新增 1 个课时" in out.getvalue()
    assert not Lesson.objects.exists()


def zip_of(files: dict[str, str]) -> BytesIO:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "lessons.zip"
    return buffer


def test_a_zip_imports_like_a_folder_and_twice_changes_nothing(social_security):
    pack = {"ss/a.md": good("ss-card-apply", "社保卡首次申领"), "ss/b.md": good("ss-card-replace"), "ss/pic.png": "x"}
    assert sorted(import_zip(zip_of(pack)).created) == ["ss-card-apply", "ss-card-replace"]
    assert sorted(import_zip(zip_of(pack)).unchanged) == ["ss-card-apply", "ss-card-replace"]
    assert Lesson.objects.count() == 2


def test_a_zip_with_a_bad_file_imports_nothing_and_names_it(social_security):
    with pytest.raises(ImportFailed) as failed:
        import_zip(zip_of({"a.md": good("a"), "sub/b.md": "坏文件"}))
    assert [e.path for e in failed.value.errors] == ["sub/b.md"]
    assert not Lesson.objects.exists()


@pytest.mark.parametrize("name", ["../escape.md", "/etc/escape.md", "a/../../escape.md", "..\\escape.md", "C:/x.md"])
def test_a_zip_member_leaving_the_folder_is_refused(social_security, name):
    with pytest.raises(ImportFailed) as failed:
        import_zip(zip_of({"a.md": good("a"), name: good("b")}))
    assert failed.value.errors[0].path == name
    assert not Lesson.objects.exists()


def test_not_a_zip_or_a_zip_bomb_is_refused(social_security, monkeypatch):
    not_zip = BytesIO(b"PK? not really")
    not_zip.name = "lessons.zip"
    with pytest.raises(ImportFailed, match="不是有效的 .zip"):
        import_zip(not_zip)
    with pytest.raises(ImportFailed, match="没有 .md"):
        import_zip(zip_of({"readme.txt": "x"}))
    monkeypatch.setattr(importer, "ZIP_MAX_BYTES", 1000)
    with pytest.raises(ImportFailed, match="过大"):
        import_zip(zip_of({"a.md": good("a") + "很长" * 1000}))
    assert not Lesson.objects.exists()
