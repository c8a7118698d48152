"""A whole live drill in real browsers: a supervisor sets it up and hosts it, a projector shows
it, five phones join (the lobby count follows on every phone) and play 必答, 抢答 (with a false
start) and 风险题; one phone's page is closed and opened again mid-question; the podium and the
ledger agree, and a player opens the results afterwards from 我的大练兵."""

import re

from playwright.sync_api import expect

from accounts.models import Role
from competitions.models import Competition
from leaderboard.models import LedgerEntry
from tests.conftest import make_area, make_user
from tests.e2e.conftest import DESKTOP, PHONE, PROJECTOR, login, screenshot
from tests.quizzes.factories import make_question

STEMS = [
    "老年综合津贴的申领年龄是？",
    "社保卡补换需要携带什么？",
    "“两个免于提交”指的是哪些材料？",
    "长三角跨省通办的社保卡业务应在哪里受理？",
]


def live(page):
    """Wait until the page's socket is open (the server then has sent the whole state)."""
    page.wait_for_selector("[data-live][data-connected='1']")
    return page


def score_of(page) -> int:
    return int(re.search(r"-?\d+", page.get_by_test_id("my-score").inner_text()).group())


def test_a_supervisor_runs_a_live_drill_for_five_phones(new_context, center):
    area = make_area("社会保障")
    for stem in STEMS:
        make_question(area, stem=stem)
    host = make_user(Role.SUPERVISOR, center=center, full_name="周班长")
    names = ["张敏", "李强", "王芳", "赵磊", "陈静"]
    staff = [make_user(Role.STAFF, center=center, full_name=name) for name in names]

    # The supervisor sets up the drill: 2 必答, 1 抢答, 1 风险题, drawn from the bank.
    console = new_context(DESKTOP).new_page()
    login(console, host.username)
    console.goto("/competitions/")
    console.get_by_role("link", name="新建大练兵").click()
    console.get_by_label("名称").fill("社保业务大练兵")
    for number, count in ((0, "2"), (1, "1"), (2, "1")):
        console.locator(f"#id_round-{number}-count").fill(count)
    screenshot(console, "competitions-setup")
    console.get_by_role("button", name="创建并进入主持台").click()
    console.wait_for_url("**/host/")
    live(console)
    code = console.get_by_test_id("join-code").inner_text()

    screen = new_context(PROJECTOR).new_page()
    login(screen, host.username)
    screen.goto(f"/competitions/{code}/screen/")
    live(screen)

    phones, contexts = [], []
    for person in staff:
        contexts.append(new_context(PHONE))
        phone = contexts[-1].new_page()
        login(phone, person.username)
        phone.goto("/competitions/")
        phone.get_by_label("加入码").fill(code)
        phone.get_by_role("button", name="加入").click()
        phone.wait_for_url(f"**/competitions/{code}/play/")
        phones.append(live(phone))
    zhang, li, wang, zhao, chen = phones
    expect(zhang.get_by_test_id("play-count")).to_have_text("5")  # the phone lobby follows who joins
    expect(screen.locator(".joined")).to_contain_text("陈静")
    expect(screen.get_by_test_id("big-code")).to_have_text(code)
    screenshot(screen, "competitions-screen-lobby")
    screenshot(zhang, "competitions-phone-lobby")

    def host_clicks(name):
        console.get_by_role("button", name=name).click()

    # 必答 1: two right, one wrong; everyone answered, so the question closes by itself.
    host_clicks("开始比赛")
    host_clicks("出题")
    expect(screen.get_by_test_id("stem")).to_be_visible()
    for phone, label in ((zhang, "A"), (li, "A"), (wang, "B"), (zhao, "B"), (chen, "A")):
        phone.get_by_test_id(f"answer-{label}").click()
        expect(phone.get_by_test_id("my-status")).to_contain_text("已提交")
    screenshot(zhang, "competitions-phone-answered")
    screenshot(console, "competitions-host-question")
    host_clicks("揭晓答案")
    # Each phone draws its own corner from the reveal's one shared frame (its row of the table).
    expect(zhang.get_by_test_id("my-status")).to_contain_text("回答正确")
    expect(zhang.get_by_test_id("my-answer")).to_have_text("你的答案：A")
    expect(zhang.get_by_test_id("my-rank")).to_contain_text("/ 5")
    expect(wang.get_by_test_id("my-status")).to_contain_text("回答错误")
    expect(screen.locator(".option.correct")).to_have_count(1)
    # 赵磊 reopens his page while the answer is shown: his own result is there again.
    zhao.reload()
    live(zhao)
    expect(zhao.get_by_test_id("my-status")).to_contain_text("回答错误")
    screenshot(screen, "competitions-screen-reveal")
    screenshot(zhang, "competitions-phone-feedback")
    li_score = score_of(li)
    assert li_score >= 10

    # 必答 2: 李强 closes his page mid-question and opens it again: still himself, with his score.
    host_clicks("下一题")
    host_clicks("出题")
    expect(li.get_by_test_id("answer-A")).to_be_visible()
    screenshot(screen, "competitions-screen-question")
    screenshot(li, "competitions-phone-question")
    li.close()
    li = contexts[1].new_page()
    li.goto(f"/competitions/{code}/play/")
    live(li)
    expect(li.get_by_test_id("my-score")).to_have_text(f"{li_score} 分")
    zhang.get_by_test_id("answer-A").click()
    li.get_by_test_id("answer-B").click()
    for phone in (wang, zhao, chen):
        phone.get_by_test_id("answer-B").click()
    expect(console.get_by_role("button", name="揭晓答案")).to_be_visible()
    host_clicks("揭晓答案")
    expect(li.get_by_test_id("my-status")).to_contain_text("回答错误")

    # 抢答: 王芳 buzzes before buzzing opens (false start); 张敏 buzzes first and is right.
    host_clicks("下一题")
    host_clicks("出题")
    wang.get_by_role("button", name="抢答").click()
    expect(wang.get_by_test_id("my-status")).to_contain_text("抢跑")
    expect(wang.get_by_test_id("my-score")).to_have_text("-10 分")
    host_clicks("开放抢答")
    expect(zhang.locator(".buzz.live")).to_be_visible()
    screenshot(zhang, "competitions-phone-buzz")
    screenshot(wang, "competitions-phone-false-start")
    zhang.get_by_role("button", name="抢答").click()
    expect(screen.locator(".buzz-status")).to_contain_text("张敏 抢到答题权")
    screenshot(screen, "competitions-screen-buzz")
    expect(li.get_by_test_id("answer-A")).to_be_hidden()  # only the winner answers
    zhang.get_by_test_id("answer-A").click()
    host_clicks("揭晓答案")
    expect(zhang.get_by_test_id("my-status")).to_contain_text("回答正确 +20")
    expect(wang.get_by_test_id("my-status")).to_contain_text("抢跑扣分")
    expect(wang.get_by_test_id("my-score")).to_have_text("-10 分")
    expect(screen.locator(".false-starts")).to_contain_text("王芳")

    # 风险题: wagers before the question; right wins the wager, wrong loses it.
    host_clicks("下一题")
    host_clicks("开始选分值")
    expect(zhang.get_by_test_id("stem")).to_have_count(0)  # the question is not shown yet
    for phone, amount in ((zhang, 10), (li, 30), (wang, 20)):
        phone.get_by_test_id(f"wager-{amount}").click()
        expect(phone.get_by_test_id("my-status")).to_contain_text(f"已选分值 {amount}")
    screenshot(li, "competitions-phone-wager")
    host_clicks("亮题")
    for phone, label in ((zhang, "A"), (li, "A"), (wang, "B"), (zhao, "B"), (chen, "B")):
        phone.get_by_test_id(f"answer-{label}").click()
    host_clicks("揭晓答案")
    expect(li.get_by_test_id("my-status")).to_contain_text("回答正确 +30")
    expect(wang.get_by_test_id("my-status")).to_contain_text("回答错误 -20")
    screenshot(screen, "competitions-screen-scoreboard")

    host_clicks("结束并颁奖")
    podium = screen.get_by_test_id("podium")
    expect(podium).to_be_visible()
    expect(podium.locator(".who")).to_have_count(3)  # three steps whatever the scores
    expect(podium.locator(".who").first).to_have_text("张敏")
    expect(wang.get_by_test_id("my-score")).to_have_text("-30 分")
    screenshot(screen, "competitions-screen-podium")
    screenshot(zhang, "competitions-phone-finished")
    screenshot(console, "competitions-host-finished")

    competition = Competition.objects.get(code=code)
    ledger = {row.person.full_name: row for row in LedgerEntry.objects.filter(activity_id=str(competition.pk))}
    assert set(ledger) == set(names)
    # The game keeps her -30; the 比学赶超 ledger never goes below zero for one activity (issue 9).
    assert ledger["张敏"].points > ledger["李强"].points > ledger["王芳"].points == 0

    console.get_by_role("link", name="查看成绩与难点报告").click()
    expect(console.get_by_test_id("results-table")).to_contain_text("张敏")
    screenshot(console, "competitions-results")

    # A player opens the results afterwards: the podium and her own answers, from 我的大练兵.
    wang.goto("/competitions/")
    wang.get_by_role("link", name="社保业务大练兵").click()
    expect(wang.get_by_test_id("my-result")).to_contain_text("-30 分")
    expect(wang.get_by_test_id("my-answers")).to_contain_text("抢跑")
    expect(wang.get_by_test_id("podium")).to_be_visible()
    screenshot(wang, "competitions-phone-results")
