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
