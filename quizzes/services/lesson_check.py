"""The end-of-lesson check: 1 to 3 linked questions, graded at once, reported once per lesson."""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attempt, AttemptItem, AttemptMode, AttemptStatus
from ..selectors import lesson_check_questions
from .attempts import Pick, create_items, finalize, response_from_values


@transaction.atomic
def check_lesson(*, person, lesson, answers: dict[int, Sequence[str]], at: datetime) -> Attempt:
    """Grade a lesson check. Every try is kept as an attempt; the ledger keeps the first result only
    (its source is the lesson), and every wrong answer goes to the 错题本."""
    questions = lesson_check_questions(lesson=lesson)
    attempt = Attempt.objects.create(
        person=person,
        mode=AttemptMode.LESSON_CHECK,
        lesson=lesson,
        area=lesson.course.area,
        title=_("课后小测：%(title)s") % {"title": lesson.title},
        started_at=at,
    )
    items = create_items(attempt, [Pick(question) for question in questions])
    for item in items:
        item.response = response_from_values(item.snapshot["kind"], answers.get(item.question_id, []))
        item.answered_at = at
    AttemptItem.objects.bulk_update(items, ["response", "answered_at"])
    finalize(attempt=attempt, at=at, status=AttemptStatus.SUBMITTED)
    return attempt
