"""The bridge to the `fsrs` package: how an answer becomes a rating, and a card's next state.

Pure functions over plain values (no models), so the data migration that turned the old 错题本
into cards uses exactly the rules the live code uses.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler, State

# A right answer this fast was known cold; this slow, it was dug out with effort.
EASY_WITHIN_SECONDS = 8
HARD_AFTER_SECONDS = 60
# Longer than this between showing a question and its answer: the clerk was called to the counter,
# the time says nothing about the memory.
LONGEST_COUNTED_SECONDS = 600


def rating_for(*, ratio: float, seconds: float | None) -> Rating:
    """Wrong or only partly right is a lapse (Again); a right answer is Good, Easy when quick, Hard when slow.

    A 多选 half right still sends the resident home missing a material, hence Again. Without a
    usable answer time (exams, lesson checks, a question left open for minutes) a right answer is Good.
    """
    if ratio < 1:
        return Rating.Again
    if seconds is None or seconds < 0 or seconds > LONGEST_COUNTED_SECONDS:
        return Rating.Good
    if seconds <= EASY_WITHIN_SECONDS:
        return Rating.Easy
    if seconds > HARD_AFTER_SECONDS:
        return Rating.Hard
    return Rating.Good


def make_scheduler(parameters=None) -> Scheduler:
    """The FSRS scheduler with the library's parameters (or fitted ones) and our two settings.

    - No learning steps: Anki re-shows a failed card after 1 and 10 minutes in one sitting; a clerk
      meets a question at most once a day (每日一练's rule), so a card goes straight to day intervals.
    - No fuzz: the date a supervisor sees is the one the formula gives, and tests can name it.
    """
    kwargs = {"learning_steps": (), "relearning_steps": (), "enable_fuzzing": False}
    if parameters:
        kwargs["parameters"] = tuple(parameters)
    return Scheduler(**kwargs)


@dataclass
class CardFields:
    """The scheduling part of a MemoryCard row."""

    state: int = State.Learning.value
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def to_card(fields: CardFields, *, card_id: int = 1) -> Card:
    return Card(
        card_id=card_id,
        state=State(fields.state),
        step=fields.step,
        stability=fields.stability,
        difficulty=fields.difficulty,
        due=_utc(fields.due) if fields.due else None,
        last_review=_utc(fields.last_review) if fields.last_review else None,
    )


def review(scheduler: Scheduler, fields: CardFields, *, rating: Rating, at: datetime) -> CardFields:
    """The card after one review at `at`, as the library computes it."""
    card, _log = scheduler.review_card(to_card(fields), rating, review_datetime=_utc(at))
    return CardFields(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def retrievability(scheduler: Scheduler, *, stability: float | None, last_review: datetime | None, at: datetime):
    """The predicted chance (0–1) of recalling the card at `at`; 0 for a card never reviewed."""
    if stability is None or last_review is None:
        return 0.0
    card = Card(card_id=1, state=State.Review, stability=stability, due=at, last_review=_utc(last_review))
    return scheduler.get_card_retrievability(card, current_datetime=_utc(at))
