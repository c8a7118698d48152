"""Writes for the question bank, attempts and the 错题本, one module per job.

Other apps import from here: record_outcome (every activity's graded answers review a memory card),
paper_for (a quiz's questions: its fixed list or a draw by its rules, for exams and live games).
"""

from .attempts import AttemptClosed, answer_now, finalize
from .exams import paper_for
from .lesson_check import check_lesson
from .mistakes import record_outcome

__all__ = [
    "AttemptClosed",
    "answer_now",
    "check_lesson",
    "finalize",
    "paper_for",
    "record_outcome",
]
