"""The pages: browsing, reading with saved positions, completion, and who may see whose progress."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from tests.conftest import make_team, make_user
from training.models import LessonProgress

from .factories import make_lesson


@pytest.fixture
def lesson(db):
    return make_lesson(title="社保卡挂失与补换", key_points=["挂失后补卡"], is_demo=True, is_difficult=True)


def test_the_catalogue_lists_lessons_with_my_status(staff_client, staff, lesson):
    other = make_lesson(lesson.course, title="社保卡首次申领")
    LessonProgress.objects.create(
        person=staff, lesson=lesson, started_at="2026-01-01T08:00Z", last_event_at="2026-01-01T08:00Z"
    )
    page = staff_client.get(reverse("training:index")).content.decode()
    assert lesson.title in page and other.title in page
    assert "学习中" in page and "未开始" in page


def test_search_returns_the_results_fragment_for_htmx(staff_client, lesson):
    response = staff_client.get(reverse("training:index"), {"q": "材料清单"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert lesson.title in body and "<mark>材料清单</mark>" in body


def test_search_escapes_the_query(staff_client, lesson):
    body = staff_client.get(reverse("training:index"), {"q": "<script>x"}).content.decode()
    assert "<script>x" not in body and "&lt;script&gt;x" in body


@pytest.mark.parametrize("query", ["%", "_", "%%", "\\", "'; DROP TABLE training_lesson; --", "\x00%"])
def test_odd_search_input_matches_literally_and_never_fails(staff_client, lesson, query):
    response = staff_client.get(reverse("training:index"), {"q": query}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and "search-results" in body
    assert "找到 0 个课时" in body  # % and _ are not wildcards, a NUL does not end the pattern
    assert lesson.title not in body


def test_a_very_long_query_is_cut_to_fifty_characters(staff_client, lesson):
    body = staff_client.get(reverse("training:index"), {"q": "材料清单" + "x" * 500}).content.decode()
    assert "x" * 46 in body and "x" * 47 not in body


def test_opening_a_lesson_records_the_start_and_shows_everything_a_learner_needs(staff_client, staff, lesson):
    body = staff_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert LessonProgress.objects.filter(person=staff, lesson=lesson).exists()
    assert "示例内容" in body and "难点" in body and "挂失后补卡" in body
    assert 'id="sec-2"' in body and 'href="#sec-2"' in body  # the table of contents
    assert reverse("training:lesson_position", args=[lesson.pk]) in body


def test_a_lesson_that_is_not_demo_content_has_no_demo_notice(staff_client):
    own = make_lesson(is_demo=False)
    assert "示例内容" not in staff_client.get(reverse("training:lesson", args=[own.pk])).content.decode()


def test_unpublished_lessons_are_not_found_for_learners(staff_client):
    draft = make_lesson(is_published=False)
    assert staff_client.get(reverse("training:lesson", args=[draft.pk])).status_code == 404


def test_the_position_is_saved_and_offered_when_coming_back(staff_client, staff, lesson):
    url = reverse("training:lesson_position", args=[lesson.pk])
    assert staff_client.post(url, {"section": "sec-3"}).status_code == 204
    assert LessonProgress.objects.get(person=staff).section == "sec-3"
    assert staff_client.post(url).status_code == 204  # a heartbeat keeps it
    assert LessonProgress.objects.get(person=staff).section == "sec-3"
    body = staff_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert "上次读到「第三节 办理流程」" in body


@pytest.mark.parametrize("section", ["sec-9", "<b>", "x" * 30])
def test_a_bad_position_is_refused(staff_client, lesson, section):
    url = reverse("training:lesson_position", args=[lesson.pk])
    assert staff_client.post(url, {"section": section}).status_code == 400


@pytest.mark.parametrize(
    ("name", "data"),
    [("training:lesson_position", {"section": "sec-1"}), ("training:lesson_complete", {}), ("training:preview", {})],
)
def test_every_post_needs_the_csrf_token(content_admin, lesson, name, data):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(content_admin)
    url = reverse(name, args=[lesson.pk]) if name != "training:preview" else reverse(name)
    assert csrf_client.post(url, data).status_code == 403
    assert csrf_client.post(url, data, HTTP_HX_REQUEST="true").status_code == 403
    assert not LessonProgress.objects.exists()


def test_the_lesson_page_gives_scripts_and_htmx_the_csrf_token(staff_client, lesson):
    body = staff_client.get(reverse("training:lesson", args=[lesson.pk])).content.decode()
    assert "hx-headers=" in body and "X-CSRFToken" in body  # training.js and htmx read it from <body>
    assert 'name="csrfmiddlewaretoken"' in body  # the form still works without JavaScript


def test_marking_as_learned(staff_client, staff, lesson):
    url = reverse("training:lesson_complete", args=[lesson.pk])
    assert staff_client.get(url).status_code == 405
    response = staff_client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#lesson-end")
    assert LessonProgress.objects.get(person=staff, lesson=lesson).completed_at is not None
    fragment = staff_client.post(url, HTTP_HX_REQUEST="true").content.decode()
    assert "已学完" in fragment and "<html" not in fragment
    assert 'id="lesson-status"' in fragment and 'hx-swap-oob="true"' in fragment


def test_staff_cannot_see_team_progress(staff_client):
    assert staff_client.get(reverse("training:team_progress")).status_code == 403


def test_staff_cannot_see_another_persons_progress(staff_client, team):
    colleague = make_user(team=team)
    assert staff_client.get(reverse("training:person_progress", args=[colleague.pk])).status_code == 404


def test_a_supervisor_sees_only_their_teams(client, center):
    supervisor = make_user(Role.SUPERVISOR, center=center)
    mine = make_team(center, "综合受理一组", supervisors=[supervisor])
    other = make_team(center, "社保医保组")
    member = make_user(team=mine, full_name="王芳")
    outsider = make_user(team=other, full_name="张敏")
    client.force_login(supervisor)
    page = client.get(reverse("training:team_progress")).content.decode()
    assert "王芳" in page and "综合受理一组" in page
    assert "张敏" not in page and "社保医保组" not in page
    assert client.get(reverse("training:person_progress", args=[member.pk])).status_code == 200
    assert client.get(reverse("training:person_progress", args=[outsider.pk])).status_code == 404


def test_a_manager_sees_completion_per_lesson_and_team(client, center, manager):
    team = make_team(center, "综合受理二组")
    make_user(team=team)
    make_lesson(title="一次告知")
    client.force_login(manager)
    page = client.get(reverse("training:team_progress"), {"view": "lessons"}).content.decode()
    assert "一次告知" in page and "综合受理二组" in page and "0/1" in page


def test_a_supervisor_of_another_team_cannot_open_a_persons_progress(client, center, team):
    member = make_user(team=team, full_name="王芳")
    other_supervisor = make_user(Role.SUPERVISOR, center=center)
    make_team(center, "社保医保组", supervisors=[other_supervisor])
    client.force_login(other_supervisor)
    assert client.get(reverse("training:person_progress", args=[member.pk])).status_code == 404


def test_a_content_admin_follows_the_learning_of_their_center_like_a_manager(client, center, team):
    """Hole 7 of issue 12: the content admin got 404/403 here while permissions, reports and the docs
    said admins see their whole center."""
    member = make_user(team=team, full_name="王芳")
    elsewhere = make_user(team=make_team(), full_name="张敏")
    content_admin = make_user(Role.ADMIN, center=center)
    client.force_login(content_admin)
    assert "王芳" in client.get(reverse("training:person_progress", args=[member.pk])).content.decode()
    assert client.get(reverse("training:person_progress", args=[elsewhere.pk])).status_code == 404
    team_page = client.get(reverse("training:team_progress"))
    assert team_page.status_code == 200 and team.name in team_page.content.decode()
    assert "张敏" not in team_page.content.decode()


def test_a_manager_opens_the_progress_of_anyone_in_the_center_but_not_beyond(client, center, manager, team):
    member = make_user(team=team, full_name="王芳")
    elsewhere = make_user(team=make_team(), full_name="张敏")
    client.force_login(manager)
    assert "王芳的学习" in client.get(reverse("training:person_progress", args=[member.pk])).content.decode()
    assert client.get(reverse("training:person_progress", args=[elsewhere.pk])).status_code == 404


def test_a_manager_of_another_center_sees_nothing_of_ours(client, team):
    make_user(team=team, full_name="王芳")
    outside_manager = make_user(Role.MANAGER, center=make_team().center)
    client.force_login(outside_manager)
    assert "王芳" not in client.get(reverse("training:team_progress")).content.decode()


def test_the_admin_preview_is_sanitized_and_for_content_admins_only(client, staff, content_admin):
    url = reverse("training:preview")
    client.force_login(staff)
    assert client.post(url, {"body_markdown": "## 标题"}).status_code == 403
    client.force_login(content_admin)
    body = client.post(url, {"body_markdown": "## 标题\n\n<script>alert(1)</script>[x](javascript:y)"}).content
    assert b"<h2" in body and b"<script" not in body and b"alert" not in body
    # The javascript: link stays inert text (markdown-it refuses the URL; nh3 would drop the href anyway).
    assert b"<a" not in body and b'href="javascript' not in body


def test_a_persons_progress_page_leads_back_to_the_team_progress(client, supervisor, staff):
    staff.team = supervisor.team
    staff.save()
    client.force_login(supervisor)
    page = client.get(reverse("training:person_progress", args=[staff.pk])).content.decode()
    assert f'<a href="{reverse("training:team_progress")}">班组学习进度</a>' in page
