"""mastery_series: mastery as of each of several moments, from one grouped query (trend charts)."""

import pytest
from django.utils import timezone

from leaderboard.mastery import mastery_frame, mastery_series
from leaderboard.services import record_result
from tests.conftest import make_area, make_user

pytestmark = pytest.mark.django_db
_ids = iter(range(1, 1000))


def result(person, area, ratio, *, days_ago, now):
    at = now - timezone.timedelta(days=days_ago)
    record_result(person=person, area=area, kind="exam", activity_id=next(_ids), score_ratio=ratio, points=1, at=at)


def test_each_end_matches_mastery_as_of_it_and_carries_over_quiet_weeks(db):
    person, other = make_user(), make_user()
    ss, mi = make_area(), make_area()
    now = timezone.now()
    result(person, ss, 0.2, days_ago=20, now=now)
    result(person, ss, 0.8, days_ago=3, now=now)
    result(person, mi, 1.0, days_ago=10, now=now)
    result(other, ss, 0.5, days_ago=1, now=now)
    ends = [now - timezone.timedelta(days=d) for d in (25, 15, 5, 0)]
    series = mastery_series(people=[person.pk], ends=ends)
    assert set(series["person_id"]) == {person.pk}
    for end in ends:
        expected = mastery_frame(people=[person.pk], as_of=end)
        got = series[series["as_of"] == end]
        assert sorted(zip(got["area_id"], got["mastery"], got["results"], strict=True)) == sorted(
            zip(expected["area_id"], expected["mastery"], expected["results"], strict=True)
        )
    at_15 = series[(series["as_of"] == ends[1]) & (series["area_id"] == ss.pk)]
    at_5 = series[(series["as_of"] == ends[2]) & (series["area_id"] == ss.pk)]
    assert at_15["mastery"].item() == 20.0 and at_5["mastery"].item() == 20.0  # a quiet week keeps its value
    assert series[series["as_of"] == ends[0]].empty


def test_no_ends_or_no_rows_give_an_empty_frame(db):
    assert mastery_series(people=[make_user().pk], ends=[timezone.now()]).empty
    assert mastery_series(people=[], ends=[]).empty
