"""The pages: only the owner plays a run, others get 404; a supervisor reads and scores the runs
of their teams; the player never shows what the answer is."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from simulations import services
from simulations.models import Run
from tests.conftest import make_team, make_user
from tests.simulations.factories import import_dict, small_scenario

pytestmark = pytest.mark.django_db


def start(client, scenario, **data) -> Run:
    response = client.post(reverse("simulations:start", args=[scenario.slug]), data)
    assert response.status_code == 302
    return Run.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def test_another_persons_run_is_404_for_staff(client, staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    colleague = make_user(team=staff.team)
    client.force_login(colleague)
    assert client.get(reverse("simulations:play", args=[run.pk])).status_code == 404
    response = client.post(reverse("simulations:answer", args=[run.pk]), {"turn": 0, "choice": "rude"})
    assert response.status_code == 404
    assert client.post(reverse("simulations:check", args=[run.pk])).status_code == 404
    services.open_run(run=run, at=timezone.now())
    run.refresh_from_db()
    assert run.turn == 0
    finished = services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    assert client.get(reverse("simulations:review", args=[finished.run.pk])).status_code == 404


def test_a_supervisor_reads_the_review_of_their_team_but_not_other_teams(client, staff, supervisor, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    client.force_login(supervisor)
    assert client.get(reverse("simulations:review", args=[run.pk])).status_code == 200
    outsider = make_user(Role.SUPERVISOR, team=make_team())
    client.force_login(outsider)
    assert client.get(reverse("simulations:review", args=[run.pk])).status_code == 404


def test_playing_through_the_pages_with_htmx(staff_client, staff, scenario):
    index = staff_client.get(reverse("simulations:index"))
    assert scenario.title in index.content.decode()
    run = start(staff_client, scenario)
    page = staff_client.get(reverse("simulations:play", args=[run.pk])).content.decode()
    assert 'data-deadline="' in page and "我要办事。" in page
    url = reverse("simulations:answer", args=[run.pk])
    partial = staff_client.post(url, {"turn": 0, "choice": "good"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'id="stage"' in body
    # The materials step shows the items, never which are required or exempt, nor why.
    assert "身份证" in body and "户口簿" in body
    assert "exempt" not in body and "unneeded" not in body and "系统可查的理由" not in body
    staff_client.post(url, {"turn": 1, "item": ["id"]}, HTTP_HX_REQUEST="true")
    last = staff_client.post(url, {"turn": 2, "field-matter": "乙"}, HTTP_HX_REQUEST="true")
    assert last.headers["HX-Redirect"] == reverse("simulations:review", args=[run.pk])
    review = staff_client.get(reverse("simulations:review", args=[run.pk])).content.decode()
    assert "好评" in review and "100" in review


def test_a_stale_answer_is_refused_with_a_notice(staff_client, scenario):
    run = start(staff_client, scenario)
    url = reverse("simulations:answer", args=[run.pk])
    staff_client.post(url, {"turn": 0, "choice": "good"}, HTTP_HX_REQUEST="true")
    again = staff_client.post(url, {"turn": 0, "choice": "rude"}, HTTP_HX_REQUEST="true")
    assert "这一步已经作答过了" in again.content.decode()
    assert Run.objects.get(pk=run.pk).turn == 1


def test_the_supervisor_scores_a_live_run_on_the_rubric_page(client, staff, supervisor, area, tmp_path):
    data = small_scenario(area.code)
    data["rubric"] = {
        "weight": 0.5,
        "criteria": [
            {"key": "a", "title": "首问负责", "levels": [{"label": "差", "points": 0}, {"label": "好", "points": 2}]}
        ],
    }
    scenario = import_dict(tmp_path, data)
    client.force_login(staff)
    run = start(client, scenario, live="1")
    assert run.live
    client.post(reverse("simulations:answer", args=[run.pk]), {"turn": 0, "choice": "rude"})
    assert client.get(reverse("simulations:rubric", args=[run.pk])).status_code == 404  # not for the player

    client.force_login(supervisor)
    assert "待评分的现场模拟" in client.get(reverse("simulations:index")).content.decode()
    response = client.post(reverse("simulations:rubric", args=[run.pk]), {"level-a": "1"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.rubric_by == supervisor and run.final_score == round(0.5 * run.overall + 50)


def test_mistakes_page_lists_and_practises_scenario_points(staff_client, scenario):
    run = start(staff_client, scenario)
    staff_client.post(reverse("simulations:answer", args=[run.pk]), {"turn": 0, "choice": "rude"})
    page = staff_client.get(reverse("simulations:mistakes")).content.decode()
    assert "开场" in page
    mistake = run.person.scenario_mistakes.get()
    response = staff_client.post(reverse("simulations:practice", args=[mistake.pk]), {"choice": "good"})
    assert "做对了，已掌握" in response.content.decode()


def test_home_panel_points_to_open_scenario_points(staff_client, scenario):
    run = start(staff_client, scenario)
    staff_client.post(reverse("simulations:answer", args=[run.pk]), {"turn": 0, "choice": "rude"})
    assert "1 个模拟接待错题待练" in staff_client.get("/").content.decode()


def test_the_admin_shows_the_graph_outline_to_a_content_admin(client, content_admin, area, tmp_path):
    scenario = import_dict(tmp_path, small_scenario(area.code))
    client.force_login(content_admin)
    page = client.get(reverse("admin:simulations_scenario_change", args=[scenario.pk])).content.decode()
    assert 'id="step-ask"' in page and 'href="#step-left"' in page
