"""Practice rounds and 每日一练: one question at a time, feedback at once, htmx swaps the next one in."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import BusinessArea, Lesson

from ..models import AttemptMode
from ..presenters import public_item, reviewed_item
from ..selectors import attempt_or_404, current_item
from ..services import AttemptClosed, answer_now
from ..services.practice import daily_practice, start_practice

PRACTICE_MODES = (AttemptMode.PRACTICE, AttemptMode.DAILY)


@require_POST
def practice_start(request):
    person, at = request.user, timezone.now()
    if request.POST.get("mistakes"):
        attempt = start_practice(person=person, at=at, from_mistakes=True)
    elif request.POST.get("lesson"):
        lesson = get_object_or_404(Lesson, pk=request.POST["lesson"], is_published=True)
        attempt = start_practice(person=person, at=at, lesson=lesson)
    else:
        area = get_object_or_404(BusinessArea, pk=request.POST.get("area") or 0)
        attempt = start_practice(person=person, at=at, area=area)
    if not attempt.items.exists():
        messages.info(request, _("这里暂时没有可练习的题目。"))
        return redirect("quizzes:index")
    return redirect("quizzes:attempt", attempt.pk)


def daily(request):
    attempt = daily_practice(person=request.user, at=timezone.now())
    return redirect("quizzes:attempt", attempt.pk)


def practice_page(request, attempt, *, feedback=None):
    context = _card_context(attempt, feedback=feedback)
    template = "quizzes/partials/practice_card.html" if request.htmx else "quizzes/practice.html"
    return render(request, template, context)


@require_POST
def practice_answer(request, attempt_id: int, position: int):
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id)
    if attempt.mode not in PRACTICE_MODES:
        return redirect("quizzes:attempt", attempt.pk)
    try:
        item = answer_now(
            attempt=attempt, position=position, values=request.POST.getlist(f"q{position}"), at=timezone.now()
        )
    except AttemptClosed:
        return redirect("quizzes:attempt", attempt.pk)
    attempt.refresh_from_db()
    return practice_page(request, attempt, feedback=item)


def practice_next(request, attempt_id: int):
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id)
    return practice_page(request, attempt)


def _card_context(attempt, *, feedback=None) -> dict:
    items = list(attempt.items.all())
    answered = sum(1 for item in items if item.is_answered)
    context = {"attempt": attempt, "total": len(items), "answered": answered}
    if feedback is not None:
        context["r"] = reviewed_item(feedback)
    else:
        item = current_item(items)
        context["q"] = public_item(item) if item else None
    return context
