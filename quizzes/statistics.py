"""Item analysis for the question bank: facility and discrimination, and which questions look broken.

facility index P = mean score ratio on the question (1 = everyone right).
discrimination index D = P(upper 27%) - P(lower 27%), people ranked by their score on the whole
attempt (the classical upper-lower group method; D < 0 means strong people fail it more often).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

GROUP_SHARE = 0.27
MIN_RESPONSES = 5  # below this the indices say nothing; no flag either
TOO_HARD = 0.2


@dataclass(frozen=True)
class ItemStats:
    question_id: int
    responses: int
    facility: float
    discrimination: float | None
    flags: tuple[str, ...]


def item_statistics(rows: Iterable[tuple[int, float, float]]) -> dict[int, ItemStats]:
    """rows: (question_id, the answer's score ratio, the whole attempt's score ratio)."""
    by_question: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for question_id, item_ratio, attempt_ratio in rows:
        by_question[question_id].append((item_ratio, attempt_ratio))
    stats = {}
    for question_id, answers in by_question.items():
        n = len(answers)
        facility = sum(item for item, _total in answers) / n
        discrimination, flags = None, []
        if n >= MIN_RESPONSES:
            ranked = sorted(answers, key=lambda answer: answer[1])
            k = max(1, round(GROUP_SHARE * n))
            lower, upper = ranked[:k], ranked[-k:]
            discrimination = sum(i for i, _t in upper) / k - sum(i for i, _t in lower) / k
            if facility < TOO_HARD:
                flags.append(_("几乎无人答对：请核对答案"))
            if discrimination < 0:
                flags.append(_("高分者反而答错更多：题目或答案可能有误"))
        stats[question_id] = ItemStats(question_id, n, facility, discrimination, tuple(flags))
    return stats
