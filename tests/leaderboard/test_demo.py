"""The 比学赶超帮 demo: every board has something real, and a second run writes nothing twice."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from leaderboard.mentoring import suggested_pairs
from leaderboard.models import Badge, LedgerEntry, MentorPair
from leaderboard.selectors import mentor_ranking, most_improved, person_ranking, team_ranking

pytestmark = pytest.mark.django_db


def test_the_demo_fills_every_board_and_is_idempotent():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (LedgerEntry.objects.count(), MentorPair.objects.count(), Badge.objects.count())
    now = timezone.now()
    center_id = User.objects.get(username="staff01").center_id
    weeks = {e.occurred_at.isocalendar()[1] for e in LedgerEntry.objects.filter(title="示例成绩")}
    assert len(weeks) >= 5  # several weeks of history
    assert sum(r.points > 0 for r in person_ranking(center_id=center_id, period="week", now=now)) >= 5
    assert all(t.points for t in team_ranking(center_id=center_id, period="month", now=now))
    assert most_improved(center_id=center_id, now=now)[0].name == "赵磊"
    assert MentorPair.objects.filter(status="confirmed").count() == 2
    assert mentor_ranking(center_id=center_id, period="quarter", now=now)[0].points > 0
    assert suggested_pairs(center_id=center_id, now=now)  # one left for a supervisor to confirm
    kinds = set(Badge.objects.values_list("kind", flat=True))
    assert {"daily_streak_30", "area_mastery_90", "mentee_improved"} <= kinds
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (LedgerEntry.objects.count(), MentorPair.objects.count(), Badge.objects.count()) == counts
