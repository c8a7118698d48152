"""The one seam every activity uses for a graded answer: it reviews the person's memory card.

The 错题本 is read from the cards (quizzes.memory_selectors.book_of): a question answered wrong
stays in it while its card is weak, and leaves when FSRS says it is held.
"""

from datetime import datetime

from ..models import MemoryCard, Question
from .memory import review_card


def record_outcome(
    *, person, question: Question, ratio: float, source: str, at: datetime, seconds: float | None = None
) -> MemoryCard:
    """Called once per graded answer (practice, 每日一练, exam, lesson check, live drill).

    ratio is the answer's grade (0–1); seconds the time from seeing the question to answering it,
    when the activity knows it (practice, 每日一练, live drills), else None.
    """
    return review_card(person=person, question=question, ratio=ratio, source=source, at=at, seconds=seconds)
