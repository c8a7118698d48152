"""A clerk studies on a phone in a break, is interrupted, picks up on another device where she stopped,
finishes the lesson and its check; a supervisor sees who in the team learned what."""

from accounts.models import Role
from leaderboard.models import ActivityKind, LedgerEntry
from quizzes.models import LessonQuestion
from tests.conftest import make_user
from tests.e2e.conftest import DESKTOP, PHONE, login, screenshot
from tests.quizzes.factories import make_question
from training import demo
from training.models import Lesson, LessonProgress


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= 0 && r.top < window.innerHeight; }""",
        selector,
    )


def test_staff_resumes_a_lesson_at_the_same_section_learns_it_and_passes_the_check(new_context, team):
    demo.load()
    clerk = make_user(Role.STAFF, team=team, full_name="王芳")
    lesson = Lesson.objects.get(slug="yrd-ss-card")
    question = make_question(
        lesson.area,
        stem="蒋阿姨的安徽社保卡损坏了，窗口应当怎么办？",
        options={"A": "引导至跨省通办专窗受理，新卡可邮寄", "B": "请她回安徽办理", "C": "请她先开具参保证明"},
        correct="A",
        explanation="外省社保卡损坏属于跨省事项，走跨省通办专窗，后台协同，新卡可邮寄。",
    )
    LessonQuestion.objects.create(lesson=lesson, question=question)

    # On her phone, in a break: find the lesson by searching, open it.
    page = new_context(PHONE).new_page()
    login(page, clerk.username)
    page.goto("/training/")
    screenshot(page, "training-index-phone")
    page.get_by_placeholder("搜索标题和正文").fill("社保卡")
    page.get_by_test_id("search-results").get_by_role("link", name="外省社保卡业务的跨省办理").click()
    page.wait_for_url(f"**/training/lessons/{lesson.pk}/")
    assert page.get_by_test_id("demo-note").is_visible()
    screenshot(page, "training-lesson-phone")

    # She pages to the first section with the pager at the bottom of the screen, then reads on to
    # the third; each time the page saves where she is.
    with page.expect_response(lambda r: r.url.endswith("/position/") and "sec-1" in r.request.post_data):
        page.get_by_role("button", name="下一节").click()
    # The phone loses the network as she scrolls on: the save fails, and goes again once it is back.
    position = f"**/training/lessons/{lesson.pk}/position/"
    page.route(position, lambda route: route.abort("internetdisconnected"))
    with page.expect_event("requestfailed", lambda r: r.url.endswith("/position/")):
        page.evaluate("document.getElementById('sec-3').scrollIntoView({block: 'start'})")
    assert LessonProgress.objects.get(person=clerk, lesson=lesson).section == "sec-1"
    page.unroute(position)
    with page.expect_response(lambda r: r.url.endswith("/position/") and r.request.method == "POST") as saved:
        page.evaluate("window.dispatchEvent(new Event('online'))")
    assert saved.value.status == 204
    assert "sec-3" in saved.value.request.post_data
    assert LessonProgress.objects.get(person=clerk, lesson=lesson).section == "sec-3"

    # A resident comes to the counter: she closes the page and logs out.
    page.goto("/")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/accounts/login/")
    page.close()

    # Later, on another phone, 继续学习 opens the same lesson at the same section.
    page = new_context(PHONE).new_page()
    login(page, clerk.username)
    card = page.get_by_test_id("continue-learning")
    assert "外省社保卡业务的跨省办理" in card.inner_text()
    assert "上次读到：常见错误" in card.inner_text()
    screenshot(page, "training-home-continue-phone")
    card.click()
    page.wait_for_url(f"**/training/lessons/{lesson.pk}/#sec-3")
    page.wait_for_function("() => document.getElementById('sec-3').getBoundingClientRect().top < innerHeight")
    assert in_viewport(page, "#sec-3")
    screenshot(page, "training-lesson-resumed-phone")

    # She finishes the lesson and marks it learned.
    page.get_by_role("button", name="标记为已学完").click()
    page.get_by_test_id("learned").wait_for()
    assert page.locator("#lesson-status").inner_text() == "已学完"
    assert LessonProgress.objects.get(person=clerk, lesson=lesson).completed_at is not None
    screenshot(page, "training-lesson-learned-phone")

    # Then the check at the end of the lesson; its result goes into the ledger for the lesson's area.
    page.get_by_role("link", name="课后小测").click()
    page.wait_for_url(f"**/quizzes/lessons/{lesson.pk}/check/")
    page.get_by_text("引导至跨省通办专窗受理，新卡可邮寄").click()
    page.get_by_role("button", name="提交答案").click()
    page.get_by_test_id("score-card").wait_for()
    screenshot(page, "training-check-result-phone")
    entry = LedgerEntry.objects.get(person=clerk, activity_kind=ActivityKind.LESSON_CHECK)
    assert (entry.area, entry.score_ratio) == (lesson.area, 1.0)
    page.get_by_test_id("back-to-lesson").click()
    page.wait_for_url(f"**/training/lessons/{lesson.pk}/")


def test_supervisor_sees_who_in_the_team_learned_what(new_context, center, team):
    demo.load()
    supervisor = make_user(Role.SUPERVISOR, team=team, full_name="陈建华")
    team.supervisors.add(supervisor)
    clerk = make_user(Role.STAFF, team=team, full_name="李娜")
    lesson = Lesson.objects.get(slug="one-time-notice")
    LessonProgress.objects.create(
        person=clerk, lesson=lesson, started_at="2026-03-02T09:00Z", last_event_at="2026-03-02T09:05Z",
        completed_at="2026-03-02T09:05Z", seconds_spent=300,
    )  # fmt: skip

    page = new_context(DESKTOP).new_page()
    login(page, supervisor.username)
    page.get_by_test_id("team-learning-panel").click()
    page.wait_for_url("**/training/teams/")
    block = page.get_by_test_id(f"team-{team.pk}")
    assert "李娜" in block.inner_text() and "1/27" in block.inner_text()
    screenshot(page, "training-team-desktop")
    block.get_by_role("link", name="李娜").click()
    page.get_by_text("一次告知").first.wait_for()
    screenshot(page, "training-person-desktop")
    page.goto("/training/teams/?view=lessons")
    assert page.get_by_test_id("lesson-completion").is_visible()
    page.goto(f"/training/lessons/{lesson.pk}/")
    screenshot(page, "training-lesson-desktop")
    page.goto("/training/")
    screenshot(page, "training-index-desktop")
