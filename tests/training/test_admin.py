"""A content admin (the 内容管理员 role, not a superuser) writes courses and lessons in the Django
admin, previews them, and uploads a lesson pack; nobody else can."""

import zipfile
from io import BytesIO

import pytest
from django.urls import reverse

from tests.conftest import make_area
from training.models import Course, Lesson

from .factories import make_course, make_lesson
from .test_importer import good


@pytest.fixture
def admin_client(client, content_admin):
    assert not content_admin.is_superuser
    client.force_login(content_admin)
    return client


def lesson_form(course, **changes) -> dict:
    form = {
        "course": course.pk,
        "title": "新课时",
        "slug": "new-lesson",
        "sort_order": 1,
        "body_markdown": "## 一\n\n正文",
        "key_points": "要点一\n\n  要点二  ",
        "reading_minutes": 5,
        "is_published": "on",
    }
    return {**form, **changes}


def test_a_content_admin_adds_a_course_then_a_lesson_and_edits_it(admin_client):
    area = make_area(name="社会保障", code="social-security")
    response = admin_client.post(
        reverse("admin:training_course_add"),
        {
            "area": area.pk,
            "slug": "ss-card",
            "title": "社保卡业务",
            "description": "",
            "sort_order": 1,
            "lessons-TOTAL_FORMS": 0,
            "lessons-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    course = Course.objects.get(slug="ss-card")

    body = "## 一\n\n<img src=x onerror=alert(1)>"
    response = admin_client.post(reverse("admin:training_lesson_add"), lesson_form(course, body_markdown=body))
    assert response.status_code == 302
    lesson = course.lessons.get(slug="new-lesson")
    assert "onerror" not in lesson.body_html and lesson.sections == [{"anchor": "sec-1", "title": "一"}]
    assert lesson.key_points == ["要点一", "要点二"]  # one per line, blanks dropped

    change = reverse("admin:training_lesson_change", args=[lesson.pk])
    page = admin_client.get(change).content.decode()
    assert "要点一\n要点二</textarea>" in page  # edited as lines, not as JSON
    assert "预览（净化后的 HTML）" in page and 'id="sec-1"' in page and reverse("training:preview") in page
    edited = lesson_form(course, title="社保卡首次申领", body_markdown="## 谁可以办\n\n## 材料清单\n\n- 身份证件")
    assert admin_client.post(change, edited).status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "社保卡首次申领"
    assert [s["title"] for s in lesson.sections] == ["谁可以办", "材料清单"] and "<li>身份证件</li>" in lesson.body_html
    assert "社保卡首次申领" in admin_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()


def test_the_preview_shows_sanitized_html_with_sections(admin_client):
    response = admin_client.post(reverse("training:preview"), {"body_markdown": "## 标题\n\n<b onclick=x()>粗</b>"})
    body = response.content.decode()
    assert 'id="sec-1"' in body and "<b>粗</b>" in body and "onclick" not in body


@pytest.mark.parametrize("role_fixture", ["staff", "supervisor", "manager"])
def test_other_roles_do_not_reach_the_lesson_admin(client, request, role_fixture):
    client.force_login(request.getfixturevalue(role_fixture))
    lesson = make_lesson()
    for url in (
        reverse("admin:training_lesson_change", args=[lesson.pk]),
        reverse("admin:training_lesson_import"),
        reverse("admin:training_course_add"),
    ):
        assert client.get(url).status_code in (302, 403)  # the admin sends them to its login
    assert client.post(reverse("training:preview"), {"body_markdown": "x"}).status_code == 403


def pack(files: dict[str, str]) -> BytesIO:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "lessons.zip"
    return buffer


def test_uploading_a_pack_reports_every_bad_file_and_writes_nothing(admin_client):
    make_area(name="社会保障", code="social-security")
    url = reverse("admin:training_lesson_import")
    assert "导入课时包" in admin_client.get(url).content.decode()
    files = {"a.md": good("a"), "b.md": "没有 front matter", "c.md": good("c", area="nowhere")}
    page = admin_client.post(url, {"pack": pack(files)}).content.decode()
    assert 'data-testid="import-errors"' in page
    assert "<code>b.md</code>" in page and "<code>c.md</code>" in page and "<code>a.md</code>" not in page
    assert not Lesson.objects.exists() and not Course.objects.exists()


def test_uploading_a_pack_checks_then_imports_then_leaves_it_unchanged(admin_client):
    make_area(name="社会保障", code="social-security")
    url = reverse("admin:training_lesson_import")
    files = {"ss/a.md": good("ss-card-apply", "社保卡首次申领"), "ss/b.md": good("ss-card-replace")}
    page = admin_client.post(url, {"pack": pack(files), "dry_run": "on"}).content.decode()
    assert "检查通过" in page and "新增 2 个课时" in page and not Lesson.objects.exists()
    page = admin_client.post(url, {"pack": pack(files)}).content.decode()
    assert "导入完成" in page and "ss-card-apply" in page and Lesson.objects.count() == 2
    page = admin_client.post(url, {"pack": pack(files)}).content.decode()
    assert "未变 2 个" in page and Lesson.objects.count() == 2


def test_the_change_list_links_to_the_upload(admin_client):
    make_course()
    page = admin_client.get(reverse("admin:training_lesson_changelist")).content.decode()
    assert reverse("admin:training_lesson_import") in page


def test_a_progress_record_names_the_learner_without_linking_to_the_closed_user_pages(admin_client, staff):
    from django.utils import timezone

    from training.models import LessonProgress

    now = timezone.now()
    progress = LessonProgress.objects.create(person=staff, lesson=make_lesson(), started_at=now, last_event_at=now)
    response = admin_client.get(reverse("admin:training_lessonprogress_change", args=[progress.pk]))
    assert response.status_code == 200
    assert staff.display_name in response.content.decode()
    assert "/admin/accounts/user/" not in response.content.decode()
