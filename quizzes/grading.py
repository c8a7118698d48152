"""Grading rules, as plain functions every activity shares (practice, exams, lesson checks, live games).

多选题 partial credit: all correct options and nothing else scores 1; a non-empty subset of the
correct options with no wrong option scores 0.5 (少选得一半); any wrong option scores 0 (错选不得分).
填空题: the answer matches any accepted answer after normalize_answer().
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Question, QuestionKind

PARTIAL_CREDIT = 0.5
_SPACE = re.compile(r"\s+")
_TRAILING_PUNCT = "。．.，,；;！!"


@dataclass(frozen=True)
class Grade:
    ratio: float  # 0..1

    @property
    def correct(self) -> bool:
        return self.ratio == 1


def normalize_answer(text: str) -> str:
    """Full-width to half-width (NFKC), no whitespace at all, case-insensitive, no trailing 。"""
    text = unicodedata.normalize("NFKC", text or "")
    text = _SPACE.sub("", text).casefold()
    return text.rstrip(_TRAILING_PUNCT)


def correct_labels(question: Question) -> set[str]:
    return {option.label for option in question.options.all() if option.is_correct}


def grade(question: Question, *, labels: Iterable[str] = (), text: str = "") -> Grade:
    if question.kind == QuestionKind.FILL_BLANK:
        accepted = {normalize_answer(a) for a in question.accepted_answers}
        given = normalize_answer(text)
        return Grade(1.0 if given and given in accepted else 0.0)
    chosen = {label.strip().upper() for label in labels if label and label.strip()}
    right = correct_labels(question)
    if chosen == right:
        return Grade(1.0)
    if question.kind == QuestionKind.MULTIPLE and chosen and chosen < right:
        return Grade(PARTIAL_CREDIT)
    return Grade(0.0)
