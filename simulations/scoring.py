"""The scoring rules of a mock reception, as pure functions (docs/simulations.md writes them down).

accuracy, manners, completeness: the points earned on the path taken, divided by the points of the
ideal path, clamped to 0..1. speed: per answered step 1 when answered within half its limit, then
falling linearly to 0 at the limit; a timeout scores 0; the mean over the steps. overall (/100):
40 accuracy + 15 speed + 25 manners + 20 completeness, rounded half up. The resident gives 好评 when
the run reached a good ending with overall >= 60, else 差评. With a supervisor rubric of weight w:
final = round((1 - w) * overall + w * 100 * rubric ratio).
"""

import math
from dataclasses import dataclass

WEIGHTS = {"accuracy": 40, "speed": 15, "manners": 25, "completeness": 20}
GOOD_RATING_MIN = 60


@dataclass(frozen=True)
class StepTiming:
    elapsed_seconds: float
    limit_seconds: int
    timed_out: bool


@dataclass(frozen=True)
class Scores:
    accuracy: float
    speed: float
    manners: float
    completeness: float
    overall: int


def round_half_up(value: float) -> int:
    """65.5 -> 66, 65.4 -> 65. Sums of weighted floats land a hair below a true half
    (0.7 × 45 = 31.499999999999996), so the value is first rounded to 9 decimals."""
    return math.floor(round(value, 9) + 0.5)


def combined_exact(*, overall: int, rubric_ratio: float | None, weight: float) -> float:
    """The combined score before rounding (one decimal), as the review explains it."""
    if rubric_ratio is None or weight <= 0:
        return float(overall)
    return round((1 - weight) * overall + weight * 100 * rubric_ratio, 1)


def ratio(earned: int, maximum: int) -> float:
    if maximum <= 0:
        return 1.0
    return min(1.0, max(0.0, earned / maximum))


def step_speed(timing: StepTiming) -> float:
    if timing.timed_out or timing.limit_seconds <= 0:
        return 0.0
    used = timing.elapsed_seconds / timing.limit_seconds
    if used <= 0.5:
        return 1.0
    return min(1.0, max(0.0, 2 * (1 - used)))


def compute_scores(
    *,
    accuracy: int,
    manners: int,
    completeness: int,
    max_accuracy: int,
    max_manners: int,
    max_completeness: int,
    timings: list[StepTiming],
) -> Scores:
    parts = {
        "accuracy": ratio(accuracy, max_accuracy),
        "manners": ratio(manners, max_manners),
        "completeness": ratio(completeness, max_completeness),
        "speed": sum(step_speed(t) for t in timings) / len(timings) if timings else 0.0,
    }
    overall = round_half_up(sum(WEIGHTS[name] * value for name, value in parts.items()))
    return Scores(overall=min(100, overall), **parts)


def is_good_rating(*, overall: int, reached_good_ending: bool) -> bool:
    return reached_good_ending and overall >= GOOD_RATING_MIN


def combine_with_rubric(*, overall: int, rubric_ratio: float | None, weight: float) -> int:
    if rubric_ratio is None or weight <= 0:
        return overall
    return round_half_up((1 - weight) * overall + weight * 100 * rubric_ratio)
