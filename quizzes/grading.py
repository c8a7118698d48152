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
    return _grade(question.kind, correct_labels(question), question.accepted_answers, labels=labels, text=text)


def grade_snapshot(snapshot: dict, *, labels: Iterable[str] = (), text: str = "") -> Grade:
    """Grade against the question as it was asked (an AttemptItem snapshot), not as it is now."""
    right = {option["label"] for option in snapshot.get("options", []) if option["is_correct"]}
    return _grade(snapshot["kind"], right, snapshot.get("accepted_answers", []), labels=labels, text=text)


def snapshot_of(question: Question) -> dict:
    """What an attempt keeps of a question: enough to show and grade it after the bank changes."""
    return {
        "kind": question.kind,
        "stem": question.stem,
        "options": [
            {"label": option.label, "text": option.text, "is_correct": option.is_correct}
            for option in question.options.all()
        ],
        "accepted_answers": list(question.accepted_answers),
        "explanation": question.explanation,
        "source": question.source,
    }


def _grade(kind: str, right: set[str], accepted: Iterable[str], *, labels: Iterable[str], text: str) -> Grade:
    if kind == QuestionKind.FILL_BLANK:
        normalized = {normalize_answer(a) for a in accepted}
        given = normalize_answer(text)
        return Grade(1.0 if given and given in normalized else 0.0)
    chosen = {label.strip().upper() for label in labels if label and label.strip()}
    if chosen == right:
        return Grade(1.0)
    if kind == QuestionKind.MULTIPLE and chosen and chosen < right:
        return Grade(PARTIAL_CREDIT)
    return Grade(0.0)
