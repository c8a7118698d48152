"""Who may see whom, for each role."""

import pytest

from accounts.models import Role
from accounts.permissions import (
    can_edit_content,
    can_follow_learning,
    can_run_drills,
    can_score_rubrics,
    can_view_center_reports,
    can_view_person,
    can_view_reports,
    is_learner,
    people_visible_to,
    sees_whole_center,
    teams_visible_to,
)
from tests.conftest import make_center, make_team, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    center = make_center()
    other_center = make_center()
    sup_a = make_user(Role.SUPERVISOR, center=center)
    sup_b = make_user(Role.SUPERVISOR, center=center)
    team_a = make_team(center, "一组", supervisors=[sup_a])
    team_b = make_team(center, "二组", supervisors=[sup_b])
    return {
        "center": center,
        "team_a": team_a,
        "team_b": team_b,
        "sup_a": sup_a,
        "sup_b": sup_b,
        "a1": make_user(team=team_a),
        "a2": make_user(team=team_a),
        "b1": make_user(team=team_b),
        "manager": make_user(Role.MANAGER, center=center),
        "admin": make_user(Role.ADMIN, center=center),
        "outsider": make_user(team=make_team(other_center)),
    }


def test_staff_sees_only_themselves(world):
    a1 = world["a1"]
    assert list(people_visible_to(a1)) == [a1]
    assert can_view_person(a1, a1)
    assert not can_view_person(a1, world["a2"])
    assert list(teams_visible_to(a1)) == [world["team_a"]]  # their own team, for the team board


def test_supervisor_sees_own_teams_only(world):
    sup_a = world["sup_a"]
    visible = set(people_visible_to(sup_a))
    assert {world["a1"], world["a2"], sup_a} <= visible
    assert world["b1"] not in visible
    assert list(teams_visible_to(sup_a)) == [world["team_a"]]


def test_supervisor_leading_two_teams_sees_both(world):
    world["team_b"].supervisors.add(world["sup_a"])
    assert can_view_person(world["sup_a"], world["b1"])


def test_manager_sees_whole_center_but_not_other_centers(world):
    manager = world["manager"]
    assert can_view_person(manager, world["b1"])
    assert can_view_person(manager, world["a1"])
    assert not can_view_person(manager, world["outsider"])
    assert set(teams_visible_to(manager)) == {world["team_a"], world["team_b"]}


def test_inactive_people_are_not_listed(world):
    world["a2"].is_active = False
    world["a2"].save()
    assert world["a2"] not in people_visible_to(world["sup_a"])


def test_capabilities_by_role(world):
    staff, sup, manager, admin = world["a1"], world["sup_a"], world["manager"], world["admin"]
    assert [can_run_drills(u) for u in (staff, sup, manager, admin)] == [False, True, True, True]
    assert [can_view_reports(u) for u in (staff, sup, manager, admin)] == [False, True, True, True]
    assert [can_view_center_reports(u) for u in (staff, sup, manager, admin)] == [False, False, True, True]
    assert [can_edit_content(u) for u in (staff, sup, manager, admin)] == [False, False, False, True]
    assert [can_follow_learning(u) for u in (staff, sup, manager, admin)] == [False, True, True, True]
    assert [can_score_rubrics(u) for u in (staff, sup, manager, admin)] == [False, True, True, False]
    assert [is_learner(u) for u in (staff, sup, manager, admin)] == [True, True, False, False]
    assert [sees_whole_center(u) for u in (staff, sup, manager, admin)] == [False, False, True, True]


def test_a_content_admin_sees_their_center_but_not_another(world):
    admin = world["admin"]
    assert can_view_person(admin, world["b1"]) and not can_view_person(admin, world["outsider"])
    assert set(teams_visible_to(admin)) == {world["team_a"], world["team_b"]}


def test_superusers_pass_every_rule_but_keep_no_learning_record(world):
    root = make_user(Role.STAFF, center=world["center"])
    root.is_superuser = True
    rules = (can_run_drills, can_view_reports, can_view_center_reports, can_follow_learning, can_score_rubrics)
    assert all(rule(root) for rule in (*rules, can_edit_content, sees_whole_center))
    assert not is_learner(root)


def test_no_rule_lets_an_anonymous_visitor_in():
    from django.contrib.auth.models import AnonymousUser

    rules = (can_run_drills, can_view_reports, can_view_center_reports, can_follow_learning, can_score_rubrics)
    assert not any(rule(AnonymousUser()) for rule in (*rules, can_edit_content, sees_whole_center, is_learner))


def test_no_user_at_all_has_no_role():
    """Mutation survivor: has_role's default for an object without is_authenticated."""
    from accounts.permissions import has_role

    assert not has_role(None, Role.STAFF, Role.ADMIN)
    assert not can_run_drills(object())
