"""Practice rounds and 每日一练: one question at a time, feedback at once, htmx swaps the next one in."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training.models import BusinessArea, Lesson

from ..models import PRACTICE_MODES, AttemptItem
from ..presenters import public_item, reviewed_item
from ..selectors import attempt_or_404, current_item, daily_overview
from ..services import AttemptClosed, answer_now
from ..services.practice import daily_practice, daily_size, start_practice


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
    """GET: today's 每日一练 if it is made, else what it will hold and a start button. POST: make it."""
    if request.method == "POST":
        attempt = daily_practice(person=request.user, at=timezone.now())
        return redirect("quizzes:attempt", attempt.pk)
    overview = daily_overview(person=request.user, at=timezone.now())
    if overview["daily"]:
        return redirect("quizzes:attempt", overview["daily"].pk)
    return render(request, "quizzes/daily_start.html", overview | {"size": daily_size(person=request.user)})


def practice_page(request, attempt, *, feedback=None):
    context = _card_context(attempt, feedback=feedback)
    template = "quizzes/partials/practice_card.html" if request.htmx else "quizzes/practice.html"
    return render(request, template, context)


@require_POST
def practice_answer(request, attempt_id: int, position: int):
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id)
    if attempt.mode not in PRACTICE_MODES:
        return _to_attempt(request, attempt)
    at = timezone.now()
    try:
        item = answer_now(
            attempt=attempt,
            position=position,
            values=request.POST.getlist(f"q{position}"),
            at=at,
            seconds=_seconds_on_screen(request.POST.get("shown", ""), attempt=attempt, position=position, at=at),
        )
    except AttemptItem.DoesNotExist:
        raise Http404 from None
    except AttemptClosed as refusal:
        messages.info(request, str(refusal))
        return _to_attempt(request, attempt)
    attempt.refresh_from_db()
    return practice_page(request, attempt, feedback=item)


def practice_next(request, attempt_id: int):
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id)
    return practice_page(request, attempt)


def _to_attempt(request, attempt):
    """Back to the attempt's own page; from htmx, as a full page load (not a fragment swap)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = attempt.get_absolute_url()
        return response
    return redirect("quizzes:attempt", attempt.pk)


SHOWN_SALT = "quizzes.practice.shown"


def _shown_token(attempt, item) -> str:
    """When the server showed this question, signed: the answer's time rates the memory card."""
    return signing.dumps({"a": attempt.pk, "p": item.position, "t": timezone.now().timestamp()}, salt=SHOWN_SALT)


def _seconds_on_screen(token: str, *, attempt, position: int, at) -> float | None:
    """Seconds between showing the question and this answer; None for a missing or foreign token."""
    try:
        shown = signing.loads(token, salt=SHOWN_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(shown, dict) or shown.get("a") != attempt.pk or shown.get("p") != position:
        return None
    return max(0.0, at.timestamp() - float(shown.get("t", at.timestamp())))


def _card_context(attempt, *, feedback=None) -> dict:
    items = list(attempt.items.all())
    answered = sum(1 for item in items if item.is_answered)
    context = {"attempt": attempt, "total": len(items), "answered": answered}
    if feedback is not None:
        context["r"] = reviewed_item(feedback)
    else:
        item = current_item(items)
        context["q"] = public_item(item) if item else None
        context["shown"] = _shown_token(attempt, item) if item else ""
    return context
