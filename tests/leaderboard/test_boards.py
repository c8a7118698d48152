"""The 比学赶超 boards on a fixed ledger: windows, areas, caps, neighbours, targets, 超, anonymity."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import can_see_name
from leaderboard.models import LedgerEntry
from leaderboard.selectors import (
    catch_target,
    catch_up_steps,
    most_improved,
    neighbours,
    period_start,
    person_ranking,
    shown_to,
    team_ranking,
    team_target,
)
from leaderboard.services import record_result
from tests.conftest import make_area, make_center, make_team, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)  # a Wednesday
_ids = iter(range(1, 100_000))


def score(person, points, *, at=NOW, area=None, kind="exam", ratio=1.0, activity_id=None):
    return record_result(
        person=person,
        area=area or make_area(),
        kind=kind,
        activity_id=activity_id or next(_ids),
        score_ratio=ratio,
        points=points,
        at=at,
    ).entry


@pytest.fixture
def world():
    center = make_center()
    red, blue = make_team(center, "红队"), make_team(center, "蓝队")
    return center, red, blue


# --- windows and filters -----------------------------------------------------------------------


def test_quarter_starts_on_the_first_day_of_its_first_month():
    assert period_start("quarter", now=NOW) == datetime(2026, 10, 1, tzinfo=SHANGHAI)
    assert period_start("quarter", now=datetime(2026, 3, 31, 23, 0, tzinfo=SHANGHAI)) == datetime(
        2026, 1, 1, tzinfo=SHANGHAI
    )


def test_each_window_counts_only_its_own_days(world):
    center, red, _ = world
    clerk = make_user(team=red)
    score(clerk, 1, at=datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI))  # last quarter
    score(clerk, 10, at=datetime(2026, 10, 31, 12, tzinfo=SHANGHAI))  # this quarter, last month
    score(clerk, 100, at=datetime(2026, 11, 22, 23, 30, tzinfo=SHANGHAI))  # Sunday: last week
    score(clerk, 1000, at=datetime(2026, 11, 23, 0, 10, tzinfo=SHANGHAI))  # Monday 00:10: this week
    got = {
        p: person_ranking(center_id=center.pk, period=p, now=NOW)[0].points for p in ("week", "month", "quarter", "all")
    }
    assert got == {"week": 1000, "month": 1100, "quarter": 1110, "all": 1111}


def test_area_filter_ranks_by_that_area_only(world):
    center, red, _ = world
    social, medical = make_area("社会保障"), make_area("医疗保障")
    a, b = make_user(team=red, full_name="甲"), make_user(team=red, full_name="乙")
    score(a, 50, area=social)
    score(b, 10, area=social)
    score(b, 90, area=medical)
    assert [r.name for r in person_ranking(center_id=center.pk, period="week", now=NOW)] == ["乙", "甲"]
    by_area = person_ranking(center_id=center.pk, period="week", now=NOW, area_id=social.pk)
    assert [(r.name, r.points) for r in by_area] == [("甲", 50), ("乙", 10)]
    assert team_ranking(center_id=center.pk, period="week", now=NOW, area_id=medical.pk)[0].points == 90


def test_equal_points_share_a_rank_on_the_team_board_too(world):
    center, red, blue = world
    score(make_user(team=red), 20)
    score(make_user(team=blue), 20)
    assert [t.rank for t in team_ranking(center_id=center.pk, period="week", now=NOW)] == [1, 1]


# --- 学: caps when the row is written -----------------------------------------------------------


def test_only_the_first_daily_practice_of_a_day_earns_points_but_all_count_for_mastery(world):
    center, red, _ = world
    clerk = make_user(team=red)
    area, other = make_area(), make_area()
    first = score(clerk, 60, kind="daily", area=area, activity_id="d1")
    same_attempt_other_area = score(clerk, 20, kind="daily", area=other, activity_id="d1")
    second = score(clerk, 60, kind="daily", area=area, activity_id="d2", ratio=0.5)
    tomorrow = score(clerk, 60, kind="daily", area=area, activity_id="d3", at=NOW + timedelta(days=1))
    assert (first.points, same_attempt_other_area.points, second.points, tomorrow.points) == (60, 20, 0, 60)
    assert second.score_ratio == 0.5  # the evidence is kept in full


def test_practice_points_are_capped_per_day(world):
    center, red, _ = world
    clerk = make_user(team=red)
    rows = [score(clerk, 25, kind="practice") for _ in range(4)]
    assert [r.points for r in rows] == [25, 25, 10, 0]
    assert score(clerk, 25, kind="practice", at=NOW + timedelta(days=1)).points == 25


def test_the_day_of_a_cap_is_shanghais(world):
    center, red, _ = world
    clerk = make_user(team=red)
    score(clerk, 60, kind="practice", at=datetime(2026, 11, 25, 23, 30, tzinfo=SHANGHAI))
    # 00:30 in Shanghai is still the 25th in UTC, but a new day for the cap.
    assert score(clerk, 30, kind="practice", at=datetime(2026, 11, 26, 0, 30, tzinfo=SHANGHAI)).points == 30


def test_a_retry_of_a_capped_result_changes_nothing(world):
    center, red, _ = world
    clerk, area = make_user(team=red), make_area()
    score(clerk, 60, kind="daily", activity_id="a", area=area)
    score(clerk, 60, kind="daily", activity_id="b", area=area)
    score(clerk, 60, kind="daily", activity_id="b", area=area)
    assert LedgerEntry.objects.filter(person=clerk).count() == 2
    assert person_ranking(center_id=center.pk, period="week", now=NOW)[0].points == 60


# --- 比 and 赶: neighbours, targets, steps --------------------------------------------------------


def test_neighbours_are_the_two_above_and_below(world):
    center, red, _ = world
    people = [make_user(team=red, full_name=f"人{i}") for i in range(7)]
    for i, person in enumerate(people):
        score(person, 70 - i * 10)
    ranking = person_ranking(center_id=center.pk, period="week", now=NOW)
    assert [r.name for r in neighbours(ranking, person_id=people[3].pk)] == ["人1", "人2", "人3", "人4", "人5"]
    assert [r.name for r in neighbours(ranking, person_id=people[0].pk)] == ["人0", "人1", "人2"]


def test_target_steps_say_what_closes_the_gap():
    assert catch_up_steps(50) == "再完成 1 次每日一练"
    assert catch_up_steps(150) == "再完成 2 次每日一练 + 1 个课后小测"
    assert catch_up_steps(400) == "再完成 2 次每日一练 + 3 个课后小测 + 3 次模拟接待"


def test_person_and_team_targets(world):
    center, red, blue = world
    leader, me = make_user(team=red, full_name="王芳"), make_user(team=blue, full_name="李娜")
    score(leader, 130)
    score(me, 20)
    ranking = person_ranking(center_id=center.pk, period="week", now=NOW)
    target = catch_target(ranking, person_id=me.pk)
    assert (target.name, target.gap, target.steps) == ("王芳", 111, "再完成 2 次每日一练")
    teams = team_ranking(center_id=center.pk, period="week", now=NOW)
    team = team_target(teams, team_id=blue.pk)
    assert (team.name, team.gap) == ("红队", 111)
    assert team_target(teams, team_id=red.pk) is None


def test_a_newcomer_sees_how_to_earn_their_first_points(client, world):
    center, red, _ = world
    newcomer = make_user(team=red)
    client.force_login(newcomer)
    body = client.get(reverse("leaderboard:index")).content.decode()
    assert 'data-testid="first-points"' in body and "每日一练" in body and "课后小测" in body


# --- 超: most improved ------------------------------------------------------------------------------


def test_most_improved_compares_with_the_same_days_of_last_month(world):
    center, red, _ = world
    area = make_area()
    steady, riser, newcomer = (make_user(team=red, full_name=n) for n in ("稳定", "进步", "新人"))
    score(steady, 100, at=datetime(2026, 10, 10, tzinfo=SHANGHAI), area=area, ratio=0.9)
    score(steady, 100, at=datetime(2026, 11, 10, tzinfo=SHANGHAI), area=area, ratio=0.9)
    score(riser, 20, at=datetime(2026, 10, 5, tzinfo=SHANGHAI), area=area, ratio=0.4)
    score(riser, 500, at=datetime(2026, 10, 28, tzinfo=SHANGHAI), area=area, ratio=0.4)  # after the 25th: not compared
    score(riser, 90, at=datetime(2026, 11, 20, tzinfo=SHANGHAI), area=area, ratio=1.0)
    score(newcomer, 30, at=datetime(2026, 11, 24, tzinfo=SHANGHAI), area=area, ratio=0.8)
    board = most_improved(center_id=center.pk, now=NOW)
    assert [(r.name, r.gain, r.previous) for r in board] == [("进步", 70, 20), ("新人", 30, 0)]
    assert board[0].mastery_gain > 0 and board[1].mastery_gain is None


# --- privacy ---------------------------------------------------------------------------------------------


def test_anonymous_people_keep_rank_and_points_but_not_their_name_for_colleagues(world):
    center, red, blue = world
    shy = make_user(team=red, full_name="害羞的人")
    shy.anonymous_on_boards = True
    shy.save()
    colleague = make_user(team=blue)
    supervisor = make_user(Role.SUPERVISOR, team=red)
    red.supervisors.add(supervisor)
    other_supervisor = make_user(Role.SUPERVISOR, team=blue)
    blue.supervisors.add(other_supervisor)
    manager = make_user(Role.MANAGER, center=center)
    score(shy, 80)
    ranking = person_ranking(center_id=center.pk, period="week", now=NOW)
    for viewer, sees in [
        (shy, True),
        (supervisor, True),
        (manager, True),
        (colleague, False),
        (other_supervisor, False),
    ]:
        top = shown_to(viewer, ranking)[0]
        assert (top.name == "害羞的人") is sees and top.points == 80, viewer
        assert can_see_name(viewer, shy) is sees
    assert shown_to(manager, ranking, public=True)[0].name == "匿名"  # the hall screen


def test_a_colleague_sees_points_and_honours_not_the_results(client, world):
    center, red, _ = world
    me, colleague = make_user(team=red), make_user(team=red)
    score(me, 80, ratio=0.35)
    client.force_login(colleague)
    body = client.get(reverse("leaderboard:person", args=[me.pk])).content.decode()
    assert 'data-testid="week-history"' in body and 'data-testid="person-mastery"' not in body
    client.force_login(me)
    assert 'data-testid="person-mastery"' in client.get(reverse("leaderboard:person", args=[me.pk])).content.decode()


def test_an_anonymous_persons_profile_is_not_found_by_colleagues(client, world):
    center, red, _ = world
    shy, colleague = make_user(team=red), make_user(team=red)
    shy.anonymous_on_boards = True
    shy.save()
    client.force_login(colleague)
    assert client.get(reverse("leaderboard:person", args=[shy.pk])).status_code == 404
    body = client.get(reverse("leaderboard:index")).content.decode()
    assert shy.full_name not in body


def test_a_clerk_can_turn_anonymity_on_and_off(client, world):
    center, red, _ = world
    me = make_user(team=red)
    client.force_login(me)
    client.post(reverse("leaderboard:privacy"), {"anonymous": "1"})
    me.refresh_from_db()
    assert me.anonymous_on_boards
    client.post(reverse("leaderboard:privacy"), {"anonymous": "0"})
    me.refresh_from_db()
    assert not me.anonymous_on_boards


# --- live: the cheap not-modified answer ------------------------------------------------------------------


def test_a_poll_gets_304_until_a_new_result_arrives(client, world):
    center, red, _ = world
    me = make_user(team=red)
    client.force_login(me)
    url = reverse("leaderboard:index") + "?period=week"
    first = client.get(url, headers={"HX-Request": "true"})
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, headers={"HX-Request": "true", "If-None-Match": first["ETag"]})
    assert again.status_code == 304 and not again.content
    score(make_user(team=red), 5, at=datetime.now(SHANGHAI))
    changed = client.get(url, headers={"HX-Request": "true", "If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
    # The full page and the fragment never share a cache entry.
    assert "HX-Request" in changed["Vary"]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_a_big_center_shows_the_top_twenty_and_everyone_on_request(client, world):
    center, red, _ = world
    people = [make_user(team=red, full_name=f"员工{i:02d}") for i in range(25)]
    for i, person in enumerate(people):
        score(person, 100 - i, at=datetime.now(SHANGHAI))
    client.force_login(people[24])
    body = client.get(reverse("leaderboard:index")).content.decode()
    ranking = body.split('data-testid="person-ranking"')[1].split("</table>")[0]
    assert ranking.count("<tr") == 21 and "员工19" in ranking and "员工20" not in ranking  # header + 20
    assert "员工24" in body.split('data-testid="neighbours"')[1]  # my own row is still on the page
    full = client.get(reverse("leaderboard:index") + "?period=week&full=1").content.decode()
    assert full.split('data-testid="person-ranking"')[1].split("</table>")[0].count("<tr") == 26


def test_a_poll_does_not_keep_a_name_that_was_just_hidden(client, world):
    center, red, _ = world
    me, shy = make_user(team=red), make_user(team=red, full_name="刚设匿名")
    score(shy, 10, at=datetime.now(SHANGHAI))
    client.force_login(me)
    url = reverse("leaderboard:index") + "?period=week"
    first = client.get(url, headers={"HX-Request": "true"})
    assert "刚设匿名" in first.content.decode()
    shy.anonymous_on_boards = True
    shy.save()
    again = client.get(url, headers={"HX-Request": "true", "If-None-Match": first["ETag"]})
    assert again.status_code == 200 and "刚设匿名" not in again.content.decode()
