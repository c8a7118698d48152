"""The three numbers the board got wrong (issue 9, "Wrong today"); each failed before its fix."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from leaderboard.selectors import person_ranking, team_ranking
from leaderboard.services import record_result
from tests.conftest import make_area, make_center, make_team, make_user

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
_ids = iter(range(1, 10_000))


def score(person, points, *, kind="exam", area=None):
    return record_result(
        person=person, area=area or make_area(), kind=kind, activity_id=next(_ids), score_ratio=1, points=points, at=NOW
    )


def test_a_clerk_who_moves_leaves_their_points_with_the_old_team():
    center = make_center()
    red, blue = make_team(center, "红队"), make_team(center, "蓝队")
    mover = make_user(team=red, full_name="王芳")
    make_user(team=blue, full_name="张敏")
    score(mover, 100)
    mover.team = blue
    mover.save()
    score(mover, 10)
    teams = {t.name: t.points for t in team_ranking(center_id=center.pk, period="week", now=NOW)}
    assert teams == {"红队": 100, "蓝队": 10}


def test_departed_members_points_do_not_count_for_the_team():
    center = make_center()
    team = make_team(center, "红队")
    stays, leaves = make_user(team=team), make_user(team=team)
    score(stays, 10)
    score(leaves, 100)
    leaves.is_active = False
    leaves.save()
    (row,) = team_ranking(center_id=center.pk, period="week", now=NOW)
    assert (row.members, row.points, row.average) == (1, 10, 10.0)


def test_a_negative_drill_total_never_lowers_the_ledger_points():
    center = make_center()
    clerk = make_user(team=make_team(center))
    score(clerk, 107)
    entry = score(clerk, -46, kind="competition").entry
    assert entry.points == 0
    assert person_ranking(center_id=center.pk, period="week", now=NOW)[0].points == 107
