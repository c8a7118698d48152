"""Attempts: build the questions a person is asked, take answers, grade, and report the result.

Every kind of attempt (lesson check, practice, 每日一练, exam) shares these rules: questions are
snapshotted when the attempt starts, grading uses the snapshot, every graded answer reviews the
person's memory card (which feeds the 错题本) and the result reaches the ledger once, one row per
business area.
"""

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leaderboard.services import record_result

from ..grading import grade_snapshot, snapshot_of
from ..models import PRACTICE_MODES, Attempt, AttemptItem, AttemptMode, AttemptStatus, Question, QuestionKind
from .mistakes import record_outcome

POINTS_PER_QUESTION = 10  # practice, 每日一练 and lesson checks; exams set their own points


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or its deadline has passed)."""


@dataclass(frozen=True)
class Pick:
    question: Question
    points: float = POINTS_PER_QUESTION


@dataclass(frozen=True)
class SubmitOutcome:
    attempt: Attempt
    already_submitted: bool = False  # a double submit: nothing changed
    late: bool = False  # arrived after the deadline: the answers sent with it were refused


def response_from_values(kind: str, values: Sequence[str]) -> dict:
    """A form's raw values for one question, as an AttemptItem response."""
    if kind == QuestionKind.FILL_BLANK:
        return {"labels": [], "text": (values[0] if values else "").strip()[:200]}
    labels = sorted({v.strip().upper()[:1] for v in values if v and v.strip()})
    if kind != QuestionKind.MULTIPLE:
        labels = labels[:1]
    return {"labels": labels, "text": ""}


def has_answer(response: dict) -> bool:
    return bool(response.get("labels") or response.get("text"))


def create_items(
    attempt: Attempt, picks: Iterable[Pick], *, shuffle_options: bool = False, rng: random.Random | None = None
) -> list[AttemptItem]:
    """Snapshot the picked questions into the attempt, in the given order."""
    rng = rng or random.Random()
    items = []
    for position, pick in enumerate(picks, start=1):
        snapshot = snapshot_of(pick.question)
        if shuffle_options and pick.question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            rng.shuffle(snapshot["options"])
        items.append(
            AttemptItem(
                attempt=attempt,
                question=pick.question,
                question_version=pick.question.version,
                area_id=pick.question.area_id,
                position=position,
                points=pick.points,
                snapshot=snapshot,
            )
        )
    return AttemptItem.objects.bulk_create(items)


def grade_item(item: AttemptItem) -> float:
    grade = grade_snapshot(item.snapshot, labels=item.response.get("labels", []), text=item.response.get("text", ""))
    return grade.ratio


def answer_now(
    *, attempt: Attempt, position: int, values: Sequence[str], at: datetime, seconds: float | None = None
) -> AttemptItem:
    """Practice-style answer: graded at once, feedback shown, the memory card reviewed; last one ends the round.

    seconds: how long the question was on screen before this answer (None when not known).

    A round left open on an earlier day takes no more answers: it is closed with what was answered.
    Raises AttemptItem.DoesNotExist for a position the round does not have.
    """
    if is_stale_round(attempt, at=at):
        close_round(attempt=attempt)
        raise AttemptClosed(_("这一轮练习是之前留下的，已按已答的题目结算。"))
    return _answer_now(attempt=attempt, position=position, values=values, at=at, seconds=seconds)


@transaction.atomic
def _answer_now(
    *, attempt: Attempt, position: int, values: Sequence[str], at: datetime, seconds: float | None
) -> AttemptItem:
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not attempt.is_open:
        raise AttemptClosed(_("本轮练习已结束。"))
    item = attempt.items.select_related("question").get(position=position)
    if item.is_answered:
        return item  # a double tap: the first answer stands
    item.response = response_from_values(item.snapshot["kind"], values)
    item.ratio = grade_item(item)
    item.answered_at = at
    item.save(update_fields=["response", "ratio", "answered_at"])
    if item.question_id:
        record_outcome(
            person=attempt.person, question=item.question, ratio=item.ratio, source=attempt.mode, at=at, seconds=seconds
        )
    if not attempt.items.filter(answered_at__isnull=True).exists():
        finalize(attempt=attempt, at=at)
    return item


@transaction.atomic
def finalize(*, attempt: Attempt, at: datetime, status: str = AttemptStatus.SUBMITTED) -> bool:
    """Grade what was answered, close the attempt and report it. Returns False when it was already closed.

    Idempotent and race-safe: the attempt row is locked and its status checked first.
    """
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if not locked.is_open:
        attempt.refresh_from_db()
        return False
    items = list(locked.items.select_related("question"))
    if locked.mode in PRACTICE_MODES:
        # Practice shows one question at a time: a question never answered was never a wrong answer.
        items = [item for item in items if item.is_answered]
    for item in items:
        if item.ratio is None:
            item.ratio = grade_item(item) if has_answer(item.response) else 0.0
            # Exams grade at the end: wrong answers reach the 错题本 now (unanswered ones do not).
            if has_answer(item.response) and item.question_id:
                record_outcome(
                    person=locked.person, question=item.question, ratio=item.ratio, source=locked.mode, at=at
                )
    AttemptItem.objects.bulk_update(items, ["ratio"])
    locked.score = sum(item.earned for item in items)
    locked.max_score = sum(item.points for item in items)
    locked.status = status
    locked.submitted_at = at
    if locked.quiz_id:
        locked.passed = locked.ratio >= locked.quiz.pass_ratio
    locked.save(update_fields=["score", "max_score", "status", "submitted_at", "passed"])
    report_to_ledger(attempt=locked, items=items, at=at)
    attempt.refresh_from_db()
    return True


def round_day(attempt: Attempt):
    """The day a practice round belongs to: 每日一练 its own day, other rounds the day they started."""
    return attempt.day or timezone.localdate(attempt.started_at)


def is_stale_round(attempt: Attempt, *, at: datetime) -> bool:
    """An open practice round or 每日一练 from an earlier day: it was left and will not be finished."""
    return attempt.is_open and attempt.mode in PRACTICE_MODES and round_day(attempt) < timezone.localdate(at)


def close_round(*, attempt: Attempt) -> bool:
    """Close a practice round left before its last answer: what was answered counts (to the ledger,
    once, as of the last answer); the questions never answered count for nothing. No answer at
    all: closed without a ledger row."""
    last = attempt.items.filter(answered_at__isnull=False).order_by("-answered_at").first()
    at = last.answered_at if last else attempt.started_at
    return finalize(attempt=attempt, at=at, status=AttemptStatus.ABANDONED)


def report_to_ledger(*, attempt: Attempt, items: list[AttemptItem], at: datetime) -> None:
    """One ledger row per business area of the attempt (a lesson check: one row per person and lesson)."""
    if attempt.mode == AttemptMode.LESSON_CHECK:
        groups = {attempt.lesson.course.area: items} if attempt.lesson else {}
        activity_id = attempt.lesson_id
    else:
        groups = defaultdict(list)
        for item in items:
            groups[item.area].append(item)
        activity_id = attempt.pk
    for area, area_items in groups.items():
        possible = sum(item.points for item in area_items)
        earned = sum(item.earned for item in area_items)
        record_result(
            person=attempt.person,
            area=area,
            kind=attempt.mode,
            activity_id=activity_id,
            score_ratio=min(1.0, earned / possible) if possible else 0.0,
            points=round(earned),
            at=at,
            title=attempt.title,
        )
