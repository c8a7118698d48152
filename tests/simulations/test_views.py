"""The pages: only the owner plays a run, others get 404; a supervisor reads and scores the runs
of their teams; the player never shows what the answer is; every POST needs its CSRF token."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from simulations import selectors, services
from simulations.models import Run, Scenario
from tests.conftest import make_team, make_user
from tests.simulations.factories import RUBRIC, import_dict, small_scenario

pytestmark = pytest.mark.django_db


def start(client, scenario, **data) -> Run:
    response = client.post(reverse("simulations:start", args=[scenario.slug]), data)
    assert response.status_code == 302
    return Run.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def token(run: Run, key: str) -> str:
    """The value of the reply button for choice `key` on the step the run is at."""
    run.refresh_from_db()
    return selectors.choice_token(run.current_step, key, seed=selectors.screen_seed(run))


def reply(client, run: Run, key: str, **headers):
    data = {"turn": Run.objects.get(pk=run.pk).turn, "choice": token(run, key)}
    return client.post(reverse("simulations:answer", args=[run.pk]), data, **headers)


def live_scenario(area, tmp_path) -> Scenario:
    return import_dict(tmp_path, small_scenario(area.code) | {"rubric": RUBRIC})


def test_another_persons_run_is_404_for_staff(client, staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    colleague = make_user(team=staff.team)
    client.force_login(colleague)
    assert client.get(reverse("simulations:play", args=[run.pk])).status_code == 404
    assert reply(client, run, "rude").status_code == 404
    assert client.post(reverse("simulations:check", args=[run.pk])).status_code == 404
    assert client.get(reverse("simulations:review", args=[run.pk])).status_code == 404
    run.refresh_from_db()
    assert run.turn == 0
    finished = services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    assert client.get(reverse("simulations:review", args=[finished.run.pk])).status_code == 404
    assert client.get(reverse("simulations:rubric", args=[finished.run.pk])).status_code == 404


def test_a_supervisor_reads_the_review_of_their_team_but_not_other_teams(client, staff, supervisor, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    client.force_login(supervisor)
    assert client.get(reverse("simulations:review", args=[run.pk])).status_code == 200
    outsider = make_user(Role.SUPERVISOR, team=make_team())
    client.force_login(outsider)
    assert client.get(reverse("simulations:review", args=[run.pk])).status_code == 404


def test_playing_through_the_pages_with_htmx(staff_client, staff, scenario):
    index = staff_client.get(reverse("simulations:index")).content.decode()
    assert scenario.title in index and "限时 5 分钟" in index
    run = start(staff_client, scenario)
    page = staff_client.get(reverse("simulations:play", args=[run.pk])).content.decode()
    assert 'data-deadline="' in page and "我要办事。" in page
    partial = reply(staff_client, run, "good", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and 'id="stage"' in body
    # The materials step shows the items, never which are required or exempt, nor why.
    assert "身份证" in body and "户口簿" in body
    assert "exempt" not in body and "unneeded" not in body and "系统可查的理由" not in body
    url = reverse("simulations:answer", args=[run.pk])
    staff_client.post(url, {"turn": 1, "item": ["id"]}, HTTP_HX_REQUEST="true")
    last = staff_client.post(url, {"turn": 2, "field-matter": "乙"}, HTTP_HX_REQUEST="true")
    assert last.headers["HX-Redirect"] == reverse("simulations:review", args=[run.pk])
    review = staff_client.get(reverse("simulations:review", args=[run.pk])).content.decode()
    assert "好评" in review and "100" in review


def test_the_reply_buttons_give_nothing_away(staff_client, staff, scenario):
    """Not the choice keys (a key like "good" or "correct" would tell), not a fixed order, not a
    marker in the markup; the tokens change from run to run."""
    run = start(staff_client, scenario)
    page = staff_client.get(reverse("simulations:play", args=[run.pk])).content.decode()
    values = re.findall(r'name="choice" value="([^"]+)"', page)
    assert len(values) == 3 and not {"good", "meh", "rude"} & set(values)
    assert "ideal" not in page and "is_ideal" not in page
    # A made-up token is not an answer.
    forged = staff_client.post(reverse("simulations:answer", args=[run.pk]), {"turn": 0, "choice": "good"})
    assert forged.status_code == 302 and Run.objects.get(pk=run.pk).turn == 0
    # Over many runs the ideal reply is not always in the same place.
    positions = set()
    for _n in range(8):
        other = services.start_run(person=make_user(team=staff.team), scenario=scenario, at=timezone.now())
        screen = selectors.step_screen(other.current_step, seed=selectors.screen_seed(other))
        ideal = selectors.choice_token(other.current_step, "good", seed=selectors.screen_seed(other))
        positions.add([c["token"] for c in screen.choices].index(ideal))
        assert ideal != token(run, "good")
    assert len(positions) > 1


def test_refreshing_the_player_keeps_the_server_deadlines(staff_client, staff, scenario, monkeypatch):
    run = start(staff_client, scenario)
    first = staff_client.get(reverse("simulations:play", args=[run.pk])).content.decode()
    later = run.started_at + timedelta(seconds=20)
    monkeypatch.setattr(timezone, "now", lambda: later)  # a refresh (or a reconnect) 20 s later
    second = staff_client.get(reverse("simulations:play", args=[run.pk])).content.decode()
    deadlines = re.compile(r'data-deadline="([^"]+)"')
    assert deadlines.findall(first) == deadlines.findall(second)  # the clock did not restart
    assert deadlines.findall(second)[0] == run.step_deadline.isoformat(timespec="milliseconds")
    assert f'data-server-now="{later.isoformat(timespec="milliseconds")}"' in second  # 40 s remain on screen


def test_every_post_needs_the_csrf_token(staff, supervisor, area, tmp_path):
    scenario = live_scenario(area, tmp_path)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(reverse("simulations:start", args=[scenario.slug])).status_code == 403
    run = services.start_run(person=staff, scenario=scenario, live=True, at=timezone.now())
    for name in ("answer", "check"):
        assert strict.post(reverse(f"simulations:{name}", args=[run.pk]), {"turn": 0}).status_code == 403
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    mistake = staff.scenario_mistakes.get()
    assert strict.post(reverse("simulations:practice", args=[mistake.pk]), {}).status_code == 403
    strict.force_login(supervisor)
    assert strict.post(reverse("simulations:rubric", args=[run.pk]), {"level-a": "1"}).status_code == 403
    assert Run.objects.get(pk=run.pk).rubric_at is None


def test_a_stale_answer_is_refused_with_a_notice(staff_client, scenario):
    run = start(staff_client, scenario)
    url = reverse("simulations:answer", args=[run.pk])
    good = token(run, "good")
    staff_client.post(url, {"turn": 0, "choice": good}, HTTP_HX_REQUEST="true")
    again = staff_client.post(url, {"turn": 0, "choice": good}, HTTP_HX_REQUEST="true")
    assert "这一步已经作答过了" in again.content.decode()
    assert Run.objects.get(pk=run.pk).turn == 1


def test_the_supervisor_scores_a_live_run_on_the_rubric_page(client, staff, supervisor, area, tmp_path):
    scenario = live_scenario(area, tmp_path)
    client.force_login(staff)
    run = start(client, scenario, live="1")
    assert run.live

    # While the run goes on, the supervisor finds it, opens the rubric and cannot submit yet.
    client.force_login(supervisor)
    assert "待评分的现场模拟" in client.get(reverse("simulations:index")).content.decode()
    assert client.get(reverse("simulations:review", args=[run.pk])).url == reverse("simulations:rubric", args=[run.pk])
    page = client.get(reverse("simulations:rubric", args=[run.pk])).content.decode()
    assert "接待进行中" in page and 'hx-trigger="every 3s"' in page
    weight = round(scenario.rubric_weight * 100)
    assert f"最终得分中评分表占 {weight}%" in page  # in words a supervisor reads, not a formula
    early = client.post(reverse("simulations:rubric", args=[run.pk]), {"level-a": "1", "level-b": "0"})
    assert "接待尚未结束" in early.content.decode()
    assert 'value="1" required checked' in early.content.decode()  # the choice is kept

    client.force_login(staff)
    reply(client, run, "rude")
    assert client.get(reverse("simulations:rubric", args=[run.pk])).status_code == 404  # not for the player

    client.force_login(supervisor)
    status = client.get(reverse("simulations:rubric", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "接待已结束" in status and "disabled" not in status and "every 3s" not in status
    response = client.post(reverse("simulations:rubric", args=[run.pk]), {"level-a": "1", "level-b": "0"})
    assert response.url == reverse("simulations:review", args=[run.pk])
    run.refresh_from_db()
    # 0.6 * overall + 0.4 * 100 * 4/8
    assert run.rubric_by == supervisor and run.final_score == int(0.6 * run.overall + 20 + 0.5)
    # Scored once: the page now leads to the review.
    assert client.get(reverse("simulations:rubric", args=[run.pk])).status_code == 302


def test_only_the_persons_supervisor_or_manager_may_score(client, staff, supervisor, area, tmp_path):
    scenario = live_scenario(area, tmp_path)
    run = services.start_run(person=staff, scenario=scenario, live=True, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    url = reverse("simulations:rubric", args=[run.pk])
    other_supervisor = make_user(Role.SUPERVISOR, team=make_team(center=staff.center))
    other_center_manager = make_user(Role.MANAGER, team=None, center=make_team().center)
    for outsider in (other_supervisor, other_center_manager, make_user(team=staff.team)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"level-a": "1", "level-b": "1"}).status_code == 404
    assert Run.objects.get(pk=run.pk).rubric_at is None
    client.force_login(make_user(Role.MANAGER, team=None, center=staff.center))
    assert client.get(url).status_code == 200
    client.force_login(supervisor)
    assert client.get(url).status_code == 200


def test_a_run_that_is_not_live_has_no_rubric_page(client, staff, supervisor, area, tmp_path):
    scenario = live_scenario(area, tmp_path)
    run = services.start_run(person=staff, scenario=scenario, live=False, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    client.force_login(supervisor)
    assert client.get(reverse("simulations:rubric", args=[run.pk])).status_code == 404


def test_mistakes_page_lists_and_practises_scenario_points(staff_client, scenario):
    run = start(staff_client, scenario)
    reply(staff_client, run, "rude")
    page = staff_client.get(reverse("simulations:mistakes")).content.decode()
    assert "开场" in page
    mistake = run.person.scenario_mistakes.get()
    practice_url = reverse("simulations:practice", args=[mistake.pk])
    practice = staff_client.get(practice_url).content.decode()
    good = selectors.choice_token(mistake.step, "good", seed=mistake.pk)
    assert f'value="{good}"' in practice and 'value="good"' not in practice
    meh = selectors.choice_token(mistake.step, "meh", seed=mistake.pk)
    wrong = staff_client.post(practice_url, {"choice": meh}).content.decode()
    assert "还不是理想处理" in wrong and "再练一次" in wrong and "回应good" in wrong  # the ideal, after answering
    response = staff_client.post(practice_url, {"choice": good})
    assert "做对了，已掌握" in response.content.decode()


def test_someone_elses_scenario_point_is_404(client, staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    mistake = staff.scenario_mistakes.get()
    client.force_login(make_user(team=staff.team))
    assert client.get(reverse("simulations:practice", args=[mistake.pk])).status_code == 404
    assert client.post(reverse("simulations:practice", args=[mistake.pk]), {"choice": "x"}).status_code == 404


def test_an_unpublished_scenario_cannot_be_opened_or_started(staff_client, scenario):
    Scenario.objects.filter(pk=scenario.pk).update(is_published=False)
    assert staff_client.get(reverse("simulations:scenario", args=[scenario.slug])).status_code == 404
    assert staff_client.post(reverse("simulations:start", args=[scenario.slug])).status_code == 404
    assert scenario.title not in staff_client.get(reverse("simulations:index")).content.decode()


def test_home_panel_points_to_open_scenario_points(staff_client, scenario):
    run = start(staff_client, scenario)
    reply(staff_client, run, "rude")
    assert "1 个模拟接待错题待练" in staff_client.get("/").content.decode()


def test_the_admin_shows_the_graph_outline_to_a_content_admin(client, content_admin, area, tmp_path):
    scenario = import_dict(tmp_path, small_scenario(area.code))
    client.force_login(content_admin)
    page = client.get(reverse("admin:simulations_scenario_change", args=[scenario.pk])).content.decode()
    assert 'id="step-ask"' in page and 'href="#step-left"' in page
    assert "★ good" in page  # the ideal choice is marked in the outline


def test_a_content_admin_sees_the_runs_of_their_own_center_only_in_the_admin(client, content_admin, scenario):
    own = services.start_run(person=make_user(center=content_admin.center), scenario=scenario, at=timezone.now())
    other = services.start_run(person=make_user(team=make_team()), scenario=scenario, at=timezone.now())
    client.force_login(content_admin)
    assert client.get(reverse("admin:simulations_run_change", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:simulations_run_change", args=[other.pk])).status_code == 302  # not found
    listing = client.get(reverse("admin:simulations_run_changelist")).content.decode()
    assert f"/run/{own.pk}/change/" in listing and f"/run/{other.pk}/change/" not in listing


def test_the_review_states_the_good_rating_threshold_the_scoring_uses(client, staff, supervisor, scenario, monkeypatch):
    from simulations import scoring

    monkeypatch.setattr(scoring, "GOOD_RATING_MIN", 70)
    run = services.start_run(person=staff, scenario=scenario, at=timezone.now())
    services.submit_answer(run=run, turn=0, answer=services.Answer(choice_key="rude"), at=timezone.now())
    client.force_login(supervisor)
    page = client.get(reverse("simulations:review", args=[run.pk])).content.decode()
    assert "不低于 70 分" in page and "60 分" not in page
