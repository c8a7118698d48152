"""Writes for the question bank and the 错题本."""

from datetime import datetime

from django.db import transaction
from django.db.models import F

from .models import MistakeEntry, Question


@transaction.atomic
def record_mistake(*, person, question: Question, source: str, at: datetime) -> MistakeEntry:
    """Put a wrongly answered question into the person's 错题本 (or bring it back, due today).

    Every activity calls this for each wrong answer; source is the activity's ActivityKind value.
    """
    entry, created = MistakeEntry.objects.get_or_create(
        person=person,
        question=question,
        defaults={"source": source, "first_wrong_at": at, "last_wrong_at": at, "due_on": at.date()},
    )
    if not created:
        MistakeEntry.objects.filter(pk=entry.pk).update(
            source=source,
            wrong_count=F("wrong_count") + 1,
            last_wrong_at=at,
            correct_streak=0,
            due_on=at.date(),
            mastered_at=None,
        )
        entry.refresh_from_db()
    return entry
