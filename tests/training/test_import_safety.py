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
