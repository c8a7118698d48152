"""荣誉: each milestone earns its badge once, on the day it was reached."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leaderboard.honours import award_badges
from leaderboard.models import Badge, BadgeKind
from leaderboard.services import record_result
from tests.conftest import make_area, make_center, make_team, make_user
from training.models import LessonProgress

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
_ids = iter(range(1, 100_000))


def result(person, *, kind="exam", points=10, ratio=1.0, at=NOW, area=None, activity_id=None):
    record_result(
        person=person,
        area=area or make_area(),
        kind=kind,
        activity_id=activity_id or next(_ids),
        score_ratio=ratio,
        points=points,
        at=at,
    )


def kinds(person):
    return sorted(b.kind for b in Badge.objects.filter(person=person))


def test_a_drill_podium_counts_fourth_place_does_not():
    team = make_team(make_center())
    players = [make_user(team=team) for _ in range(5)]
    area = make_area()
    for points, player in zip((50, 40, 40, 30, 20), players, strict=True):
        result(player, kind="competition", points=points, area=area, activity_id="game-1")
    for player in players:
        award_badges(person=player, at=NOW)
    assert [kinds(p) for p in players] == [["drill_podium"]] * 3 + [[], []]
    # Third place shared by two (40, 40) is still a podium; the 30 is fourth.


def test_a_thirty_day_daily_streak_and_no_more_than_once():
    clerk = make_user(team=make_team(make_center()))
    area = make_area()
    for day in range(29):
        result(clerk, kind="daily", ratio=0.5, at=NOW - timedelta(days=40 - day), area=area)
    assert award_badges(person=clerk, at=NOW) == []  # 29 days
    result(clerk, kind="daily", ratio=0.5, at=NOW - timedelta(days=40 - 29), area=area)
    (badge,) = award_badges(person=clerk, at=NOW)
    assert badge.kind == BadgeKind.DAILY_STREAK_30 and badge.awarded_at == NOW - timedelta(days=11)
    assert award_badges(person=clerk, at=NOW) == []


def test_a_broken_streak_starts_again():
    clerk = make_user(team=make_team(make_center()))
    area = make_area()
    for day in list(range(20)) + list(range(21, 41)):  # a gap on day 20
        result(clerk, kind="daily", ratio=0.5, at=NOW - timedelta(days=60 - day), area=area)
    assert award_badges(person=clerk, at=NOW) == []


def test_mastery_of_ninety_in_an_area_with_enough_evidence():
    clerk = make_user(team=make_team(make_center()))
    area = make_area()
    result(clerk, ratio=0.95, area=area)
    result(clerk, ratio=0.95, area=area)
    assert award_badges(person=clerk, at=NOW) == []  # two results are not enough evidence
    result(clerk, ratio=0.9, area=area)
    assert [b.kind for b in award_badges(person=clerk, at=NOW)] == ["area_mastery_90"]


def test_every_lesson_of_an_area_learned():
    from tests.training.factories import make_lesson

    clerk = make_user(team=make_team(make_center()))
    first = make_lesson()
    second = make_lesson(course=first.course)
    make_lesson(course=first.course, is_published=False)  # a draft does not count
    LessonProgress.objects.create(person=clerk, lesson=first, started_at=NOW, last_event_at=NOW, completed_at=NOW)
    assert award_badges(person=clerk, at=NOW) == []
    LessonProgress.objects.create(person=clerk, lesson=second, started_at=NOW, last_event_at=NOW, completed_at=NOW)
    (badge,) = award_badges(person=clerk, at=NOW)
    assert (badge.kind, badge.area_id) == ("area_lessons", first.course.area_id)
