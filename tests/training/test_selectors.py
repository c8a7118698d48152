"""Reads: the catalogue with my status, search, 继续学习 and completion per team."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from tests.conftest import make_area, make_team, make_user
from training import selectors, services
from training.selectors import Status

from .factories import make_course, make_lesson

T0 = timezone.now()


def test_catalogue_groups_areas_courses_lessons_with_my_status(staff):
    area = make_area(name="社会保障")
    course = make_course(area, title="社保卡业务")
    first = make_lesson(course, title="社保卡首次申领", sort_order=1)
    second = make_lesson(course, title="社保卡挂失与补换", sort_order=2)
    third = make_lesson(course, title="草稿", sort_order=3, is_published=False)
    services.complete_lesson(person=staff, lesson=first, at=T0)
    services.open_lesson(person=staff, lesson=second, at=T0)
    [block] = selectors.catalogue(person=staff)
    assert block.area == area and (block.learned, block.total, block.percent) == (1, 2, 50)
    rows = block.courses[0].lessons
    assert [(r.lesson, r.status) for r in rows] == [(first, Status.LEARNED), (second, Status.IN_PROGRESS)]
    assert third not in [r.lesson for r in rows]


def test_content_admins_also_see_drafts(content_admin):
    draft = make_lesson(is_published=False)
    assert selectors.catalogue(person=content_admin)[0].courses[0].lessons[0].lesson == draft


def test_search_finds_titles_and_text_with_a_snippet(staff):
    course = make_course()
    offline = make_lesson(course, title="随申码·离线码卡申领", body="## 为什么\n\n为不使用智能手机的老年人制作。")
    notice = make_lesson(course, title="一次告知", body="## 要求\n\n材料不全时一次性书面告知。")
    assert [h.row.lesson for h in selectors.search(person=staff, query="离线码")] == [offline]
    [hit] = selectors.search(person=staff, query="智能手机")
    assert hit.row.lesson == offline
    assert (hit.before, hit.match, hit.after) == ("为什么 为不使用", "智能手机", "的老年人制作。")
    assert [h.row.lesson for h in selectors.search(person=staff, query="书面")] == [notice]
    notice.key_points = ["不让居民跑第二次"]
    notice.save()
    assert [h.row.lesson for h in selectors.search(person=staff, query="跑第二次")] == [notice]
    assert selectors.search(person=staff, query="  ") == []


def test_continue_learning_points_at_the_last_unfinished_lesson_and_section(staff):
    course = make_course()
    older, newer, done = make_lesson(course), make_lesson(course), make_lesson(course)
    services.record_reading(person=staff, lesson=older, at=T0, section="sec-1")
    services.record_reading(person=staff, lesson=newer, at=T0 + timedelta(minutes=1), section="sec-2")
    services.complete_lesson(person=staff, lesson=done, at=T0 + timedelta(minutes=2))
    card = selectors.continue_learning(person=staff)
    assert card.lesson == newer and card.resuming
    assert card.url == f"/training/lessons/{newer.pk}/#sec-2"
    assert card.section_title == "第二节 材料清单"


def test_continue_learning_suggests_the_next_lesson_when_nothing_is_in_progress(staff):
    course = make_course()
    first, second = make_lesson(course, sort_order=1), make_lesson(course, sort_order=2)
    services.complete_lesson(person=staff, lesson=first, at=T0)
    card = selectors.continue_learning(person=staff)
    assert card.lesson == second and not card.resuming and card.url == f"/training/lessons/{second.pk}/"
    services.complete_lesson(person=staff, lesson=second, at=T0)
    assert selectors.continue_learning(person=staff) is None


def test_team_progress_shows_only_the_supervisors_teams(center):
    supervisor = make_user(Role.SUPERVISOR, center=center)
    mine = make_team(center, "综合受理一组", supervisors=[supervisor])
    other = make_team(center, "综合受理二组")
    wang = make_user(team=mine, full_name="王芳")
    li = make_user(team=mine, full_name="李娜")
    stranger = make_user(team=other, full_name="张敏")
    lessons = [make_lesson(), make_lesson()]
    services.complete_lesson(person=wang, lesson=lessons[0], at=T0)
    services.complete_lesson(person=wang, lesson=lessons[1], at=T0)
    services.open_lesson(person=li, lesson=lessons[0], at=T0)
    services.complete_lesson(person=stranger, lesson=lessons[0], at=T0)
    [row] = selectors.team_progress(viewer=supervisor)
    assert row.team == mine
    members = {m.person: (m.learned, m.in_progress) for m in row.members}
    assert members == {wang: (2, 0), li: (0, 1)}
    assert row.percent == 50  # 2 of 2 × 2 lessons


def test_a_supervisor_leading_with_a_colleague_is_not_counted_twice(center):
    sup1, sup2 = make_user(Role.SUPERVISOR, center=center), make_user(Role.SUPERVISOR, center=center)
    team = make_team(center, supervisors=[sup1, sup2])
    sup1.team = team
    sup1.save()
    lesson = make_lesson()
    services.complete_lesson(person=sup1, lesson=lesson, at=T0)
    [row] = selectors.team_progress(viewer=sup1)
    assert [(m.person, m.learned) for m in row.members] == [(sup1, 1)]


def test_managers_see_completion_of_each_lesson_per_team(center, manager):
    one, two = make_team(center, "一组"), make_team(center, "二组")
    a, b, c = make_user(team=one), make_user(team=one), make_user(team=two)
    lesson = make_lesson()
    for person in (a, b, c):
        services.complete_lesson(person=person, lesson=lesson, at=T0)
    make_user(team=two)
    teams, rows = selectors.lesson_completion_by_team(viewer=manager)
    assert teams == [one, two]
    assert rows[0].lesson == lesson and rows[0].per_team == [(2, 2), (1, 2)]
