"""Every graded answer, from any activity, reviews the person's memory card for that question.

record_outcome (services.mistakes) calls review_card; nothing else writes cards. The scheduler is
the `fsrs` package's, on its default parameters until fit_memory_parameters stores fitted ones.
"""

from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from fsrs import Rating

from .. import scheduling
from ..models import CardReview, MemoryCard, Question, SchedulerParameters


def current_scheduler():
    """The scheduler on the newest fitted parameters, or on the library's defaults."""
    fitted = SchedulerParameters.objects.order_by("-fitted_at").values_list("parameters", flat=True).first()
    return scheduling.make_scheduler(fitted)


def _locked_card(*, person, question: Question, at: datetime) -> MemoryCard:
    card = MemoryCard.objects.select_for_update().filter(person=person, question=question).first()
    if card is not None:
        return card
    try:
        with transaction.atomic():
            return MemoryCard.objects.create(person=person, question=question, due=at, created_at=at)
    except IntegrityError:  # the same person's card was made at the same moment by another answer
        return MemoryCard.objects.select_for_update().get(person=person, question=question)


@transaction.atomic
def review_card(
    *, person, question: Question, ratio: float, source: str, at: datetime, seconds: float | None = None
) -> MemoryCard:
    """Review (or first make) the person's card for the question with the rating this answer earns."""
    rating = scheduling.rating_for(ratio=ratio, seconds=seconds)
    card = _locked_card(person=person, question=question, at=at)
    fields = scheduling.CardFields(
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    after = scheduling.review(current_scheduler(), fields, rating=rating, at=at)
    card.state, card.step = after.state, after.step
    card.stability, card.difficulty = after.stability, after.difficulty
    card.due, card.last_review = after.due, after.last_review
    card.reviews += 1
    if rating == Rating.Again:
        card.wrong_count += 1
        card.first_wrong_at = card.first_wrong_at or at
        card.last_wrong_at = at
        card.source = source
    card.save()
    duration = round(seconds * 1000) if seconds is not None and 0 <= seconds <= 86_400 else None
    CardReview.objects.create(
        card=card, person=person, rating=int(rating), reviewed_at=at, duration_ms=duration, source=source
    )
    return card


# FSRS's authors suggest about a thousand reviews before fitted weights beat the defaults.
MIN_REVIEWS_TO_FIT = 1000


class CannotFit(Exception):
    """Fitting is not possible now; the message says why and what to do."""


def optimizer_class():
    """The library's Optimizer, or CannotFit when the optional extra (PyTorch) is not installed."""
    try:
        import torch  # noqa: F401  (the extra the Optimizer needs)
        from fsrs.optimizer import Optimizer
    except ImportError:
        raise CannotFit(
            '未安装 FSRS 优化器（可选组件，需 PyTorch）：请先运行 pip install "fsrs[optimizer]"，页面运行不需要它。'
        ) from None
    return Optimizer


@transaction.atomic
def fit_parameters(*, at: datetime, min_reviews: int = MIN_REVIEWS_TO_FIT) -> SchedulerParameters:
    """Fit the scheduler's weights to every review this installation recorded, and store them.

    Raises CannotFit with a clear reason when there is too little history or no optimizer.
    """
    from fsrs import ReviewLog

    reviews = CardReview.objects.order_by("card_id", "reviewed_at")
    count = reviews.count()
    if count < min_reviews:
        raise CannotFit(f"复习记录不足：目前 {count} 条，至少需要 {min_reviews} 条才值得拟合；继续使用默认参数。")
    optimizer = optimizer_class()
    logs = [
        ReviewLog(
            card_id=card_id,
            rating=Rating(rating),
            review_datetime=reviewed_at.astimezone(UTC),
            review_duration=duration_ms,
        )
        for card_id, rating, reviewed_at, duration_ms in reviews.values_list(
            "card_id", "rating", "reviewed_at", "duration_ms"
        ).iterator(chunk_size=5000)
    ]
    parameters = [float(p) for p in optimizer(logs).compute_optimal_parameters()]
    scheduling.make_scheduler(parameters)  # the library validates them before they are stored
    return SchedulerParameters.objects.create(parameters=parameters, review_count=count, fitted_at=at)
