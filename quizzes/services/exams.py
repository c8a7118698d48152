"""Exams: start or resume an attempt, save answers until the deadline, submit once, expire on time.

The server is the only clock: the deadline is stored when the attempt starts, answers that arrive
after it are refused, and an overdue attempt is closed at its deadline by whoever touches it first
(the owner's next request or the finalize_overdue_attempts command).
"""

import random
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..models import Attempt, AttemptMode, AttemptStatus, PaperKind, Quiz
from ..selectors import draw_questions
from .attempts import AttemptClosed, Pick, SubmitOutcome, create_items, finalize, response_from_values


class QuizUnavailable(Exception):
    """The person may not start this quiz now; the message says why, in the UI's words."""


def paper_for(quiz: Quiz, *, rng: random.Random, exclude_ids: Iterable[int] = ()) -> list[Pick]:
    """The questions of one attempt: the fixed list, or a fresh draw by the quiz's rules (组卷).

    exclude_ids: questions already used elsewhere (a live game's earlier rounds), left out of either.
    """
    if quiz.paper_kind == PaperKind.FIXED:
        links = quiz.fixed_questions.filter(question__is_active=True).exclude(question_id__in=list(exclude_ids))
        picks = [Pick(link.question, link.points) for link in links.select_related("question")]
    else:
        # A rule-based paper may also name questions (a 难点培训 paper's weak questions): they come first.
        named = quiz.fixed_questions.filter(question__is_active=True).exclude(question_id__in=list(exclude_ids))
        picks = [Pick(link.question, link.points) for link in named.select_related("question")]
        taken = set(exclude_ids) | {pick.question.pk for pick in picks}
        for rule in quiz.rules.select_related("area"):
            drawn = draw_questions(
                area=rule.area,
                kind=rule.kind or None,
                min_difficulty=rule.min_difficulty,
                max_difficulty=rule.max_difficulty,
                count=rule.count,
                exclude_ids=taken,
                rng=rng,
            )
            taken.update(question.pk for question in drawn)
            picks += [Pick(question, rule.points) for question in drawn]
    if quiz.shuffle_questions:
        rng.shuffle(picks)
    return picks


def deadline_for(quiz: Quiz, *, started_at: datetime) -> datetime | None:
    deadlines = [d for d in (quiz.closes_at,) if d]
    if quiz.time_limit_seconds:
        deadlines.append(started_at + timedelta(seconds=quiz.time_limit_seconds))
    return min(deadlines) if deadlines else None


def start_exam(*, person, quiz: Quiz, at: datetime, rng: random.Random | None = None) -> Attempt:
    """Resume the person's open attempt, or start a new one if the quiz allows it now."""
    open_attempt = Attempt.objects.filter(quiz=quiz, person=person, status=AttemptStatus.OPEN).first()
    if open_attempt and not finalize_if_overdue(attempt=open_attempt, at=at):
        return open_attempt
    if not quiz.is_published or (quiz.opens_at and at < quiz.opens_at):
        raise QuizUnavailable(_("考试尚未开放。"))
    if quiz.closes_at and at >= quiz.closes_at:
        raise QuizUnavailable(_("考试已截止。"))
    used = Attempt.objects.filter(quiz=quiz, person=person).count()
    if quiz.max_attempts and used >= quiz.max_attempts:
        raise QuizUnavailable(_("作答次数已用完。"))
    rng = rng or random.Random()
    picks = paper_for(quiz, rng=rng)
    if not picks:
        raise QuizUnavailable(_("这场考试还没有题目。"))
    try:
        with transaction.atomic():
            number = (Attempt.objects.filter(quiz=quiz, person=person).aggregate(n=Max("number"))["n"] or 0) + 1
            attempt = Attempt.objects.create(
                person=person,
                mode=AttemptMode.EXAM,
                quiz=quiz,
                title=quiz.title,
                number=number,
                started_at=at,
                deadline=deadline_for(quiz, started_at=at),
            )
            create_items(attempt, picks, shuffle_options=quiz.shuffle_options, rng=rng)
    except IntegrityError:
        # Two starts at once (a double tap): the unique open attempt already exists; resume it.
        return Attempt.objects.get(quiz=quiz, person=person, status=AttemptStatus.OPEN)
    return attempt


def is_overdue(attempt: Attempt, *, at: datetime) -> bool:
    return attempt.is_open and attempt.deadline is not None and at >= attempt.deadline


def finalize_if_overdue(*, attempt: Attempt, at: datetime) -> bool:
    """Close an attempt whose time is up, as of its deadline. True when it is (now) closed."""
    if is_overdue(attempt, at=at):
        finalize(attempt=attempt, at=attempt.deadline, status=AttemptStatus.EXPIRED)
        return True
    return not attempt.is_open


def finalize_overdue(*, at: datetime) -> int:
    """Close every overdue attempt (the management command; safe to run as often as you like)."""
    closed = 0
    for attempt in Attempt.objects.filter(status=AttemptStatus.OPEN, deadline__lte=at):
        closed += finalize(attempt=attempt, at=attempt.deadline, status=AttemptStatus.EXPIRED)
    return closed


def save_answer(*, attempt: Attempt, position: int, values: Sequence[str], at: datetime) -> None:
    """Keep an answer while the attempt is open (autosave); refused once submitted or overdue."""
    if is_overdue(attempt, at=at):
        finalize(attempt=attempt, at=attempt.deadline, status=AttemptStatus.EXPIRED)
        raise AttemptClosed(_("作答时间已到，答案未被接受。"))
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open or is_overdue(locked, at=at):
            raise AttemptClosed(_("试卷已提交，不能再修改答案。"))
        item = locked.items.get(position=position)
        item.response = response_from_values(item.snapshot["kind"], values)
        item.answered_at = at
        item.save(update_fields=["response", "answered_at"])


def submit_exam(*, attempt: Attempt, answers: dict[int, Sequence[str]], at: datetime) -> SubmitOutcome:
    """Hand in: save the answers sent with the form (only before the deadline), then grade once."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if not locked.is_open:
            attempt.refresh_from_db()
            return SubmitOutcome(attempt=attempt, already_submitted=True)
        if is_overdue(locked, at=at):
            finalize(attempt=locked, at=locked.deadline, status=AttemptStatus.EXPIRED)
            attempt.refresh_from_db()
            return SubmitOutcome(attempt=attempt, late=True)
        for item in locked.items.all():
            if item.position in answers:
                item.response = response_from_values(item.snapshot["kind"], answers[item.position])
                item.answered_at = at
                item.save(update_fields=["response", "answered_at"])
        finalize(attempt=locked, at=at)
    attempt.refresh_from_db()
    return SubmitOutcome(attempt=attempt)
