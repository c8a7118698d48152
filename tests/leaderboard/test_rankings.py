"""The 比学赶超 rankings: by person and team, by period, and who to catch next."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role
from leaderboard.selectors import catch_target, period_start, person_ranking, team_ranking
from leaderboard.services import record_result
from tests.conftest import make_area, make_center, make_team, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday afternoon in Shanghai.
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
_ids = iter(range(1, 10_000))


def score(person, points, *, at=NOW, area=None):
    record_result(
        person=person,
        area=area or make_area(),
        kind="exam",
        activity_id=next(_ids),
        score_ratio=1,
        points=points,
        at=at,
    )


@pytest.fixture
def center_world():
    center = make_center()
    red, blue = make_team(center, "红队"), make_team(center, "蓝队")
    people = {
        "wang": make_user(team=red, full_name="王芳"),
        "li": make_user(team=red, full_name="李娜"),
        "zhang": make_user(team=blue, full_name="张敏"),
    }
    return center, red, blue, people


def test_period_starts_in_shanghai_time():
    assert period_start("week", now=NOW) == datetime(2026, 11, 23, tzinfo=SHANGHAI)
    assert period_start("month", now=NOW) == datetime(2026, 11, 1, tzinfo=SHANGHAI)
    # 00:30 on Monday in Shanghai is still Sunday in UTC; the week is Shanghai's.
    assert period_start("week", now=datetime(2026, 11, 30, 0, 30, tzinfo=SHANGHAI)) == datetime(
        2026, 11, 30, tzinfo=SHANGHAI
    )
    assert period_start("all", now=NOW) is None


def test_person_ranking_orders_by_points_shares_ties_and_lists_everyone(center_world):
    center, _, _, p = center_world
    score(p["wang"], 30)
    score(p["li"], 30)
    score(p["zhang"], 10)
    quiet = make_user(team=p["zhang"].team, full_name="赵磊")
    ranking = person_ranking(center_id=center.pk, period="week", now=NOW)
    assert [(r.name, r.rank, r.points) for r in ranking][2:] == [("张敏", 3, 10), ("赵磊", 4, 0)]
    assert {r.rank for r in ranking[:2]} == {1}
    assert quiet.pk in {r.person_id for r in ranking}


def test_week_excludes_last_week_but_month_and_all_keep_it(center_world):
    center, _, _, p = center_world
    score(p["wang"], 50, at=NOW - timedelta(days=7))
    score(p["wang"], 5)
    points = {
        period: person_ranking(center_id=center.pk, period=period, now=NOW)[0].points
        for period in ("week", "month", "all")
    }
    assert points == {"week": 5, "month": 55, "all": 55}


def test_other_centers_and_managers_are_not_ranked(center_world):
    center, _, _, p = center_world
    outsider = make_user(team=make_team(make_center()))
    score(outsider, 99)
    manager = make_user(Role.MANAGER, center=center)
    supervisor = make_user(Role.SUPERVISOR, center=center)
    ids = {r.person_id for r in person_ranking(center_id=center.pk, period="all", now=NOW)}
    assert outsider.pk not in ids and manager.pk not in ids and supervisor.pk not in ids


def test_team_ranking_by_average_per_member(center_world):
    center, red, blue, p = center_world
    score(p["wang"], 30)
    score(p["li"], 0)
    score(p["zhang"], 20)
    ranking = team_ranking(center_id=center.pk, period="week", now=NOW)
    assert [(t.name, t.average, t.points, t.members) for t in ranking] == [("蓝队", 20.0, 20, 1), ("红队", 15.0, 30, 2)]


def test_catch_target_is_the_nearest_person_ahead(center_world):
    center, _, _, p = center_world
    score(p["wang"], 40)
    score(p["li"], 25)
    score(p["zhang"], 10)
    ranking = person_ranking(center_id=center.pk, period="week", now=NOW)
    target = catch_target(ranking, person_id=p["zhang"].pk)
    assert (target.name, target.gap) == ("李娜", 16)
    assert catch_target(ranking, person_id=p["wang"].pk) is None


def test_board_page_shows_my_rank_and_target(client, center_world):
    center, _, _, p = center_world
    score(p["wang"], 40, at=datetime.now(SHANGHAI))
    client.force_login(p["li"])
    body = client.get(reverse("leaderboard:index")).content.decode()
    # 李娜 has nothing yet: how to earn the first points, and what would pass 王芳.
    assert "还没有积分" in body and "得 41 分就能超过 王芳" in body and "每日一练" in body
    fragment = client.get(reverse("leaderboard:index") + "?period=month", headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "个人排行" in fragment.content.decode()
