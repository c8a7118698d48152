"""Mastery: the weighted mean with a 30-day half-life that every board and report reads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from leaderboard import mastery
from leaderboard.models import ActivityKind, MasteryTally
from leaderboard.services import record_result
from tests.conftest import make_area, make_user

pytestmark = pytest.mark.django_db

_ids = iter(range(1, 10_000))


def result(person, area, ratio, at, kind=ActivityKind.PRACTICE):
    return record_result(
        person=person, area=area, kind=kind, activity_id=next(_ids), score_ratio=ratio, points=1, at=at
    )


def test_a_result_half_a_life_old_weighs_half(staff, area):
    now = timezone.now()
    result(staff, area, 1.0, now)
    result(staff, area, 0.0, now - timedelta(days=30))
    m = mastery.mastery_of(person=staff, area=area)
    assert m.score == pytest.approx(100 * 1 / 1.5, abs=0.1)
    assert m.results == 2
    assert m.last_at == now


def test_recent_weighs_more_than_old_whatever_the_order(staff, area):
    now = timezone.now()
    result(staff, area, 0.2, now - timedelta(days=90))
    result(staff, area, 0.9, now - timedelta(days=1))
    assert mastery.mastery_of(person=staff, area=area).score > 80


def test_as_of_leaves_out_later_results(staff, area):
    now = timezone.now()
    result(staff, area, 0.4, now - timedelta(days=20))
    result(staff, area, 1.0, now - timedelta(days=2))
    then = mastery.mastery_of(person=staff, area=area, as_of=now - timedelta(days=10))
    assert then.score == pytest.approx(40.0)
    assert then.results == 1
    # Nothing before the first result: no mastery at all, not zero.
    assert mastery.mastery_of(person=staff, area=area, as_of=now - timedelta(days=30)) == mastery.NO_MASTERY


def test_since_keeps_only_the_window(staff, area):
    now = timezone.now()
    result(staff, area, 0.0, now - timedelta(days=40))
    result(staff, area, 0.8, now - timedelta(days=3))
    by_area = mastery.mastery_by_area(person=staff, since=now - timedelta(days=30))
    assert by_area[area.pk].score == pytest.approx(80.0)
    assert by_area[area.pk].results == 1


def test_levels_say_when_evidence_is_thin(staff, area, settings):
    now = timezone.now()
    result(staff, area, 0.3, now)
    assert mastery.mastery_of(person=staff, area=area).level == "thin"
    result(staff, area, 0.3, now - timedelta(minutes=1))
    result(staff, area, 0.3, now - timedelta(minutes=2))
    m = mastery.mastery_of(person=staff, area=area)
    assert (m.enough, m.level) == (True, "weak")
    assert mastery.level(None, 0) == "none"
    assert mastery.level(90.0, 5) == "good"
    assert mastery.level(70.0, 5) == "fair"


def test_a_retry_counts_once(staff, area):
    now = timezone.now()
    args = {"person": staff, "area": area, "kind": ActivityKind.EXAM, "activity_id": "x1", "points": 1}
    record_result(**args, score_ratio=1.0, at=now)
    record_result(**args, score_ratio=0.0, at=now)
    m = mastery.mastery_of(person=staff, area=area)
    assert (m.score, m.results) == (100.0, 1)


def test_running_sums_equal_a_rebuild_from_the_ledger(team):
    now = timezone.now()
    people = [make_user(team=team) for _ in range(3)]
    areas = [make_area() for _ in range(2)]
    for i, person in enumerate(people):
        for j, area in enumerate(areas):
            for k in range(i + j + 1):
                result(person, area, ((i + 2 * j + k) % 5) / 4, now - timedelta(days=7 * k + i))
    kept = mastery.mastery_frame(people=User.objects.filter(team=team)).sort_values(["person_id", "area_id"])
    mastery.rebuild_tallies()
    rebuilt = mastery.mastery_frame(people=people).sort_values(["person_id", "area_id"])
    assert len(kept) == 6
    assert kept["mastery"].tolist() == pytest.approx(rebuilt["mastery"].tolist())
    assert kept["results"].tolist() == rebuilt["results"].tolist()
    assert MasteryTally.objects.count() == 6


def test_weakest_areas_put_known_weak_spots_before_untried_ones(staff):
    now = timezone.now()
    strong, weak, weaker, untried = (make_area() for _ in range(4))
    for area, ratio in ((strong, 0.95), (weak, 0.7), (weaker, 0.3)):
        for k in range(3):
            result(staff, area, ratio, now - timedelta(hours=k))
    order = mastery.weakest_area_ids(person=staff, area_ids=[strong.pk, weak.pk, weaker.pk, untried.pk], limit=4)
    assert order == [weaker.pk, weak.pk, untried.pk, strong.pk]


def test_rebuild_command_recomputes_after_a_half_life_change(staff, area, settings, monkeypatch):
    from django.core.management import call_command

    now = timezone.now()
    result(staff, area, 1.0, now)
    result(staff, area, 0.0, now - timedelta(days=30))
    monkeypatch.setattr(mastery, "HALF_LIFE_DAYS", 15.0)
    call_command("rebuild_mastery", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # With a 15-day half-life the month-old result weighs a quarter: 1 / 1.25.
    assert mastery.mastery_of(person=staff, area=area).score == pytest.approx(80.0, abs=0.1)


def test_the_dict_path_gives_the_frames_numbers_now_and_as_of(team):
    """mastery_map (the boards' path, no pandas) must agree with mastery_frame (the reports') to the
    last digit: a board and a report side by side show the same mastery, and the same rounding of
    halves (numpy's round to even on the tenths, not Python's round(x, 1))."""
    now = timezone.now()
    people = [make_user(team=team) for _ in range(4)]
    areas = [make_area() for _ in range(3)]
    for i, person in enumerate(people):
        for j, area in enumerate(areas[: i % 3 + 1]):
            for k in range(i + j + 2):
                result(person, area, ((3 * i + j + 5 * k) % 8) / 8, now - timedelta(days=5 * k + i, hours=j))
    result(people[0], areas[0], 1.0, now, kind=ActivityKind.MENTOR)  # not evidence: left out of both
    for as_of in (None, now - timedelta(days=6), now - timedelta(days=12), now - timedelta(days=400)):
        frame = mastery.mastery_frame(people=people, as_of=as_of)
        from_frame = {
            (int(r.person_id), int(r.area_id)): (float(r.mastery), int(r.results), r.last_at)
            for r in frame.itertuples(index=False)
        }
        mapped = mastery.mastery_map(people=people, as_of=as_of)
        assert {key: (m.score, m.results, m.last_at) for key, m in mapped.items()} == from_frame, as_of
    now_map, then_map = mastery.mastery_now_and_then(people=people, then=now - timedelta(days=12))
    assert now_map == mastery.mastery_map(people=people)
    assert then_map == mastery.mastery_map(people=people, as_of=now - timedelta(days=12))
    assert mastery.mastery_map(people=people, as_of=now - timedelta(days=400)) == {}


def test_scores_round_halves_as_the_frame_does():
    # 0.35 is 0.34999… as a float: Python's round(0.35, 1) gives 0.3, numpy's (and the frame's) 0.4.
    assert mastery._score(0.35, 100) == 0.4
    assert mastery._score(0.25, 100) == 0.2  # an exact half: to even
    assert mastery._score(2.0, 1) == 100.0 and mastery._score(-1.0, 1) == 0.0
