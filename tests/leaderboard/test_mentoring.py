"""帮: suggested pairs, the supervisor's decisions, and the mentor's points through the ledger."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import Role
from leaderboard.honours import award_badges
from leaderboard.mentoring import (
    PairError,
    award_mentor_points,
    confirm_pair,
    decline_pair,
    end_pair,
    suggested_pairs,
)
from leaderboard.models import BadgeKind, LedgerEntry, MentorPair
from leaderboard.selectors import mentor_ranking
from leaderboard.services import record_result
from tests.conftest import make_area, make_center, make_team, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 25, 15, 0, tzinfo=SHANGHAI)
_ids = iter(range(1, 100_000))


def results(person, area, ratio, *, days_ago=(60, 50, 40, 2, 1)):
    for d in days_ago:
        record_result(
            person=person,
            area=area,
            kind="exam",
            activity_id=next(_ids),
            score_ratio=ratio,
            points=10,
            at=NOW - timedelta(days=d),
        )


@pytest.fixture
def center_world():
    center = make_center()
    team = make_team(center, "综合受理一组")
    supervisor = make_user(Role.SUPERVISOR, team=team)
    team.supervisors.add(supervisor)
    area = make_area("社会保障")
    return center, team, supervisor, area


def test_a_strong_stable_person_is_suggested_for_a_weak_one_in_the_same_area(center_world):
    center, team, _, area = center_world
    strong, weak, middling = (make_user(team=team, full_name=n) for n in ("强", "弱", "中"))
    results(strong, area, 0.95)
    results(weak, area, 0.3)
    results(middling, area, 0.7)
    (s,) = suggested_pairs(center_id=center.pk, now=NOW)
    assert (s.mentor, s.mentee, s.area_id) == ("强", "弱", area.pk)


def test_a_recent_high_score_is_not_stable_and_thin_evidence_is_not_weak(center_world):
    center, team, _, area = center_world
    newly_strong, thin = make_user(team=team), make_user(team=team)
    results(newly_strong, area, 0.95, days_ago=(3, 2, 1))  # nothing 30 days ago
    results(thin, area, 0.1, days_ago=(1, 2))  # two results: 证据不足
    results(make_user(team=team), area, 0.2)
    assert suggested_pairs(center_id=center.pk, now=NOW) == []


def test_a_mentor_takes_at_most_three_and_nobody_crosses_centers(center_world):
    center, team, _, area = center_world
    mentor = make_user(team=team, full_name="师傅")
    results(mentor, area, 0.95)
    weak = [make_user(team=team) for _ in range(4)]
    for i, person in enumerate(weak):
        results(person, area, 0.2 + i * 0.05)
    outsider = make_user(team=make_team(make_center()))
    results(outsider, area, 0.1)
    suggestions = suggested_pairs(center_id=center.pk, now=NOW)
    assert [s.mentee_id for s in suggestions] == [p.pk for p in weak[:3]]
    assert all(s.mentor_id == mentor.pk for s in suggestions)


def test_confirm_decline_and_end(center_world):
    center, team, supervisor, area = center_world
    mentor, mentee, other = make_user(team=team), make_user(team=team), make_user(team=team)
    results(mentor, area, 0.95)
    results(mentee, area, 0.3)
    results(other, area, 0.35)
    pair = confirm_pair(by=supervisor, mentor=mentor, mentee=mentee, area=area, at=NOW)
    assert pair.status == "confirmed" and pair.start_mastery == pytest.approx(30.0)
    with pytest.raises(PairError, match="已有师傅"):
        confirm_pair(by=supervisor, mentor=other, mentee=mentee, area=area, at=NOW)
    decline_pair(by=supervisor, mentor=mentor, mentee=other, area=area, at=NOW)
    assert suggested_pairs(center_id=center.pk, now=NOW) == []  # paired and declined are not suggested
    end_pair(by=supervisor, pair=pair, at=NOW + timedelta(days=1))
    pair.refresh_from_db()
    assert pair.status == "ended"
    assert [s.mentee_id for s in suggested_pairs(center_id=center.pk, now=NOW)] == [mentee.pk]


def test_the_rules_of_a_pair_hold_in_the_service(center_world):
    center, team, supervisor, area = center_world
    mentor = make_user(team=team)
    with pytest.raises(PairError, match="自己"):
        confirm_pair(by=supervisor, mentor=mentor, mentee=mentor, area=area, at=NOW)
    with pytest.raises(PairError, match="同一中心"):
        confirm_pair(by=supervisor, mentor=make_user(team=make_team(make_center())), mentee=mentor, area=area, at=NOW)
    colleague = make_user(team=team)
    with pytest.raises(PairError, match="班组长"):
        confirm_pair(by=colleague, mentor=mentor, mentee=make_user(team=team), area=area, at=NOW)
    other_supervisor = make_user(Role.SUPERVISOR, team=make_team(center))
    with pytest.raises(PairError, match="班组长"):
        confirm_pair(by=other_supervisor, mentor=mentor, mentee=colleague, area=area, at=NOW)
    for _ in range(3):
        confirm_pair(by=supervisor, mentor=mentor, mentee=make_user(team=team), area=area, at=NOW)
    with pytest.raises(PairError, match="最多带 3"):
        confirm_pair(by=supervisor, mentor=mentor, mentee=make_user(team=team), area=area, at=NOW)
    assert MentorPair.objects.filter(mentor=mentor).count() == 3


def test_mentor_points_come_from_the_mentees_weekly_gain_once_per_week(center_world):
    center, team, supervisor, area = center_world
    mentor, mentee = make_user(team=team, full_name="师傅"), make_user(team=team)
    results(mentor, area, 0.95)
    results(mentee, area, 0.3, days_ago=(20, 19, 18))
    start = datetime(2026, 11, 9, 10, tzinfo=SHANGHAI)  # a Monday
    pair = confirm_pair(by=supervisor, mentor=mentor, mentee=mentee, area=area, at=start)
    for day in (10, 11, 12):
        record_result(
            person=mentee,
            area=area,
            kind="exam",
            activity_id=next(_ids),
            score_ratio=0.9,
            points=10,
            at=datetime(2026, 11, day, 12, tzinfo=SHANGHAI),
        )
    assert award_mentor_points(at=NOW) == 2  # the weeks ending 11-16 and 11-23
    assert award_mentor_points(at=NOW) == 0  # idempotent
    rows = LedgerEntry.objects.filter(person=mentor, activity_kind="mentor").order_by("occurred_at")
    assert [r.points for r in rows] == [30, 0]  # a big gain, capped; no change the week after
    assert rows[0].activity_id == f"pair{pair.pk}-2026-11-16"
    # 帮 points rank, but are no evidence of the mentor's own mastery.
    from leaderboard.mastery import mastery_of

    assert mastery_of(person=mentor, area=area).results == 5
    (top,) = mentor_ranking(center_id=center.pk, period="month", now=NOW)
    assert (top.name, top.points, top.mentees) == ("师傅", 30, 1)
    assert BadgeKind.MENTEE_IMPROVED in {b.kind for b in award_badges(person=mentor, at=NOW)}


def test_a_supervisor_confirms_a_suggestion_on_the_page(client, center_world):
    center, team, supervisor, area = center_world
    mentor, mentee = make_user(team=team, full_name="师傅"), make_user(team=team, full_name="徒弟")
    results(mentor, area, 0.95)
    results(mentee, area, 0.3)
    client.force_login(mentee)
    assert 'data-testid="suggestions"' not in client.get(reverse("leaderboard:help")).content.decode()
    form = {"mentor": mentor.pk, "mentee": mentee.pk, "area": area.pk}
    assert client.post(reverse("leaderboard:pair_confirm"), form).status_code == 404
    client.force_login(supervisor)
    assert 'data-testid="suggestions"' in client.get(reverse("leaderboard:help")).content.decode()
    client.post(reverse("leaderboard:pair_confirm"), form)
    pair = MentorPair.objects.get()
    body = client.get(reverse("leaderboard:help")).content.decode()
    assert "师傅" in body and 'data-testid="pairs"' in body
    assert client.get(reverse("leaderboard:pair", args=[pair.pk])).status_code == 200
    client.post(reverse("leaderboard:pair_end", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == "ended"
