"""Demo data for the 比学赶超帮 boards (idempotent): six weeks of results for the demo clerks, a
most-improved clerk, strong and weak people per area, two confirmed 师徒结对 with their 帮 points,
and the badges all of that earns.

Every row goes through record_result with a source id made of the person, the day and the
activity ("demo-staff05-2026-11-20-daily"), so a second run writes nothing twice; run on a later
day it adds only the days that are new, so "this week" always has something.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from training.models import BusinessArea

from .honours import award_all
from .mentoring import PairError, award_mentor_points, confirm_pair
from .models import MentorPair, PairStatus
from .services import record_result

DAYS = 42
# (mentor, mentee, area code, days ago the pair began): two pairs a supervisor has confirmed.
PAIRS = [("staff01", "staff05", "social-security", 22), ("staff02", "staff08", "medical-insurance", 22)]
# Strong and stable in one area (mentors); weak in one (mentees, and one left to suggest: staff11).
STRONG = {"staff01": "social-security", "staff02": "medical-insurance", "staff04": "social-security"}
WEAK = {"staff05": "social-security", "staff08": "medical-insurance", "staff11": "social-security"}
RISER = "staff07"  # 赵磊: quiet last month, busy and better this month
STREAK = "staff03"  # 张敏: 每日一练 every day for six weeks


def load(stdout=None) -> None:
    clerks = list(
        User.objects.filter(role=Role.STAFF, username__startswith="staff", is_active=True).order_by("username")
    )
    areas = {a.code: a for a in BusinessArea.objects.all()}
    if not clerks or "social-security" not in areas:
        if stdout:
            stdout.write("leaderboard: 需要示例人员和业务条线，跳过")
        return
    now = timezone.now()
    written = sum(_history(clerk, areas, now=now) for clerk in clerks)
    pairs = _pairs(areas, now=now)
    mentor_rows = award_mentor_points(at=now)
    badges = award_all(at=now)
    if stdout:
        stdout.write(
            f"leaderboard: 示例成绩 {written} 条，师徒结对 {pairs} 对，帮积分 {mentor_rows} 条，荣誉 {badges} 枚"
        )


def _ratio(username: str, area_code: str, days_ago: int, rng: random.Random) -> float:
    if STRONG.get(username) == area_code:
        base = 0.93
    elif WEAK.get(username) == area_code:
        pair = next((p for p in PAIRS if p[1] == username), None)
        # A mentee improves once the pair has begun.
        base = 0.35 if pair is None or days_ago > pair[3] else 0.35 + 0.4 * (pair[3] - days_ago) / pair[3]
    elif username == RISER:
        base = 0.5 if days_ago > 25 else 0.85
    else:
        base = 0.55 + (int(username[-2:]) % 7) * 0.05
    return max(0.0, min(1.0, base + rng.uniform(-0.08, 0.08)))


def _history(clerk: User, areas: dict, *, now: datetime) -> int:
    """One clerk's six weeks: most days a 每日一练, some days practice or a mock reception."""
    rng = random.Random(clerk.username)
    codes = sorted(areas)
    activity = 0.3 + (int(clerk.username[-2:]) % 5) * 0.12
    focus = [c for c in (STRONG.get(clerk.username), WEAK.get(clerk.username)) if c]
    written = 0
    today = timezone.localtime(now).date()
    for days_ago in range(DAYS, -1, -1):
        day = today - timedelta(days=days_ago)
        chance = activity
        if clerk.username == RISER:
            chance = 0.15 if days_ago > 25 else 0.95
        if clerk.username == STREAK:
            chance = 1.0
        plans = []
        if rng.random() < chance:
            plans.append(("daily", 8 * 10))
        if rng.random() < activity / 3:
            plans.append(("practice", 60))
        if rng.random() < activity / 6:
            plans.append(("simulation", 100))
        if clerk.username == RISER and day >= today.replace(day=1):
            plans = [("daily", 80), ("practice", 60), ("simulation", 100)]  # this month: every day, all three
        for kind, full in plans:
            at = timezone.make_aware(datetime.combine(day, time(9 + rng.randrange(8), rng.randrange(60))))
            area_code = rng.choice(focus) if focus and rng.random() < 0.6 else rng.choice(codes)
            ratio = _ratio(clerk.username, area_code, days_ago, rng)
            if at > now:
                continue
            result = record_result(
                person=clerk,
                area=areas[area_code],
                kind=kind,
                activity_id=f"demo-{clerk.username}-{day.isoformat()}-{kind}",
                score_ratio=round(ratio, 2),
                points=round(full * ratio),
                at=at,
                title="示例成绩",
            )
            written += result.created
    return written


def _pairs(areas: dict, *, now: datetime) -> int:
    people = {u.username: u for u in User.objects.filter(username__startswith="staff").select_related("team")}
    for mentor, mentee, code, days_ago in PAIRS:
        if mentor not in people or mentee not in people:
            continue
        mentee_user, area = people[mentee], areas[code]
        if MentorPair.objects.filter(mentee=mentee_user, area=area).exists():
            continue
        supervisor = mentee_user.team.supervisors.first() if mentee_user.team else None
        if supervisor is None:
            continue
        try:
            confirm_pair(
                by=supervisor, mentor=people[mentor], mentee=mentee_user, area=area, at=now - timedelta(days=days_ago)
            )
        except PairError:
            continue
    return MentorPair.objects.filter(status=PairStatus.CONFIRMED).count()
