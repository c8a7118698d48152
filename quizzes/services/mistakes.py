"""The 错题本: wrong answers go in; right answers on two different days in a row take them out."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ..models import MistakeEntry, Question

MASTERY_STREAK = 2  # right this many times in a row, each on a different day
REVIEW_AFTER = timedelta(days=1)  # a question answered right comes back the next day


@transaction.atomic
def record_mistake(*, person, question: Question, source: str, at: datetime) -> MistakeEntry:
    """Put a wrongly answered question into the person's 错题本 (or bring it back, due today).

    Every activity calls this for each wrong answer; source is the activity's ActivityKind value.
    """
    today = timezone.localdate(at)
    entry, created = MistakeEntry.objects.get_or_create(
        person=person,
        question=question,
        defaults={"source": source, "first_wrong_at": at, "last_wrong_at": at, "due_on": today},
    )
    if not created:
        MistakeEntry.objects.filter(pk=entry.pk).update(
            source=source,
            wrong_count=F("wrong_count") + 1,
            last_wrong_at=at,
            correct_streak=0,
            last_correct_on=None,
            due_on=today,
            mastered_at=None,
        )
        entry.refresh_from_db()
    return entry


@transaction.atomic
def record_correct(*, person, question: Question, at: datetime) -> MistakeEntry | None:
    """Count a right answer towards taking the question out of the 错题本.

    A second right answer on the same day does not count: mastery needs two different days.
    Returns the entry (mastered_at set once mastered), or None when the question is not in the book.
    """
    entry = MistakeEntry.objects.select_for_update().filter(person=person, question=question).first()
    if entry is None or entry.mastered_at is not None:
        return entry
    today = timezone.localdate(at)
    if entry.last_correct_on == today:
        return entry
    entry.correct_streak += 1
    entry.last_correct_on = today
    if entry.correct_streak >= MASTERY_STREAK:
        entry.mastered_at, entry.due_on = at, None
    else:
        entry.due_on = today + REVIEW_AFTER
    entry.save(update_fields=["correct_streak", "last_correct_on", "mastered_at", "due_on"])
    return entry


def record_outcome(*, person, question: Question, ratio: float, source: str, at: datetime) -> None:
    """The one call an activity makes per graded answer: wrong (or only partly right) goes in the book."""
    if ratio >= 1:
        record_correct(person=person, question=question, at=at)
    else:
        record_mistake(person=person, question=question, source=source, at=at)
