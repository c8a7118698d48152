"""The home page cards: 继续学习 for learners, team progress for supervisors and managers."""

from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from training import services

from .factories import make_lesson


def test_staff_home_shows_continue_learning_at_the_saved_section(staff_client, staff):
    lesson = make_lesson(title="出生一件事")
    services.record_reading(person=staff, lesson=lesson, at=timezone.now(), section="sec-2")
    page = staff_client.get(reverse("home")).content.decode()
    assert "继续学习" in page and "出生一件事" in page
    assert f'href="/training/lessons/{lesson.pk}/#sec-2"' in page
    assert "上次读到：第二节 材料清单" in page
    assert "班组学习进度" not in page


def test_supervisor_home_shows_team_progress(client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("home")).content.decode()
    assert "班组学习进度" in page and supervisor.team.name in page


def test_manager_home_shows_team_progress_but_no_continue_card(client, manager):
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    assert "班组学习进度" in page and 'data-testid="continue-learning"' not in page


def test_the_learning_card_counts_the_lessons_a_learner_has_finished(staff_client, staff):
    first, _second = make_lesson(title="出生一件事"), make_lesson(title="生育登记")
    services.record_reading(person=staff, lesson=first, at=timezone.now(), section="sec-1")
    services.complete_lesson(person=staff, lesson=first, at=timezone.now())
    page = staff_client.get(reverse("home")).content.decode()
    assert "已学完 1 / 2 课时" in page


def test_the_learning_card_counts_only_my_finished_published_lessons(staff_client, staff, team):
    """A colleague's finished lessons and a finished draft stay out of the figure."""
    mine, theirs, draft = make_lesson(title="社保卡补换"), make_lesson(title="居住证"), make_lesson(title="草稿")
    colleague = make_user(team=team)
    for person, lesson in ((staff, mine), (colleague, theirs), (staff, draft)):
        services.complete_lesson(person=person, lesson=lesson, at=timezone.now())
    draft.is_published = False
    draft.save()
    page = staff_client.get(reverse("home")).content.decode()
    assert "已学完 1 / 2 课时" in page
