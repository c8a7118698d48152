"""The competency matrix on a small hand-checked data set: mastery, evidence, teams, sorting, scope."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports.selectors import competency_matrix, evidence, person_report, trend
from tests.conftest import make_area, make_team, make_user
from tests.reports.conftest import result

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(center):
    sup = make_user(Role.SUPERVISOR, center=center)
    red, blue = make_team(center, "红队", supervisors=[sup]), make_team(center, "蓝队")
    ss, mi = make_area("社会保障"), make_area("医疗保障")
    wang, li, zhang = (
        make_user(team=red, full_name="王芳"),
        make_user(team=red, full_name="李娜"),
        make_user(team=blue, full_name="张敏"),
    )
    now = timezone.now()
    # 王芳 社保: 100% twice today and 40% 40 days ago (weight 2^(-40/30) = 0.397):
    # (1 + 1 + 0.4 × 0.397) / (2 + 0.397) = 90.1
    result(wang, ss, 1.0, now=now)
    result(wang, ss, 1.0, now=now)
    result(wang, ss, 0.4, days_ago=40, now=now)
    for _ in range(3):
        result(li, ss, 0.4, now=now)  # 40: weak, with enough evidence
    result(zhang, mi, 0.9, now=now)  # one result: 证据不足
    return {
        "now": now,
        "sup": sup,
        "red": red,
        "ss": ss,
        "mi": mi,
        "wang": wang,
        "li": li,
        "zhang": zhang,
        "idle": make_user(team=blue, full_name="赵闲"),
        "manager": make_user(Role.MANAGER, center=center),
    }


def _row(matrix, person):
    return next(row for row in matrix.people if row.person_id == person.pk)


def _cell(matrix, person, area):
    return _row(matrix, person).cells[[a.id for a in matrix.areas].index(area.pk)]


def test_mastery_weighs_recent_results_more_and_says_how_much_evidence(world):
    matrix = competency_matrix(viewer=world["manager"], now=world["now"])
    wang = _cell(matrix, world["wang"], world["ss"])
    assert wang.mastery == pytest.approx(90.1, abs=0.05) and wang.results == 3 and wang.level == "good"
    li = _cell(matrix, world["li"], world["ss"])
    assert (li.mastery, li.level) == (40.0, "weak")
    zhang = _cell(matrix, world["zhang"], world["mi"])
    assert (zhang.mastery, zhang.results, zhang.level) == (90.0, 1, "thin")
    idle = _cell(matrix, world["idle"], world["ss"])
    assert (idle.mastery, idle.level) == (None, "none")


def test_teams_average_their_members_and_the_summary_counts_people(world):
    matrix = competency_matrix(viewer=world["manager"], now=world["now"])
    red = next(row for row in matrix.teams if row.team == "红队")
    assert red.cells[0].mastery == pytest.approx((90.1 + 40) / 2, abs=0.05)
    assert (red.cells[0].people, red.cells[0].results) == (2, 6)
    ss = next(row for row in matrix.summary if row["area"].name == "社会保障")
    # rows: 王芳, 李娜, 张敏, 赵闲 and the supervisor (who serves at the counter too)
    assert (ss["people"], ss["weak"], ss["untried"], ss["results"]) == (2, 1, 3, 6)
    assert [(area.name, [p.name for p in people]) for area, people in matrix.weak] == [("社会保障", ["李娜"])]


def test_the_period_keeps_only_its_results(world):
    matrix = competency_matrix(viewer=world["manager"], now=world["now"], period="30")
    wang = _cell(matrix, world["wang"], world["ss"])
    assert (wang.mastery, wang.results, wang.level) == (100.0, 2, "thin")


def test_sorting_by_an_area_puts_people_without_a_result_last(world):
    key = f"area-{world['ss'].pk}"
    down = competency_matrix(viewer=world["manager"], now=world["now"], sort=key, descending=True)
    assert [row.name for row in down.people][:2] == ["王芳", "李娜"]
    up = competency_matrix(viewer=world["manager"], now=world["now"], sort=key)
    assert [row.name for row in up.people][:2] == ["李娜", "王芳"]
    assert up.people[-1].cells[0].mastery is None


def test_filters_by_team_and_area(world):
    matrix = competency_matrix(
        viewer=world["manager"], now=world["now"], team_id=world["red"].pk, area_id=world["mi"].pk
    )
    assert [a.name for a in matrix.areas] == ["医疗保障"]
    assert sorted(row.name for row in matrix.people) == ["李娜", "王芳"]


def test_a_supervisor_sees_only_the_teams_they_lead(world):
    matrix = competency_matrix(viewer=world["sup"], now=world["now"])
    assert {row.team for row in matrix.people} <= {"红队", "—"}
    assert "张敏" not in {row.name for row in matrix.people}


def test_evidence_lists_the_results_behind_a_cell_with_their_weight(world):
    rows = evidence(viewer=world["manager"], person=world["wang"], area=world["ss"], since=None)
    assert [r.score_ratio for r in rows] == [1.0, 1.0, 0.4]
    assert sum(r.weight_share for r in rows) == pytest.approx(1.0)
    assert rows[2].weight_share == pytest.approx(0.397 / 2.397, abs=0.002)


def test_evidence_opens_from_the_matrix_and_only_for_people_the_viewer_may_see(client, world):
    url = reverse("reports:evidence", args=[world["wang"].pk, world["ss"].pk])
    client.force_login(world["manager"])
    body = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="evidence"' in body and "<html" not in body and "40%" in body
    client.force_login(world["zhang"])  # another clerk
    assert client.get(url).status_code == 404
    client.force_login(world["wang"])  # their own
    assert client.get(url).status_code == 200


def test_trend_is_mastery_as_of_each_week_end(world):
    person = make_user(team=world["red"])
    now = world["now"]
    result(person, world["ss"], 0.5, days_ago=35, now=now)
    result(person, world["ss"], 1.0, days_ago=7.5, now=now)
    points = trend(people=[person.pk], now=now)
    values = [v for _end, v in points]
    assert len(points) == 12 and values[:6] == [None] * 6  # week ends 11..6 weeks ago: nothing yet
    assert values[6:10] == [50.0] * 4
    w_old, w_new = 2 ** (-35 / 30), 2 ** (-7.5 / 30)
    assert values[-1] == pytest.approx(round((0.5 * w_old + w_new) / (w_old + w_new) * 100, 1))


def test_person_report_counts_the_mistake_book_and_shows_the_badges(world):
    from leaderboard.honours import award_badges

    award_badges(person=world["wang"], at=world["now"])  # mastery 90.1 ≥ 90 in 社会保障
    report = person_report(person=world["wang"], now=world["now"])
    assert report.badges == ["条线掌握度 90+·社会保障"]
    assert report.mistakes_open == 0 and len(report.recent) == 3


def test_the_pages_render_for_the_director(client, world):
    client.force_login(world["manager"])
    body = client.get(reverse("reports:index")).content.decode()
    assert "赵闲" in body and "证据不足" in body and "rp-weak-cell" in body
    assert client.get(reverse("reports:team", args=[world["red"].pk])).status_code == 200
    page = client.get(reverse("reports:person", args=[world["wang"].pk])).content.decode()
    assert "<svg" in page and "社会保障" in page and "错题本" in page
    partial = client.get(reverse("reports:index") + "?sort=name", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="matrix")
    assert "<html" not in partial.content.decode() and "people-matrix" in partial.content.decode()


def test_staff_open_only_their_own_person_view(client, world):
    client.force_login(world["wang"])
    assert client.get(reverse("reports:index")).status_code == 403
    assert client.get(reverse("reports:person", args=[world["wang"].pk])).status_code == 200
    assert client.get(reverse("reports:person", args=[world["li"].pk])).status_code == 404
    assert client.get(reverse("reports:team", args=[world["red"].pk])).status_code == 403


def test_the_files_follow_the_filters_when_htmx_swaps_the_matrix(client, world):
    client.force_login(world["manager"])
    query = f"?team={world['red'].pk}&period=30"
    partial = client.get(reverse("reports:index") + query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="matrix")
    body = partial.content.decode()
    assert f"/reports/export.xlsx?period=30&amp;team={world['red'].pk}" in body
    assert "张敏" not in body  # another team's clerk


def test_charts_escape_their_text_and_draw_the_thresholds():
    from reports.charts import bar_chart, line_chart

    svg = str(bar_chart([("<script>x</script>", 55.0, "weak"), ("居住证", None, "none")], title="掌握度"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "ch-weak" in svg and "暂无成绩" in svg
    assert svg.count('class="ch-threshold"') == 4  # 0, 60, 85, 100
    now = timezone.now()
    line = str(line_chart([(now - timezone.timedelta(weeks=1), None), (now, 72.0)], title="趋势"))
    assert "<polyline" in line and ">72<" in line
