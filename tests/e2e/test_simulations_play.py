"""A clerk plays the 蒋阿姨 mock reception on a phone: a good path, a bad path, and a run left to
time out, which the server closes with the timeout scored."""

import re

from playwright.sync_api import expect

from simulations.models import Run
from tests.e2e.conftest import login, screenshot
from tests.simulations.factories import import_dict, load_jiang, small_scenario


def reply(page, text: str) -> None:
    page.get_by_test_id("reply").filter(has_text=text).click()


def test_jiang_ayi_good_path_then_bad_path(phone_page, staff):
    load_jiang()
    page = phone_page
    login(page, staff.username)
    page.goto("/simulations/")
    screenshot(page, "sim-01-index")
    page.get_by_test_id("scenario-jiang-ayi-anhui-ss-card").click()
    expect(page.get_by_test_id("persona")).to_contain_text("68 岁")
    screenshot(page, "sim-02-scenario")
    page.get_by_test_id("start-run").click()

    # The good path: recognise 跨省通办, tell everything at once, ask only what the system lacks.
    expect(page.get_by_text("是不是得回安徽去办啊")).to_be_visible()
    expect(page.get_by_test_id("step-countdown")).to_have_text(re.compile(r"0[01]:\d\d"))
    screenshot(page, "sim-03-first-step")
    reply(page, "不用回安徽")
    expect(page.get_by_test_id("last-feedback")).to_contain_text("首问负责")
    reply(page, "一次跟您说清楚")
    page.get_by_label("本人有效身份证件").check()
    page.get_by_label("损坏的安徽社保卡（换卡时交回）").check()
    screenshot(page, "sim-04-materials")
    page.get_by_test_id("submit-materials").click()
    page.get_by_test_id("field-matter").select_option("外省社保卡补换（长三角跨省通办）")
    page.get_by_test_id("field-channel").select_option("长三角“一网通办”跨省通办专窗")
    page.get_by_test_id("field-delivery").select_option("约10个工作日制卡，邮寄到家")
    screenshot(page, "sim-05-counter-screen")
    page.get_by_test_id("submit-form").click()
    screenshot(page, "sim-06-help-step")
    reply(page, "邮寄到家")

    page.wait_for_url("**/review/")
    expect(page.get_by_test_id("rating")).to_contain_text("好评")
    expect(page.get_by_test_id("ending-title")).to_contain_text("顺利办结")
    good_score = int(page.get_by_test_id("overall").inner_text())
    assert good_score >= 90
    expect(page.get_by_test_id("path-taken").locator(".path-step.bad:not(.path-end)")).to_have_count(0)
    screenshot(page, "sim-07-review-good")

    # The bad path: send her back to Anhui, then brush her off; she leaves with a 差评.
    page.get_by_test_id("play-again").click()
    reply(page, "回安徽参保地去办")
    expect(page.get_by_test_id("last-feedback")).to_contain_text("错误")
    screenshot(page, "sim-08-bad-turn")
    reply(page, "规定就是这样")

    page.wait_for_url("**/review/")
    expect(page.get_by_test_id("rating")).to_contain_text("差评")
    expect(page.get_by_test_id("ending-title")).to_contain_text("居民生气离开")
    bad_score = int(page.get_by_test_id("overall").inner_text())
    assert bad_score < good_score
    taken = page.get_by_test_id("path-taken")
    expect(taken.locator(".path-step.bad:not(.path-end)")).to_have_count(2)
    expect(taken).to_contain_text("跨省通办专窗")  # the ideal reply shown beside the wrong one
    expect(page.get_by_test_id("path-ideal")).to_contain_text("帮办代办")
    screenshot(page, "sim-09-review-bad")

    # The wrong turns are now scenario points to practise again.
    page.goto("/simulations/mistakes/")
    expect(page.get_by_test_id("mistake")).to_have_count(2)
    page.get_by_test_id("mistake").filter(has_text="接待开场").click()
    reply(page, "不用回安徽")
    expect(page.get_by_test_id("practice-result")).to_contain_text("已掌握")
    screenshot(page, "sim-10-practice")


def test_a_run_left_alone_is_closed_by_the_server_with_the_timeout_scored(phone_page, staff, area, tmp_path):
    data = small_scenario(area.code, title="极短时限的接待", step_time_limit=5)
    data["steps"][0]["timeout"] = {"next": "left", "feedback": "居民等不及走了。"}
    scenario = import_dict(tmp_path, data)
    page = phone_page
    login(page, staff.username)
    page.goto(f"/simulations/scenarios/{scenario.slug}/")
    page.get_by_test_id("start-run").click()
    expect(page.get_by_test_id("step-countdown")).to_have_text(re.compile(r"00:0\d"))

    # Nobody answers: the countdown reaches zero, asks the server, and the server closes the step.
    page.wait_for_url("**/review/", timeout=20_000)
    expect(page.get_by_test_id("rating")).to_contain_text("差评")
    expect(page.get_by_test_id("path-taken")).to_contain_text("超时未作答")
    expect(page.get_by_test_id("path-taken")).to_contain_text("居民等不及走了")
    screenshot(page, "sim-11-timeout-review")
    run = Run.objects.get(person=staff, scenario=scenario)
    answer = run.answers.get()
    assert answer.timed_out and (answer.accuracy, answer.manners) == (-5, -10)  # as bad as the worst reply
    assert (answer.answered_at - answer.started_at).total_seconds() == 5  # closed as of the deadline itself
