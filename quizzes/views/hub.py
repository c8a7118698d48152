"""The quizzes home and the one address of every attempt."""

from django.shortcuts import render
from django.utils import timezone

from ..models import AttemptMode
from ..presenters import reviewed_items
from ..selectors import attempt_or_404, hub_for
from ..services.exams import finalize_if_overdue
from .exams import exam_page
from .practice import PRACTICE_MODES, practice_page


def index(request):
    return render(request, "quizzes/index.html", hub_for(person=request.user, at=timezone.now()))


def attempt(request, attempt_id: int):
    """A person's own attempt: the exam or practice page while open, its result once closed."""
    found = attempt_or_404(person=request.user, attempt_id=attempt_id)
    if found.mode == AttemptMode.EXAM and found.is_open:
        finalize_if_overdue(attempt=found, at=timezone.now())
        if found.is_open:
            return exam_page(request, found)
    if found.mode in PRACTICE_MODES and found.is_open:
        return practice_page(request, found)
    return render(request, "quizzes/attempt_result.html", {"attempt": found, "items": reviewed_items(found)})
