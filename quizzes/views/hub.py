"""The quizzes home and the one address of every attempt."""

from django.http import Http404
from django.shortcuts import render

from ..models import Attempt
from ..presenters import reviewed_items
from ..selectors import attempt_for


def index(request):
    return render(request, "quizzes/index.html")


def attempt(request, attempt_id: int):
    """A person's own attempt: its result once closed. Someone else's id is a 404, whatever the role."""
    try:
        found = attempt_for(person=request.user, attempt_id=attempt_id)
    except Attempt.DoesNotExist:
        raise Http404 from None
    return render(request, "quizzes/attempt_result.html", {"attempt": found, "items": reviewed_items(found)})
