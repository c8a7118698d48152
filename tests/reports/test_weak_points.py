"""难点: weakest areas, questions (facility, wrong option most chosen) and mock-reception steps; and a
难点培训 paper from a selection: assigned to a team, seen on its clerks' home page, followed up."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from quizzes.models import Attempt, PaperAssignment, PaperKind
from quizzes.selectors import assigned_area_ids
from quizzes.services import answer_now
from quizzes.services.exams import start_exam, submit_exam
from quizzes.services.practice import start_practice
from reports.weak_points import weak_points
from simulations.models import Run, RunAnswer
from tests.conftest import make_area, make_team, make_user
from tests.quizzes.factories import make_question
from tests.reports.conftest import result
from tests.simulations.factories import import_dict, small_scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(center, tmp_path):
    now = timezone.now()
    red, blue = make_team(center, "红队"), make_team(center, "蓝队")
    ss, mi = make_area("社会保障"), make_area("医疗保障")
    hard = make_question(ss, stem="难题：退休金补发需要什么？")
    easy = make_question(ss, stem="易题：社保卡挂失在哪里办？")
    clerks = [make_user(team=red, full_name=f"红{i}") for i in range(3)]
    answers = {hard.pk: ["B", "B", "C"], easy.pk: ["A", "A", "A"]}
    for i, clerk in enumerate(clerks):
        practice = start_practice(person=clerk, at=now, area=ss)
        for item in practice.items.order_by("position"):
            answer_now(attempt=practice, position=item.position, values=[answers[item.question_id][i]], at=now)
    for clerk in clerks:
        for _ in range(3):
            result(clerk, mi, 0.95, now=now)
    scenario = import_dict(tmp_path, small_scenario(ss.code))
    ask = scenario.steps.get(key="ask")
    for clerk, reply, ideal in zip(clerks, ["rude", "rude", "good"], [False, False, True], strict=True):
        deadline = now + timezone.timedelta(minutes=5)
        run = Run.objects.create(scenario=scenario, person=clerk, started_at=now, deadline=deadline)
        RunAnswer.objects.create(
            run=run,
            turn=1,
            step=ask,
            step_key="ask",
            step_kind=ask.kind,
            choice_text=f"回应{reply}",
            is_ideal=ideal,
            started_at=now,
            answered_at=now,
            limit_seconds=60,
        )
    return {
        "now": now,
        "red": red,
        "blue": blue,
        "ss": ss,
        "mi": mi,
        "hard": hard,
        "easy": easy,
        "clerks": clerks,
        "manager": make_user(Role.MANAGER, center=center),
    }


def test_weak_points_of_the_center(world):
    points = weak_points(viewer=world["manager"], now=world["now"])
    assert [a.area.name for a in points.areas] == ["社会保障", "医疗保障"]  # lowest mean mastery first
    hard, easy = points.questions
    assert (hard.question_id, hard.answers, hard.facility) == (world["hard"].pk, 3, 0.0)
    assert (hard.top_wrong, hard.top_wrong_count) == ("B. 户口簿原件", 2)
    assert (easy.facility, easy.top_wrong) == (1.0, "")
    (step,) = points.steps
    assert (step.step, step.answers, step.top_wrong, step.top_wrong_count) == ("开场", 3, "回应rude", 2)
    assert step.wrong_share == pytest.approx(2 / 3)


def test_a_team_with_no_answers_has_no_weak_questions(world):
    make_user(team=world["blue"])
    points = weak_points(viewer=world["manager"], now=world["now"], team_id=world["blue"].pk)
    assert points.questions == [] and points.steps == []


def test_one_click_turns_a_selection_into_a_paper_the_team_sees_and_the_report_follows(client, world):
    client.force_login(world["manager"])
    page = client.get(reverse("reports:weak")).content.decode()
    assert "难题：退休金补发需要什么？" in page and "回应rude" in page
    due = timezone.localdate() + timezone.timedelta(days=5)
    response = client.post(
        reverse("reports:create_paper"),
        {
            "team": world["red"].pk,
            "areas": [world["ss"].pk],
            "questions": [world["hard"].pk],
            "due_on": due.isoformat(),
        },
    )
    assignment = PaperAssignment.objects.get()
    assert response["Location"] == reverse("reports:assignment", args=[assignment.pk])
    quiz = assignment.quiz
    assert quiz.paper_kind == PaperKind.RULES and list(quiz.rules.values_list("area_id", flat=True)) == [world["ss"].pk]
    assert timezone.localtime(assignment.due_at).date() == due and quiz.closes_at == assignment.due_at

    clerk = world["clerks"][0]
    assert assigned_area_ids(person=clerk, now=timezone.now()) == [world["ss"].pk]
    client.force_login(clerk)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="assignment-panel"' in home and quiz.title in home
    attempt = start_exam(person=clerk, quiz=quiz, at=timezone.now())
    items = list(attempt.items.order_by("position"))
    assert items[0].question_id == world["hard"].pk  # the named weak question comes first
    submit_exam(attempt=attempt, answers={item.position: ["A"] for item in items}, at=timezone.now())

    client.force_login(world["manager"])
    body = client.get(response["Location"]).content.decode()
    assert "已完成 1 / 3 人" in body and "未完成" in body
    other = make_user(team=world["blue"])
    assert assigned_area_ids(person=other, now=timezone.now()) == []
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_a_supervisor_cannot_assign_to_a_team_they_do_not_lead(client, world):
    sup = make_user(Role.SUPERVISOR, team=world["blue"])
    world["blue"].supervisors.add(sup)
    client.force_login(sup)
    client.post(
        reverse("reports:create_paper"),
        {"team": world["red"].pk, "areas": [world["ss"].pk], "due_on": timezone.localdate().isoformat()},
    )
    assert not PaperAssignment.objects.exists()


def test_staff_may_not_assign(client, world):
    client.force_login(world["clerks"][0])
    assert client.post(reverse("reports:create_paper"), {}).status_code == 403
