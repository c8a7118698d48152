"""Hostile lesson packs found in the security review: a file in another encoding, a padded pack."""

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.training.test_importer import good, zip_of
from training import importer
from training.importer import ImportFailed, import_zip
from training.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_security():
    from tests.conftest import make_area

    return make_area("社会保障", code="social-security")


def test_a_lesson_saved_in_gbk_is_named_and_nothing_is_written(social_security):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.md", good("a").encode("utf-8"))
        archive.writestr("gbk.md", good("b").encode("gb18030"))
    buffer.seek(0)
    buffer.name = "lessons.zip"
    with pytest.raises(ImportFailed) as failed:
        import_zip(buffer)
    assert [(e.path, e.reason) for e in failed.value.errors] == [("gbk.md", "不是 UTF-8 编码的文本")]
    assert not Lesson.objects.exists()


def test_a_pack_bigger_than_it_may_unpack_is_refused_before_it_is_opened(social_security, monkeypatch):
    """Padding (members that are not lessons) cannot make the server read a huge upload."""
    monkeypatch.setattr(importer, "ZIP_MAX_BYTES", 2000)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.md", good("a"))
        archive.writestr("padding.bin", b"\x01" * 5000)
    upload = SimpleUploadedFile("lessons.zip", buffer.getvalue())
    with pytest.raises(ImportFailed, match="过大"):
        import_zip(upload)
    assert not Lesson.objects.exists()
    assert import_zip(zip_of({"a.md": good("a")})).created  # a small pack still goes in


DEEP = 20_000


def deeply_nested_lesson() -> str:
    """Front matter nested 20,000 levels: PyYAML's composer recursed until Python gave up (a 500)."""
    return good("deep").replace("difficult: true", "difficult: " + "[" * DEEP + "]" * DEEP)


def test_front_matter_nested_too_deep_is_a_clear_error_and_nothing_is_written(social_security, tmp_path):
    (tmp_path / "a.md").write_text(good("a"), encoding="utf-8")
    (tmp_path / "deep.md").write_text(deeply_nested_lesson(), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        importer.import_folder(tmp_path)
    assert [e.path for e in failed.value.errors] == ["deep.md"]
    assert "嵌套" in failed.value.errors[0].reason
    assert not Lesson.objects.exists()


def test_the_admin_upload_of_a_deep_pack_answers_with_the_error(admin_client, social_security):
    from django.urls import reverse

    from tests.training.test_admin import pack

    url = reverse("admin:training_lesson_import")
    response = admin_client.post(url, {"pack": pack({"a.md": good("a"), "deep.md": deeply_nested_lesson()})})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page and "<code>deep.md</code>" in page and "嵌套" in page
    assert not Lesson.objects.exists()


def test_import_lessons_reports_a_deep_file_without_a_traceback(social_security, tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "deep.md").write_text(deeply_nested_lesson(), encoding="utf-8")
    with pytest.raises(CommandError, match="未导入任何课时"):
        call_command("import_lessons", str(tmp_path))
    assert not Lesson.objects.exists()


def test_a_lesson_longer_than_the_preview_accepts_is_refused_by_name(social_security):
    huge = good("huge").replace("一次告知。", "一次告知。" * (importer.LESSON_MAX_CHARS // 5))
    with pytest.raises(ImportFailed) as failed:
        import_zip(zip_of({"a.md": good("a"), "huge.md": huge}))
    assert [e.path for e in failed.value.errors] == ["huge.md"] and "字符" in failed.value.errors[0].reason
    assert not Lesson.objects.exists()
