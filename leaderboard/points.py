"""积分规则: what each activity earns and the daily caps, in one place.

record_result asks `points_for` before it writes a row, so a cap is applied once, when the result
comes in, and the boards only ever sum what was written. The score ratio is always recorded in full
(mastery needs the evidence); only the points are capped.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ActivityKind, LedgerEntry


@dataclass(frozen=True)
class PointsPolicy:
    kind: str
    earns: str  # what the rules page says the activity earns
    typical: int  # points of a typical result, for the 赶超 steps
    step: str  # how a step reads: "再完成 {n} 次每日一练"
    counted_per_day: int | None = None  # only the first N activities of a day earn points
    max_points_per_day: int | None = None  # points above this in one day are not counted


POLICIES: dict[str, PointsPolicy] = {
    p.kind: p
    for p in (
        PointsPolicy(
            ActivityKind.DAILY,
            _("每题得分之和（每题 10 分，一组 8 题）；每天只有第一次每日一练计分"),
            typical=60,
            step=_("{n} 次每日一练"),
            counted_per_day=1,
        ),
        PointsPolicy(
            ActivityKind.LESSON_CHECK,
            _("课后小测得分；每节课只计一次"),
            typical=30,
            step=_("{n} 个课后小测"),
        ),
        PointsPolicy(
            ActivityKind.PRACTICE,
            _("专项练习得分；每天最多计 60 分"),
            typical=40,
            step=_("{n} 次专项练习"),
            max_points_per_day=60,
        ),
        PointsPolicy(ActivityKind.EXAM, _("考试得分，不封顶"), typical=80, step=_("{n} 场考试")),
        PointsPolicy(
            ActivityKind.SIMULATION,
            _("模拟接待总评分（0–100）；每天最多计 200 分"),
            typical=70,
            step=_("{n} 次模拟接待"),
            max_points_per_day=200,
        ),
        PointsPolicy(
            ActivityKind.COMPETITION,
            _("大练兵得分；抢答扣分只在比赛内有效，计入排行时最低为 0 分"),
            typical=50,
            step=_("{n} 场大练兵"),
        ),
        PointsPolicy(
            ActivityKind.MENTOR,
            _("帮：徒弟在结对条线的掌握度每周每提高 1 分，师傅得 2 分，每对每周最多 30 分"),
            typical=10,
            step=_("{n} 周帮扶"),
        ),
    )
}


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def points_for(*, person, kind: str, activity_id: str, points: int, at: datetime) -> int:
    """The points a new result may write: never below 0, and within the kind's daily caps."""
    points = max(0, int(points))
    policy = POLICIES[kind]
    if not points or (policy.counted_per_day is None and policy.max_points_per_day is None):
        return points
    start, end = day_bounds(local_day(at))
    today = LedgerEntry.objects.filter(person=person, activity_kind=kind, occurred_at__gte=start, occurred_at__lt=end)
    if policy.counted_per_day is not None:
        # An activity with rows in several areas is one activity: its other areas' rows still count.
        earlier = today.exclude(activity_id=activity_id).values("activity_id").distinct().count()
        if earlier >= policy.counted_per_day:
            return 0
    if policy.max_points_per_day is not None:
        earned = today.aggregate(s=Sum("points"))["s"] or 0
        points = max(0, min(points, policy.max_points_per_day - earned))
    return points
