"""A live mock reception: a clerk plays 蒋阿姨 on a phone while the supervisor, on a tablet beside
the counter, scores the rubric; the review then shows the combined result."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login, screenshot
from tests.simulations.factories import load_jiang

TABLET = {"viewport": {"width": 1024, "height": 768}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}


def test_the_supervisor_scores_a_live_run_on_a_tablet(new_context, staff, supervisor):
    load_jiang()
    phone = new_context().new_page()
    login(phone, staff.username)
    phone.goto("/simulations/scenarios/jiang-ayi-anhui-ss-card/")
    phone.get_by_label("现场模拟：班组长扮演居民并按评分表打分").check()
    phone.get_by_test_id("start-run").click()
    expect(phone.get_by_text("是不是得回安徽去办啊")).to_be_visible()

    # The supervisor finds the live run while it goes on and chooses levels as they watch.
    tablet = new_context(TABLET).new_page()
    login(tablet, supervisor.username)
    tablet.goto("/simulations/")
    tablet.get_by_test_id("awaiting-run").filter(has_text=staff.display_name).click()
    expect(tablet.get_by_test_id("rubric-submit")).to_contain_text("接待进行中")
    expect(tablet.get_by_test_id("submit-rubric")).to_be_disabled()
    tablet.get_by_label("充分体现").first.check()  # 首问负责
    tablet.get_by_test_id("criterion").nth(1).get_by_label("基本做到").check()  # 一次告知
    tablet.get_by_label("耐心亲切").check()
    tablet.get_by_label("准确熟练").check()
    screenshot(tablet, "sim-20-rubric-tablet-during-run")

    # The clerk plays the ideal path on the phone.
    phone.get_by_test_id("reply").filter(has_text="不用回安徽").click()
    phone.get_by_test_id("reply").filter(has_text="一次跟您说清楚").click()
    phone.get_by_label("本人有效身份证件").check()
    phone.get_by_label("损坏的安徽社保卡（换卡时交回）").check()
    phone.get_by_test_id("submit-materials").click()
    phone.get_by_test_id("field-matter").select_option("外省社保卡补换（长三角跨省通办）")
    phone.get_by_test_id("field-channel").select_option("长三角“一网通办”跨省通办专窗")
    phone.get_by_test_id("field-delivery").select_option("约10个工作日制卡，邮寄到家")
    phone.get_by_test_id("submit-form").click()
    phone.get_by_test_id("reply").filter(has_text="邮寄到家").click()
    phone.wait_for_url("**/review/")
    expect(phone.get_by_test_id("result")).to_contain_text("待班组长评分")

    # The tablet notices the end by itself; the chosen levels are still there.
    expect(tablet.get_by_test_id("run-over")).to_contain_text("接待已结束")
    expect(tablet.get_by_label("耐心亲切")).to_be_checked()
    auto = int(re.search(r"自动评分 (\d+) 分", tablet.get_by_test_id("run-over").inner_text()).group(1))
    screenshot(tablet, "sim-21-rubric-tablet-run-over")
    tablet.get_by_test_id("submit-rubric").click()

    # 14 of 16 rubric points at weight 0.3: final = 0.7 * auto + 0.3 * 87.5.
    tablet.wait_for_url("**/review/")
    expected = int(0.7 * auto + 0.3 * 100 * 14 / 16 + 0.5)
    expect(tablet.get_by_test_id("overall")).to_have_text(str(expected))
    expect(tablet.get_by_test_id("result")).to_contain_text("自动 " + str(auto) + " · 评分表 88%")
    screenshot(tablet, "sim-22-review-combined")
    phone.reload()
    expect(phone.get_by_test_id("overall")).to_have_text(str(expected))
    expect(phone.locator("main")).to_contain_text(f"班组长 {supervisor.display_name} 评分表得分率 88%")
