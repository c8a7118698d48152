"""Reads for the question bank, attempts and the 错题本."""

from django.db.models import F, Prefetch

from .models import Attempt, LessonQuestion, MistakeEntry, Option, Question


def lesson_check_questions(*, lesson) -> list[Question]:
    """The active questions linked to a lesson, in their order, options prefetched."""
    links = (
        LessonQuestion.objects.filter(lesson=lesson, question__is_active=True)
        .select_related("question")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("label")))
        .order_by("sort_order", "id")
    )
    return [link.question for link in links]


def attempt_for(*, person, attempt_id: int, mode: str | None = None) -> Attempt:
    """A person's own attempt; anyone else's (whatever their role) is not found."""
    attempts = Attempt.objects.select_related("quiz", "lesson__course__area", "area")
    if mode:
        attempts = attempts.filter(mode=mode)
    return attempts.get(pk=attempt_id, person=person)


def mistakes_of(*, person) -> list[MistakeEntry]:
    """The person's open 错题本, the ones due first."""
    return list(
        MistakeEntry.objects.filter(person=person, mastered_at__isnull=True)
        .select_related("question__area")
        .order_by(F("due_on").asc(nulls_last=True), "-last_wrong_at")
    )
