"""Issue 13: silence at the counter. A timeout leads to a reply and an ending that fit silence, costs
at least as much as the worst reply of its step, the intro states the real limits, and the
importer refuses a step without a timeout branch or a text that contradicts the limits."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from simulations import services
from simulations.models import Choice, Rating, RunStatus
from simulations.services import Answer
from tests.simulations.factories import choice, import_dict, load_jiang, small_scenario
from tests.simulations.test_graph import issues_for, step

pytestmark = pytest.mark.django_db
T0 = timezone.now().replace(microsecond=0)


def at(seconds: float):
    return T0 + timedelta(seconds=seconds)


def test_silence_at_jiang_ayis_first_step_gets_a_reply_and_an_ending_that_fit_silence(staff):
    scenario = load_jiang()
    run = services.start_run(person=staff, scenario=scenario, at=at(0))
    late = services.submit_answer(run=run, turn=0, answer=Answer(choice_key="yrd"), at=at(61))  # step 1 gives 60 s
    assert (late.accepted, late.reason) == (False, "deadline")
    run = late.run
    silence = run.answers.get()
    assert silence.timed_out and silence.answered_at == at(60)
    # Not "那太好了！" as if helped: she waits, gives up and leaves with a bad rating.
    assert run.status == RunStatus.FAILED and run.rating == Rating.BAD
    assert run.ending_title.startswith("窗口沉默")
    assert "那太好了" not in run.ending_says and "不说话" in run.ending_says
    # Silence costs at least as much as the worst reply of that step, on every dimension.
    replies = Choice.objects.filter(step__scenario=scenario, step__key="greet", is_timeout=False)
    for dimension in ("accuracy", "manners", "completeness"):
        assert getattr(silence, dimension) <= min(getattr(c, dimension) for c in replies)
    worst_total = min(c.accuracy + c.manners + c.completeness for c in replies)
    assert silence.accuracy + silence.manners + silence.completeness <= worst_total


def test_saying_nothing_never_scores_better_than_the_worst_reply(staff, area, tmp_path):
    data = small_scenario(area.code)
    scenario = import_dict(tmp_path, data)
    quiet = services.start_run(person=staff, scenario=scenario, at=at(0))
    quiet = services.open_run(run=quiet, at=at(61))  # the clerk said nothing for the whole first step
    rude = services.start_run(person=make_other(staff), scenario=scenario, at=at(0))
    rude = services.submit_answer(run=rude, turn=0, answer=Answer(choice_key="rude"), at=at(5)).run
    assert quiet.status != RunStatus.ACTIVE and rude.status != RunStatus.ACTIVE
    assert quiet.overall <= rude.overall
    assert quiet.manners_points <= rude.manners_points


def make_other(person):
    from tests.conftest import make_user

    return make_user(team=person.team)


def test_the_intro_states_the_real_step_limits(staff_client):
    scenario = load_jiang()
    html = staff_client.get(reverse("simulations:scenario", args=[scenario.slug])).content.decode()
    assert "第一步 1 分钟" in html  # greet gives 60 s
    assert "每一步 1 分钟到 2 分钟" in html  # from greet (60 s) to the 一网通办 form (120 s)
    assert "1 分 30 秒" not in html  # the default no step on the first screen uses


def test_a_step_without_a_timeout_branch_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    data.pop("timeout")
    issues = issues_for(tmp_path, data)
    missing = {s for _f, s, m in issues if "缺少超时分支" in m}
    assert missing == {"ask", "docs", "form"}  # every step but the endings
    step(data, "docs")["timeout"] = {"next": "left"}
    assert "docs" not in {s for _f, s, m in issues_for(tmp_path, data) if "缺少超时分支" in m}


def test_a_timeout_that_goes_on_as_if_helped_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["timeout"] = {"next": "docs"}  # where the ideal reply leads
    assert any(s == "ask" and "理想回应的下一步" in m for _f, s, m in issues_for(tmp_path, data))


def test_a_timeout_milder_than_the_worst_reply_is_reported(area, tmp_path):
    data = small_scenario(area.code)
    step(data, "ask")["timeout"] = {"next": "left", "score": {"manners": -2}}  # 'rude' costs 10
    assert any(s == "ask" and "还轻：沉默不能比说错话更划算" in m for _f, s, m in issues_for(tmp_path, data))


@pytest.mark.parametrize(
    ("where", "text", "message"),
    [
        ("prompt", "请在 90 秒内勾选材料", "文字写的时限 1 分 30 秒 与本步实际时限 1 分钟 不符"),
        ("narration", "你有 1 分半钟核对材料。", "文字写的时限 1 分 30 秒 与本步实际时限 1 分钟 不符"),
        ("summary", "每步限时 1:30，整场 5 分钟。", "简介写每步 1 分 30 秒，但步骤 ask 限时 1 分钟"),
        ("summary", "整场限时 10 分钟。", "简介写的时限 10 分钟 与整场时限 5 分钟 不符"),
    ],
)
def test_a_text_that_contradicts_the_limits_is_reported(area, tmp_path, where, text, message):
    data = small_scenario(area.code)  # 300 s in all, 60 s a step
    if where == "summary":
        data["summary"] = text
    else:
        step(data, "docs")[where] = text
    assert any(message in m for _f, _s, m in issues_for(tmp_path, data)), issues_for(tmp_path, data)


def test_texts_that_agree_with_the_limits_pass(area, tmp_path):
    data = small_scenario(area.code, summary="整场 5 分钟，每步 1 分钟。")
    step(data, "docs")["prompt"] = "60 秒内勾选"
    step(data, "ask")["choices"].append(choice("wait", "left", manners=-3))
    import_dict(tmp_path, data)  # no ScenarioImportError
