"""Practice rounds (by area, lesson or 错题本) and 每日一练 (from the memory cards): questions chosen for the person.

Each answer is graded at once (services.attempts.answer_now); the round reports to the ledger
when its last question is answered. A round left before that is closed with what was answered
(close_round): when the person starts another practice round, and for anything left from an
earlier day (the person's next visit, or the finalize_overdue_attempts command for everyone).
"""

import random
from datetime import datetime, time
from statistics import median

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.mastery import weakest_area_ids

from ..memory_selectors import book_cards, end_of_day
from ..models import (
    PRACTICE_MODES,
    Attempt,
    AttemptItem,
    AttemptMode,
    AttemptStatus,
    CardReview,
    MemoryCard,
    Option,
    Question,
)
from ..selectors import assigned_area_ids, lesson_check_questions
from .attempts import Pick, close_round, create_items, is_stale_round

ROUND_SIZE = 10
LESSON_ROUND_SIZE = 5
# 每日一练 is what a clerk finishes in five minutes: the person's own median answer time (plus a
# moment to read the 解析) sets the number of questions, within these bounds.
DAILY_SECONDS = 300
DAILY_MIN, DAILY_MAX = 5, 12
DEFAULT_ANSWER_SECONDS = 25  # before a person has timed answers
FEEDBACK_SECONDS = 10
TIMING_SAMPLE = 50  # the person's last timed answers
NEW_SLOTS = 2  # due reviews come first but leave room for this many new questions
WEAK_AREAS = 2
DAILY_SIZE = DEFAULT_SIZE = DAILY_SECONDS // (DEFAULT_ANSWER_SECONDS + FEEDBACK_SECONDS)


def _active(ids) -> list[Question]:
    options = Prefetch("options", queryset=Option.objects.order_by("label"))  # no join for the default ordering
    by_id = Question.objects.filter(is_active=True).order_by().prefetch_related(options).in_bulk(list(ids))
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


@transaction.atomic
def start_practice(
    *, person, at: datetime, area=None, lesson=None, from_mistakes: bool = False, rng: random.Random | None = None
) -> Attempt:
    """A round of up to ten questions from an area, a lesson (its check questions first) or the 错题本."""
    rng = rng or random.Random()
    for left in Attempt.objects.filter(person=person, mode=AttemptMode.PRACTICE, status=AttemptStatus.OPEN):
        close_round(attempt=left)  # one open practice round per person: the one before is over
    if from_mistakes:
        # The 错题本 as it stands, the longest-due first.
        ids = book_cards(person=person).order_by("due").values_list("question_id", flat=True)[:ROUND_SIZE]
        questions, title = _active(list(ids)), _("错题练习")
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


def daily_size(*, person) -> int:
    """How many questions fit in five minutes for this person (their median timed answer + reading)."""
    recent = list(
        CardReview.objects.filter(person=person, duration_ms__isnull=False)
        .order_by("-reviewed_at")
        .values_list("duration_ms", flat=True)[:TIMING_SAMPLE]
    )
    answer = median(recent) / 1000 if recent else DEFAULT_ANSWER_SECONDS
    return max(DAILY_MIN, min(DAILY_MAX, int(DAILY_SECONDS // (answer + FEEDBACK_SECONDS))))


def _start_of_day(at: datetime) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(at), time.min))


def daily_questions(*, person, at: datetime, rng: random.Random) -> list[Question]:
    """每日一练 from the memory cards, never a question the person already met today:

    1. cards due today or overdue, the most overdue first (leaving NEW_SLOTS for new questions);
    2. questions the person has no card for yet, from their weakest areas (leaderboard.mastery),
       then from the 难点培训 areas their supervisor assigned, one area after the other in turn;
    3. when that runs short: new questions of any area, then the reviews coming due soonest.
    """
    size = daily_size(person=person)
    today_start = _start_of_day(at)
    cards = MemoryCard.objects.filter(person=person, question__is_active=True)
    # Every graded answer reviews a card, so "met today" is the cards reviewed since midnight.
    met_today = set(cards.filter(last_review__gte=today_start).values_list("question_id", flat=True))
    due = [
        pk
        for pk in cards.filter(due__lt=end_of_day(at)).order_by("due").values_list("question_id", flat=True)[: size * 2]
        if pk not in met_today
    ][:size]
    chosen = due[: size - NEW_SLOTS]
    bank = Question.objects.filter(is_active=True).order_by()
    # New = no card of this person yet: a NOT EXISTS in the database, not their thousands of ids here.
    new_bank = bank.exclude(Exists(MemoryCard.objects.filter(person=person, question=OuterRef("pk"))))
    area_ids = list(bank.order_by("area_id").values_list("area_id", flat=True).distinct())
    weak = weakest_area_ids(person=person, area_ids=area_ids, limit=WEAK_AREAS, as_of=at)
    order = weak + [pk for pk in assigned_area_ids(person=person, now=at) if pk not in weak]
    by_area = {area_id: [] for area_id in order}
    for pk, area_id in new_bank.filter(area_id__in=order).order_by("pk").values_list("pk", "area_id"):
        by_area[area_id].append(pk)
    pools = [by_area[area_id] for area_id in order]
    for pool in pools:
        rng.shuffle(pool)
    new = _round_robin(pools, size - len(chosen), taken=set(chosen) | met_today)
    chosen += new
    chosen += [pk for pk in due if pk not in chosen][: size - len(chosen)]
    if len(chosen) < size:  # a small bank or a clerk who has seen it all still gets a full set
        taken = set(chosen) | met_today
        anywhere = [pk for pk in new_bank.values_list("pk", flat=True) if pk not in taken]
        rng.shuffle(anywhere)
        chosen += anywhere[: size - len(chosen)]
    if len(chosen) < size:
        taken = set(chosen) | met_today
        soonest = cards.order_by("due").values_list("question_id", flat=True)
        chosen += [pk for pk in soonest[: size * 3] if pk not in taken][: size - len(chosen)]
    return _active(chosen[:size])


def _round_robin(pools: list[list[int]], count: int, *, taken: set[int]) -> list[int]:
    """One question from each pool in turn (weakest area first) until `count` are picked."""
    picked, seen = [], set(taken)
    iterators = [iter(pool) for pool in pools]
    while iterators and len(picked) < count:
        for it in list(iterators):
            pk = next((pk for pk in it if pk not in seen), None)
            if pk is None:
                iterators.remove(it)
                continue
            picked.append(pk)
            seen.add(pk)
            if len(picked) == count:
                break
    return picked


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
