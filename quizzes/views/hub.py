"""The quizzes home and the one address of every attempt."""

from django.shortcuts import render
from django.utils import timezone

from ..models import PRACTICE_MODES, AttemptMode
from ..presenters import reviewed_items
from ..selectors import attempt_or_404, hub_for
from ..services.attempts import close_round, is_stale_round
from ..services.exams import finalize_if_overdue
from ..services.practice import close_abandoned_rounds
from .exams import exam_page
from .practice import practice_page


def index(request):
    # Housekeeping the clock decides, not the request: rounds left on an earlier day are closed
    # (idempotent; the command does the same for everyone).
    close_abandoned_rounds(person=request.user, at=timezone.now())
    return render(request, "quizzes/index.html", hub_for(person=request.user, at=timezone.now()))


def attempt(request, attempt_id: int):
    """A person's own attempt: the exam or practice page while open, its result once closed."""
    found = attempt_or_404(person=request.user, attempt_id=attempt_id)
    if found.mode == AttemptMode.EXAM and found.is_open:
        finalize_if_overdue(attempt=found, at=timezone.now())
        if found.is_open:
            return exam_page(request, found)
    if found.mode in PRACTICE_MODES and found.is_open:
        if not is_stale_round(found, at=timezone.now()):
            return practice_page(request, found)
        close_round(attempt=found)
        found.refresh_from_db()
    items = reviewed_items(found)
    if found.mode in PRACTICE_MODES:  # questions never answered were never shown: they stay unseen
        skipped = sum(1 for r in items if not r.answered)
        items = [r for r in items if r.answered]
    else:
        skipped = 0
    return render(request, "quizzes/attempt_result.html", {"attempt": found, "items": items, "skipped": skipped})
