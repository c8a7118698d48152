"""荣誉: badges for milestones, awarded once each (per area for an area's milestone).

award_badges is idempotent; it runs in the daily job (`manage.py award_honours`, which first writes
the week's 帮 points) and whenever a person's profile page is opened, so a badge never waits longer
than a day. It reads only the ledger, mastery, the pairs and training's lessons.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum

from accounts.models import Role, User
from training.models import Lesson, LessonProgress

from .mastery import mastery_by_area
from .models import ActivityKind, Badge, BadgeKind, LedgerEntry
from .points import local_day

STREAK_DAYS = 30
MASTERY_BADGE_FROM = 90
PODIUM = 3


def _podium_at(person) -> datetime | None:
    """When the person first finished a live drill in the top three by points (ties share a place)."""
    mine = (
        LedgerEntry.objects.filter(person=person, activity_kind=ActivityKind.COMPETITION)
        .values("activity_id")
        .annotate(points=Sum("points"))
    )
    games = {row["activity_id"]: row["points"] for row in mine if row["points"] > 0}
    if not games:
        return None
    totals = (
        LedgerEntry.objects.filter(activity_kind=ActivityKind.COMPETITION, activity_id__in=list(games))
        .values("activity_id", "person_id")
        .annotate(points=Sum("points"))
    )
    better: dict[str, int] = {}
    for row in totals:
        if row["points"] > games[row["activity_id"]]:
            better[row["activity_id"]] = better.get(row["activity_id"], 0) + 1
    podiums = [game for game in games if better.get(game, 0) < PODIUM]
    if not podiums:
        return None
    return (
        LedgerEntry.objects.filter(person=person, activity_kind=ActivityKind.COMPETITION, activity_id__in=podiums)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )


def _streak_at(person) -> datetime | None:
    """The moment of the 30th consecutive Shanghai day with a 每日一练, if there ever was one."""
    times = LedgerEntry.objects.filter(person=person, activity_kind=ActivityKind.DAILY).order_by("occurred_at")
    run, previous = 0, None
    for at in times.values_list("occurred_at", flat=True):
        day = local_day(at)
        if day == previous:
            continue
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        previous = day
        if run >= STREAK_DAYS:
            return at
    return None


def _areas_learned(person) -> dict[int, datetime]:
    """Areas whose every published lesson the person has completed, with the last completion time."""
    published = {}
    for area_id, n in Lesson.objects.filter(is_published=True).values_list("course__area_id", "pk"):
        published.setdefault(area_id, set()).add(n)
    done = {}
    for area_id, lesson_id, at in LessonProgress.objects.filter(person=person, completed_at__isnull=False).values_list(
        "lesson__course__area_id", "lesson_id", "completed_at"
    ):
        done.setdefault(area_id, {})[lesson_id] = at
    return {
        area_id: max(done[area_id][lesson] for lesson in lessons)
        for area_id, lessons in published.items()
        if lessons and area_id in done and lessons <= set(done[area_id])
    }


def _award(person, kind: str, at: datetime, area_id: int | None = None) -> Badge | None:
    if Badge.objects.filter(person=person, kind=kind, area_id=area_id).exists():
        return None
    try:
        with transaction.atomic():
            return Badge.objects.create(person=person, kind=kind, area_id=area_id, awarded_at=at)
    except IntegrityError:  # a concurrent run awarded it first
        return None


def award_badges(*, person, at: datetime) -> list[Badge]:
    """Award every milestone the person has reached and does not hold yet; returns the new badges."""
    new = []
    if (when := _podium_at(person)) is not None:
        new.append(_award(person, BadgeKind.DRILL_PODIUM, when))
    if (when := _streak_at(person)) is not None:
        new.append(_award(person, BadgeKind.DAILY_STREAK_30, when))
    for area_id, when in _areas_learned(person).items():
        new.append(_award(person, BadgeKind.AREA_LESSONS, when, area_id))
    for area_id, mastery in mastery_by_area(person=person, as_of=at).items():
        if mastery.enough and mastery.score >= MASTERY_BADGE_FROM:
            new.append(_award(person, BadgeKind.AREA_MASTERY_90, mastery.last_at or at, area_id))
    helped = (
        LedgerEntry.objects.filter(person=person, activity_kind=ActivityKind.MENTOR, points__gt=0, occurred_at__lte=at)
        .order_by("occurred_at")
        .values_list("area_id", "occurred_at")
    )
    for area_id, when in dict(reversed(list(helped))).items():
        new.append(_award(person, BadgeKind.MENTEE_IMPROVED, when, area_id))
    return [badge for badge in new if badge is not None]


def award_all(*, at: datetime) -> int:
    """The daily job: every active clerk and supervisor."""
    people = User.objects.filter(is_active=True, role__in=(Role.STAFF, Role.SUPERVISOR))
    return sum(len(award_badges(person=person, at=at)) for person in people.iterator())
