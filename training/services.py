"""Writes for training: areas, and each person's progress through a lesson."""

from datetime import datetime, timedelta
from functools import wraps

from django.db import transaction

from lianbing.page_cache import writes_of

from .models import BusinessArea, Lesson, LessonProgress

# A gap between two server-received events counts as study time only up to this long. The page
# sends a heartbeat every 30 s while it is visible; a longer silence means the person was away.
MAX_COUNTED_GAP = timedelta(seconds=90)


class UnknownSection(ValueError):
    """The position names a section the lesson does not have."""


def ensure_area(*, code: str, name: str, description: str = "", sort_order: int = 0) -> BusinessArea:
    area, created = BusinessArea.objects.get_or_create(
        code=code, defaults={"name": name, "description": description, "sort_order": sort_order}
    )
    if not created and (area.name, area.description, area.sort_order) != (name, description, sort_order):
        area.name, area.description, area.sort_order = name, description, sort_order
        area.save(update_fields=["name", "description", "sort_order"])
    return area


def _own_progress(service):
    """The service writes only `person`'s LessonProgress rows: the page cache then keeps everyone
    else's lesson pages (lianbing/page_cache.py, per-person partition)."""

    @wraps(service)
    def wrapper(*, person, **kwargs):
        with writes_of(person.pk, LessonProgress):
            return service(person=person, **kwargs)

    return wrapper


def _locked_progress(*, person, lesson: Lesson, at: datetime) -> tuple[LessonProgress, bool]:
    progress, created = LessonProgress.objects.select_for_update().get_or_create(
        person=person, lesson=lesson, defaults={"started_at": at, "last_event_at": at}
    )
    return progress, created


def _count_gap(progress: LessonProgress, at: datetime) -> None:
    gap = at - progress.last_event_at
    if timedelta(0) < gap <= MAX_COUNTED_GAP:
        progress.seconds_spent += int(gap.total_seconds())
    progress.last_event_at = max(progress.last_event_at, at)


@_own_progress
@transaction.atomic
def open_lesson(*, person, lesson: Lesson, at: datetime) -> LessonProgress:
    """The person opened the lesson page: start the progress, or count the time since the last event."""
    progress, created = _locked_progress(person=person, lesson=lesson, at=at)
    if not created:
        _count_gap(progress, at)
        progress.save(update_fields=["seconds_spent", "last_event_at"])
    return progress


@_own_progress
@transaction.atomic
def record_reading(*, person, lesson: Lesson, at: datetime, section: str | None = None) -> LessonProgress:
    """A position save or a heartbeat from the open page. section None keeps the saved position;
    "" means the top of the lesson, before its first section."""
    if section and section not in {s["anchor"] for s in lesson.sections}:
        raise UnknownSection(section)
    progress, created = _locked_progress(person=person, lesson=lesson, at=at)
    if not created:
        _count_gap(progress, at)
    if section is not None:
        progress.section = section
    progress.save(update_fields=["seconds_spent", "last_event_at", "section"])
    return progress


@_own_progress
@transaction.atomic
def complete_lesson(*, person, lesson: Lesson, at: datetime) -> LessonProgress:
    """Mark as learned (标记为已学完). The first completion time stays; pressing it again changes nothing."""
    progress, created = _locked_progress(person=person, lesson=lesson, at=at)
    if not created:
        _count_gap(progress, at)
    if progress.completed_at is None:
        progress.completed_at = max(at, progress.started_at)
    progress.save(update_fields=["seconds_spent", "last_event_at", "completed_at"])
    return progress
