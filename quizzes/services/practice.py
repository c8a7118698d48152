"""Practice rounds (by area, lesson or 错题本) and 每日一练: questions chosen for the person.

Each answer is graded at once (services.attempts.answer_now); the round reports to the ledger
when its last question is answered. A round left before that is closed with what was answered
(close_round): when the person starts another practice round, and for anything left from an
earlier day (the person's next visit, or the finalize_overdue_attempts command for everyone).
"""

import random
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PRACTICE_MODES, Attempt, AttemptItem, AttemptMode, AttemptStatus, MistakeEntry, Question
from ..selectors import lesson_check_questions
from .attempts import Pick, close_round, create_items, is_stale_round

ROUND_SIZE = 10
LESSON_ROUND_SIZE = 5
DAILY_SIZE = 8  # within the 5 to 10 a day the product promises
DAILY_MAX_DUE = 4  # 错题本 reviews first, but leave room for weak areas and new questions
WEAK_AREA_WINDOW = timedelta(days=30)


def _active(ids) -> list[Question]:
    by_id = Question.objects.filter(is_active=True).prefetch_related("options").in_bulk(list(ids))
    return [by_id[pk] for pk in ids if pk in by_id]


def _fresh_first(person, ids: list[int], count: int, rng: random.Random) -> list[int]:
    """Questions the person has not yet answered right come first, each group in random order."""
    mastered = set(
        AttemptItem.objects.filter(attempt__person=person, question_id__in=ids, ratio=1).values_list(
            "question_id", flat=True
        )
    )
    fresh = [pk for pk in ids if pk not in mastered]
    seen = [pk for pk in ids if pk in mastered]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    return (fresh + seen)[:count]


def _area_ids(area, exclude=()) -> list[int]:
    return list(Question.objects.filter(area=area, is_active=True).exclude(pk__in=exclude).values_list("pk", flat=True))


def _due_mistake_ids(person, *, today, limit: int | None = None) -> list[int]:
    entries = MistakeEntry.objects.filter(person=person, mastered_at__isnull=True, question__is_active=True)
    due = list(
        entries.filter(due_on__lte=today).order_by("due_on", "-wrong_count").values_list("question_id", flat=True)
    )
    return due[:limit] if limit is not None else due


@transaction.atomic
def start_practice(
    *, person, at: datetime, area=None, lesson=None, from_mistakes: bool = False, rng: random.Random | None = None
) -> Attempt:
    """A round of up to ten questions from an area, a lesson (its check questions first) or the 错题本."""
    rng = rng or random.Random()
    for left in Attempt.objects.filter(person=person, mode=AttemptMode.PRACTICE, status=AttemptStatus.OPEN):
        close_round(attempt=left)  # one open practice round per person: the one before is over
    if from_mistakes:
        today = timezone.localdate(at)
        due = _due_mistake_ids(person, today=today)
        rest = MistakeEntry.objects.filter(person=person, mastered_at__isnull=True).exclude(question_id__in=due)
        ids = (due + list(rest.order_by("due_on").values_list("question_id", flat=True)))[:ROUND_SIZE]
        questions, title = _active(ids), _("错题练习")
    elif lesson is not None:
        linked = lesson_check_questions(lesson=lesson)
        more = _fresh_first(person, _area_ids(lesson.course.area, [q.pk for q in linked]), LESSON_ROUND_SIZE, rng)
        questions = (linked + _active(more))[:LESSON_ROUND_SIZE]
        area, title = lesson.course.area, _("课时练习：%(title)s") % {"title": lesson.title}
    else:
        questions = _active(_fresh_first(person, _area_ids(area), ROUND_SIZE, rng))
        title = _("专项练习：%(area)s") % {"area": area.name}
    attempt = Attempt.objects.create(
        person=person,
        mode=AttemptMode.PRACTICE,
        area=area,
        lesson=lesson,
        from_mistakes=from_mistakes,
        title=title,
        started_at=at,
    )
    create_items(attempt, [Pick(question) for question in questions])
    return attempt


def daily_questions(*, person, at: datetime, rng: random.Random) -> list[Question]:
    """每日一练: due 错题本 reviews first, then the person's weakest areas, then questions never seen."""
    today = timezone.localdate(at)
    chosen = _due_mistake_ids(person, today=today, limit=DAILY_MAX_DUE)
    answered = AttemptItem.objects.filter(attempt__person=person)
    weak_areas = list(
        answered.filter(answered_at__gte=at - WEAK_AREA_WINDOW, ratio__isnull=False)
        .values("area")
        .annotate(avg=Avg("ratio"))
        .filter(avg__lt=0.8)
        .order_by("avg")
        .values_list("area", flat=True)[:2]
    )
    for area_id in weak_areas:
        ids = _area_ids(area_id, chosen)
        chosen += _fresh_first(person, ids, (DAILY_SIZE - len(chosen) + 1) // 2 or 1, rng)
    seen = set(answered.filter(answered_at__isnull=False).values_list("question_id", flat=True))
    new = [pk for pk in Question.objects.filter(is_active=True).values_list("pk", flat=True) if pk not in seen]
    rng.shuffle(new)
    chosen += [pk for pk in new if pk not in chosen][: max(0, DAILY_SIZE - len(chosen))]
    if len(chosen) < DAILY_SIZE:  # a person who has seen the whole bank still gets a full set
        rest = [pk for pk in Question.objects.filter(is_active=True).values_list("pk", flat=True) if pk not in chosen]
        chosen += _fresh_first(person, rest, DAILY_SIZE - len(chosen), rng)
    return _active(chosen[:DAILY_SIZE])


def daily_practice(*, person, at: datetime, rng: random.Random | None = None) -> Attempt:
    """Today's 每日一练 for the person: made on first visit of the day, the same one after that."""
    today = timezone.localdate(at)
    existing = Attempt.objects.filter(person=person, mode=AttemptMode.DAILY, day=today).first()
    if existing:
        return existing
    questions = daily_questions(person=person, at=at, rng=rng or random.Random())
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                person=person,
                mode=AttemptMode.DAILY,
                day=today,
                title=_("每日一练 %(day)s") % {"day": today.strftime("%m-%d")},
                started_at=at,
            )
            create_items(attempt, [Pick(question) for question in questions])
    except IntegrityError:  # the same person opened it twice at once
        return Attempt.objects.get(person=person, mode=AttemptMode.DAILY, day=today)
    return attempt


def close_abandoned_rounds(*, at: datetime, person=None) -> int:
    """Close every practice round and 每日一练 left open on an earlier day (one person's, or everyone's)."""
    rounds = Attempt.objects.filter(status=AttemptStatus.OPEN, mode__in=PRACTICE_MODES)
    if person is not None:
        rounds = rounds.filter(person=person)
    return sum(close_round(attempt=attempt) for attempt in rounds if is_stale_round(attempt, at=at))
