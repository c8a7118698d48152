"""Runs on the server's clock: deadlines refuse late answers, resuming keeps the time, overdue
runs are closed the same way whoever comes first, and results reach the ledger once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from leaderboard.models import ActivityKind, LedgerEntry
from simulations import selectors, services
from simulations.demo import SCENARIO_DIR
from simulations.importer import import_scenarios
from simulations.models import Rating, Run, RunStatus, Scenario, ScenarioMistake
from simulations.services import Answer
from tests.conftest import make_user
from tests.simulations.factories import import_dict, small_scenario
from training import demo as training_demo

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def play(run, *answers_with_times):
    for answer, seconds in answers_with_times:
        result = services.submit_answer(run=run, turn=run.turn, answer=answer, at=at(seconds))
        assert result.accepted, result.reason
        run = result.run
    return run


GOOD = Answer(choice_key="good")
RIGHT_DOCS = Answer(ticked=["id"])
RIGHT_FORM = Answer(values={"matter": "乙"})


def test_the_ideal_path_scores_full_marks_and_reaches_the_ledger_once(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    run = play(run, (GOOD, 10), (RIGHT_DOCS, 20), (RIGHT_FORM, 30))
    assert (run.status, run.overall, run.rating, run.final_score) == (RunStatus.FINISHED, 100, Rating.GOOD, 100)
    entry = LedgerEntry.objects.get(person=staff, activity_kind=ActivityKind.SIMULATION)
    assert (entry.activity_id, entry.area, entry.score_ratio, entry.points) == (str(run.pk), scenario.area, 1.0, 100)
    assert not ScenarioMistake.objects.exists()


def test_a_run_is_scored_by_the_documented_formula(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    # ask: good (+10 acc, +5 manners) in 10 s of 60 -> speed 1
    # docs: asks for the exempt 户口簿 (over_asked: -5 acc) in 45 s -> speed 0.5
    # form: right (+10 acc, +5 completeness) in 30 s -> speed 1
    run = play(run, (GOOD, 10), (Answer(ticked=["id", "hukou"]), 55), (RIGHT_FORM, 85))
    # accuracy 15/30 = 0.5, manners 5/5 = 1, completeness 5/15 = 1/3, speed 2.5/3
    # 40 * 0.5 + 25 * 1 + 20 / 3 + 15 * 2.5 / 3 = 20 + 25 + 6.667 + 12.5 = 64.17 -> 64
    assert run.overall == 64
    assert run.rating == Rating.GOOD
    answer = run.answers.get(step_key="docs")
    assert answer.detail == {
        "ticked": ["身份证", "户口簿"],
        "missing": [],
        "over_asked": ["户口簿"],
        "reasons": ["户口簿：系统可查的理由"],
    }
    assert ScenarioMistake.objects.get(person=staff).step.key == "docs"


def test_an_answer_after_the_step_deadline_is_refused_and_the_timeout_is_scored(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    result = services.submit_answer(run=run, turn=0, answer=GOOD, at=at(61))
    assert not result.accepted and result.reason == "deadline"
    run = result.run
    timeout = run.answers.get()
    assert timeout.timed_out and (timeout.accuracy, timeout.manners) == (-5, -10)  # the worst reply's
    assert timeout.answered_at == at(60)  # closed as of the deadline, not of the late request
    # Silence: the resident leaves (the scenario's timeout branch), as of the deadline.
    assert run.status == RunStatus.FAILED and run.ending_title == "离开" and run.finished_at == at(60)
    # The late answer was not applied: the good choice's points are nowhere.
    assert run.accuracy_points == -5


def test_resuming_keeps_the_server_time(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    resumed = services.open_run(run=run, at=at(40))  # a refresh 40 s later
    assert resumed.step_deadline == at(60) and resumed.deadline == at(300)
    again = services.start_run(person=staff, scenario=scenario, at=at(45))  # tapping 开始 again
    assert again.pk == run.pk and again.step_deadline == at(60)
    assert Run.objects.filter(person=staff).count() == 1


def test_a_double_tap_is_answered_once(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    assert services.submit_answer(run=run, turn=0, answer=GOOD, at=at(5)).accepted
    second = services.submit_answer(run=run, turn=0, answer=Answer(choice_key="rude"), at=at(6))
    assert (second.accepted, second.reason) == (False, "stale")
    assert second.run.answers.count() == 1


def test_branching_on_the_score_so_far_and_early_failure(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    run = play(run, (Answer(choice_key="meh"), 5))  # -10 in total: below 0, so the resident leaves
    assert run.status == RunStatus.FAILED and run.rating == Rating.BAD
    assert run.ending_title == "离开"
    other = make_user(team=staff.team)
    run = play(services.start_run(person=other, scenario=scenario, at=at(0)), (Answer(choice_key="rude"), 5))
    assert run.status == RunStatus.FAILED


def test_an_abandoned_run_is_closed_by_the_command_as_of_its_deadlines(staff, area, tmp_path):
    data = small_scenario(area.code, time_limit=70, step_time_limit=40)
    # Silence at ask: the resident asks again (a step of its own) before giving up.
    data["steps"][0]["timeout"] = {"next": "waiting", "feedback": "窗口沉默，居民又问了一遍。"}
    data["steps"].append(
        {
            "key": "waiting",
            "says": "同志？您在听吗？",
            "choices": [{"key": "sorry", "text": "抱歉", "next": "docs", "ideal": True}],
        }
    )
    scenario = import_dict(tmp_path, data)
    run = services.start_run(person=staff, scenario=scenario, at=T0 - timedelta(hours=1))
    call_command("close_overdue_runs")
    run.refresh_from_db()
    # ask times out at 40 s; waiting at the run's deadline of 70 s.
    assert run.status == RunStatus.TIMED_OUT and run.rating == Rating.BAD
    assert [a.step_key for a in run.answers.all()] == ["ask", "waiting"]
    assert all(a.timed_out for a in run.answers.all())
    assert run.finished_at == run.deadline
    assert LedgerEntry.objects.filter(person=staff).count() == 1
    call_command("close_overdue_runs")  # idempotent
    assert run.answers.count() == 2 and LedgerEntry.objects.filter(person=staff).count() == 1


def test_a_live_run_waits_for_the_rubric_and_then_combines_both(staff, supervisor, area, tmp_path):
    data = small_scenario(area.code)
    data["rubric"] = {
        "weight": 0.4,
        "criteria": [
            {"key": "a", "title": "首问负责", "levels": [{"label": "差", "points": 0}, {"label": "好", "points": 4}]},
            {"key": "b", "title": "一次告知", "levels": [{"label": "差", "points": 0}, {"label": "好", "points": 4}]},
        ],
    }
    scenario = import_dict(tmp_path, data)
    run = services.start_run(person=staff, scenario=scenario, live=True, at=at(0))
    with pytest.raises(services.RubricError):
        services.score_rubric(run=run, supervisor=supervisor, levels={"a": 1, "b": 1}, at=at(1))
    run = play(run, (GOOD, 10), (RIGHT_DOCS, 20), (RIGHT_FORM, 30))
    assert run.overall == 100 and run.final_score is None and not LedgerEntry.objects.exists()
    run = services.score_rubric(run=run, supervisor=supervisor, levels={"a": 1, "b": 0}, at=at(60))
    # 0.6 * 100 + 0.4 * 100 * 4/8 = 80
    assert (run.rubric_score, run.final_score) == (0.5, 80)
    assert LedgerEntry.objects.get(person=staff).points == 80
    with pytest.raises(services.RubricError):
        services.score_rubric(run=run, supervisor=supervisor, levels={"a": 1, "b": 1}, at=at(61))


def test_a_scenario_point_is_practised_until_mastered(staff, scenario):
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    play(run, (Answer(choice_key="rude"), 5))
    mistake = ScenarioMistake.objects.get(person=staff, step__key="ask")
    result = services.practice_mistake(mistake=mistake, answer=Answer(choice_key="meh"), at=at(10))
    assert not result.correct and result.ideal_text == "回应good"
    assert mistake.mastered_at is None and mistake.wrong_count == 2
    assert services.practice_mistake(mistake=mistake, answer=GOOD, at=at(20)).correct
    mistake.refresh_from_db()
    assert mistake.mastered_at == at(20)


def test_a_step_can_have_its_own_time_limit(staff, area, tmp_path):
    data = small_scenario(area.code)
    data["steps"][1]["time_limit"] = 20  # the materials step: 20 s instead of the default 60
    scenario = import_dict(tmp_path, data)
    run = play(services.start_run(person=staff, scenario=scenario, at=at(0)), (GOOD, 10))
    assert run.step_deadline == at(30)
    late = services.submit_answer(run=run, turn=1, answer=RIGHT_DOCS, at=at(31))
    assert (late.accepted, late.reason) == (False, "deadline")
    assert late.run.answers.get(step_key="docs").limit_seconds == 20


def test_an_answer_after_the_run_deadline_is_refused_and_the_run_times_out(staff, area, tmp_path):
    scenario = import_dict(tmp_path, small_scenario(area.code, time_limit=50, step_time_limit=40))
    run = play(services.start_run(person=staff, scenario=scenario, at=at(0)), (GOOD, 30))
    assert run.step_deadline == at(50)  # the step's 40 s are cut to the run's deadline
    late = services.submit_answer(run=run, turn=1, answer=RIGHT_DOCS, at=at(51))
    assert (late.accepted, late.reason) == (False, "deadline")
    assert late.run.status == RunStatus.TIMED_OUT and late.run.finished_at == at(50)
    assert late.run.answers.get(step_key="docs").timed_out
    assert services.submit_answer(run=late.run, turn=2, answer=RIGHT_FORM, at=at(52)).reason == "finished"


def test_each_answer_keeps_its_server_time_and_elapsed_seconds(staff, scenario):
    run = play(services.start_run(person=staff, scenario=scenario, at=at(0)), (GOOD, 12), (RIGHT_DOCS, 40))
    first, second = run.answers.all()
    assert (first.started_at, first.answered_at, first.elapsed_seconds) == (at(0), at(12), 12)
    assert (second.started_at, second.answered_at, second.elapsed_seconds) == (at(12), at(40), 28)


def test_a_branch_looks_at_the_score_so_far_not_only_at_the_last_choice(staff, area, tmp_path):
    data = small_scenario(area.code)
    data["steps"][0]["choices"][1]["branch"] = {"below": -100, "next": "left"}  # meh: go on to the materials
    data["steps"][2]["outcomes"]["correct"]["branch"] = {"below": 20, "next": "left"}
    scenario = import_dict(tmp_path, data)
    # The same right form leads to the good ending after a good start (15 + 20 + 15 = 50 points) …
    good = play(services.start_run(person=staff, scenario=scenario, at=at(0)), (GOOD, 5), (RIGHT_DOCS, 10))
    good = play(good, (RIGHT_FORM, 15))
    assert good.ending_title == "办结"
    # … and to the resident leaving after a poor one (-10 - 5 + 15 = 0, below 20).
    other = make_user(team=staff.team)
    poor = services.start_run(person=other, scenario=scenario, at=at(0))
    poor = play(poor, (Answer(choice_key="meh"), 5), (Answer(ticked=["id", "photo"]), 10), (RIGHT_FORM, 15))
    assert poor.ending_title == "离开" and poor.status == RunStatus.FAILED


def test_a_recovery_path_leads_back_to_a_good_ending(staff):
    training_demo.load()
    import_scenarios(paths=[SCENARIO_DIR / "02-wang-shushu-offline-code.yaml"])
    scenario = Scenario.objects.get(slug="wang-shushu-offline-code")
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    run = play(run, (Answer(choice_key="buy-phone"), 10), (Answer(choice_key="fix"), 20))
    assert run.current_step.key == "materials"  # recovered: the conversation goes on
    run = play(run, (Answer(ticked=["id"]), 30), (Answer(choice_key="explain-all"), 40))
    assert run.status == RunStatus.FINISHED and run.ending_outcome == "good"
    assert run.overall < 100  # the wrong first reply still costs


def test_the_review_keeps_the_ideal_path_of_when_the_run_was_played(staff, area, tmp_path):
    data = small_scenario(area.code, slug="edited")
    scenario = import_dict(tmp_path, data)
    run = play(services.start_run(person=staff, scenario=scenario, at=at(0)), (Answer(choice_key="rude"), 5))
    # The scenario is edited: another reply becomes the ideal one, with another text.
    data["steps"][0]["choices"][0].update(ideal=False)
    data["steps"][0]["choices"][1].update(ideal=True, text="新的理想回应", branch=None)
    import_dict(tmp_path, data)
    assert Scenario.objects.get(slug="edited").ideal_path[0]["choice"] == "meh"
    review = selectors.review(Run.objects.get(pk=run.pk))
    assert [n["text"] for n in review["ideal"]][:1] == ["回应good"]
    assert review["ideal"][-1] == {"title": "办结", "kind": "ending", "text": "", "policy_point": ""}
    assert review["answers"][0].ideal_text == "回应good"
    assert "应收：身份证；免于提交：户口簿" in [n["text"] for n in review["ideal"]]
