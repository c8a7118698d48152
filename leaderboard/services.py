"""The one door into the ledger."""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from .mastery import add_to_tally, recency_weight
from .models import ActivityKind, LedgerEntry


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
    """Record one result; a retry of the same source returns the first row and writes nothing."""
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
                points=points,
                occurred_at=at,
                recency_weight=recency_weight(at),
            )
            add_to_tally(entry)
    except IntegrityError:
        # Lost a race with a concurrent retry: the unique constraint kept one row.
        return RecordedResult(entry=LedgerEntry.objects.get(**key), created=False)
    return RecordedResult(entry=entry, created=True)
