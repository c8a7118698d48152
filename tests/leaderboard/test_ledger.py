"""The results ledger: one row per source, retries write nothing twice."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from leaderboard.models import ActivityKind, LedgerEntry
from leaderboard.selectors import person_totals
from leaderboard.services import record_result
from tests.conftest import make_area

pytestmark = pytest.mark.django_db


def test_record_result_snapshots_team_and_center(staff, area):
    now = timezone.now()
    result = record_result(
        person=staff, area=area, kind=ActivityKind.EXAM, activity_id=7, score_ratio=0.8, points=80, at=now
    )
    assert result.created
    entry = result.entry
    assert (entry.team_id, entry.center_id, entry.activity_id) == (staff.team_id, staff.center_id, "7")
    assert entry.occurred_at == now


def test_retry_records_nothing_twice(staff, area):
    now = timezone.now()
    args = {"person": staff, "area": area, "kind": ActivityKind.EXAM, "activity_id": 7}
    first = record_result(**args, score_ratio=0.8, points=80, at=now)
    retry = record_result(**args, score_ratio=0.1, points=10, at=now + timedelta(minutes=1))
    assert not retry.created
    assert retry.entry.pk == first.entry.pk
    assert LedgerEntry.objects.count() == 1
    assert LedgerEntry.objects.get().points == 80


def test_same_activity_in_two_areas_is_two_rows(staff, area):
    other = make_area()
    now = timezone.now()
    for a in (area, other):
        record_result(person=staff, area=a, kind=ActivityKind.EXAM, activity_id=1, score_ratio=1, points=5, at=now)
    assert person_totals(staff)["points"] == 10


def test_unique_constraint_holds_below_the_service(staff, area):
    fields = {
        "person": staff,
        "area": area,
        "activity_kind": "exam",
        "activity_id": "1",
        "score_ratio": 1,
        "occurred_at": timezone.now(),
    }
    LedgerEntry.objects.create(**fields)
    with pytest.raises(IntegrityError):
        LedgerEntry.objects.create(**fields)


@pytest.mark.parametrize("ratio", [-0.01, 1.01])
def test_score_ratio_must_be_within_bounds(staff, area, ratio):
    with pytest.raises(ValueError, match="score_ratio"):
        record_result(
            person=staff, area=area, kind="exam", activity_id=1, score_ratio=ratio, points=0, at=timezone.now()
        )
    assert not LedgerEntry.objects.exists()


def test_unknown_kind_is_refused(staff, area):
    with pytest.raises(ValueError, match="kind"):
        record_result(
            person=staff, area=area, kind="karaoke", activity_id=1, score_ratio=1, points=0, at=timezone.now()
        )


def test_rebuild_points_recomputes_the_day_and_total_tallies_from_the_ledger(area):
    """No test ran rebuild_points (mutmut: 93 mutants without a test); the tallies it writes must equal
    the ones record_result keeps, row for row, whatever was in the tally tables before."""
    from leaderboard.models import DailyPoints, PointsTotal
    from leaderboard.services import rebuild_points
    from tests.conftest import make_center, make_team, make_user

    center = make_center()
    team = make_team(center)
    while team.pk == center.pk:  # a team id equal to its center id would hide a swapped column
        team = make_team(center)
    staff, colleague, other_area = make_user(team=team), make_user(team=team), make_area()
    now = timezone.now()
    results = [(staff, area, 1, 80, 0), (staff, area, 2, 20, 0), (staff, area, 3, 5, 2), (staff, other_area, 4, 7, 0)]
    results += [(colleague, area, 5, 30, 1)]
    for person, in_area, activity, points, days_ago in results:
        record_result(
            person=person, area=in_area, kind=ActivityKind.EXAM, activity_id=activity, score_ratio=0.5,
            points=points, at=now - timedelta(days=days_ago),
        )  # fmt: skip

    def tallies():
        fields = ("person_id", "area_id", "team_id", "center_id", "points", "activities")
        return (
            sorted(DailyPoints.objects.values_list(*fields, "day")),
            sorted(PointsTotal.objects.values_list(*fields)),
        )

    kept = tallies()
    assert len(kept[0]) == 4 and len(kept[1]) == 3
    PointsTotal.objects.update(points=0)
    DailyPoints.objects.filter(person=colleague).delete()
    assert rebuild_points() == 4
    assert tallies() == kept
