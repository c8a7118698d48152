"""The one door into the ledger, and the aggregates the boards read."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from .mastery import add_to_tally, recency_weight
from .models import ActivityKind, DailyPoints, LedgerEntry, PointsTotal
from .points import local_day, points_for


@dataclass(frozen=True)
class RecordedResult:
    entry: LedgerEntry
    created: bool


def record_result(
    *,
    person,
    area,
    kind: str,
    activity_id: str | int,
    score_ratio: float,
    points: int,
    at: datetime,
    title: str = "",
) -> RecordedResult:
    """Record one result; a retry of the same source returns the first row and writes nothing.

    The points written are those the 积分规则 allow (leaderboard.points: never below 0, daily caps);
    the score ratio is written as given.
    """
    if kind not in ActivityKind.values:
        raise ValueError(f"unknown activity kind {kind!r}")
    if not 0 <= score_ratio <= 1:
        raise ValueError(f"score_ratio must be within 0..1, got {score_ratio}")
    key = {"activity_kind": kind, "activity_id": str(activity_id), "person": person, "area": area}
    existing = LedgerEntry.objects.filter(**key).first()
    if existing:
        return RecordedResult(entry=existing, created=False)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                **key,
                center_id=person.center_id,
                team_id=person.team_id,
                title=title[:200],
                score_ratio=score_ratio,
                points=points_for(person=person, kind=kind, activity_id=str(activity_id), points=points, at=at),
                occurred_at=at,
                recency_weight=recency_weight(at),
            )
            add_to_tally(entry)
            add_to_points(entry)
    except IntegrityError:
        # Lost a race with a concurrent retry: the unique constraint kept one row.
        return RecordedResult(entry=LedgerEntry.objects.get(**key), created=False)
    return RecordedResult(entry=entry, created=True)


def add_to_points(entry: LedgerEntry) -> None:
    """Add a new ledger row to its day's and the all-time aggregates (inside record_result's transaction)."""
    key = {
        "person_id": entry.person_id,
        "area_id": entry.area_id,
        "team_id": entry.team_id,
        "center_id": entry.center_id,
    }
    increments = {"points": F("points") + entry.points, "activities": F("activities") + 1}
    day = local_day(entry.occurred_at)
    if not DailyPoints.objects.filter(**key, day=day).update(**increments):
        DailyPoints.objects.create(**key, day=day, points=entry.points, activities=1)
    if not PointsTotal.objects.filter(**key).update(**increments):
        PointsTotal.objects.create(**key, points=entry.points, activities=1)


def rebuild_points() -> int:
    """Recompute DailyPoints and PointsTotal from the ledger (after a repair, or for rows written in bulk)."""
    from collections import defaultdict

    days, totals = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    rows = LedgerEntry.objects.values_list("person_id", "area_id", "team_id", "center_id", "occurred_at", "points")
    for person_id, area_id, team_id, center_id, at, points in rows.iterator(chunk_size=5000):
        for bucket, key in (
            (days, (person_id, area_id, team_id, center_id, local_day(at))),
            (totals, (person_id, area_id, team_id, center_id)),
        ):
            bucket[key][0] += points
            bucket[key][1] += 1
    with transaction.atomic():
        DailyPoints.objects.all().delete()
        PointsTotal.objects.all().delete()
        DailyPoints.objects.bulk_create(
            (
                DailyPoints(
                    person_id=k[0], area_id=k[1], team_id=k[2], center_id=k[3], day=k[4], points=v[0], activities=v[1]
                )
                for k, v in days.items()
            ),
            batch_size=2000,
        )
        PointsTotal.objects.bulk_create(
            (
                PointsTotal(person_id=k[0], area_id=k[1], team_id=k[2], center_id=k[3], points=v[0], activities=v[1])
                for k, v in totals.items()
            ),
            batch_size=2000,
        )
    return len(days)
