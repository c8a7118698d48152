"""Exam pages: the quiz card, start/resume, autosave, submit."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import Attempt, AttemptItem, AttemptMode, AttemptStatus, Quiz
from ..presenters import public_item
from ..selectors import answered_count, attempt_or_404, attempts_at_quiz
from ..services import AttemptClosed
from ..services.exams import QuizUnavailable, finalize_if_overdue, save_answer, start_exam, submit_exam


def quiz_detail(request, quiz_id: int):
    quiz = get_object_or_404(Quiz, pk=quiz_id, is_published=True)
    for attempt in Attempt.objects.filter(person=request.user, quiz=quiz, status=AttemptStatus.OPEN):
        finalize_if_overdue(attempt=attempt, at=timezone.now())  # time ran out while nobody looked
    attempts = attempts_at_quiz(person=request.user, quiz=quiz)
    return render(request, "quizzes/quiz_detail.html", {"quiz": quiz, "attempts": attempts})


@require_POST
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(Quiz, pk=quiz_id, is_published=True)
    try:
        attempt = start_exam(person=request.user, quiz=quiz, at=timezone.now())
    except QuizUnavailable as refusal:
        messages.error(request, str(refusal))
        return redirect("quizzes:quiz", quiz.pk)
    return redirect("quizzes:attempt", attempt.pk)


def exam_page(request, attempt):
    items = list(attempt.items.all())
    context = {
        "attempt": attempt,
        "questions": [public_item(item) for item in items],
        "answered": answered_count(attempt),
        "server_now": timezone.now(),
    }
    return render(request, "quizzes/exam.html", context)


@require_POST
def attempt_answer(request, attempt_id: int, position: int):
    """htmx autosave of one question; after the deadline the answer is refused and the page reloads."""
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id, mode=AttemptMode.EXAM)
    try:
        save_answer(attempt=attempt, position=position, values=request.POST.getlist(f"q{position}"), at=timezone.now())
    except AttemptItem.DoesNotExist:
        raise Http404 from None
    except AttemptClosed as refusal:
        response = HttpResponse(str(refusal), status=200 if request.htmx else 409)
        if request.htmx:
            response["HX-Redirect"] = attempt.get_absolute_url()
        return response
    context = {"at": timezone.now(), "answered": answered_count(attempt), "total": attempt.items.count()}
    return render(request, "quizzes/partials/saved.html", context)


@require_POST
def attempt_submit(request, attempt_id: int):
    attempt = attempt_or_404(person=request.user, attempt_id=attempt_id, mode=AttemptMode.EXAM)
    answers = {item.position: request.POST.getlist(f"q{item.position}") for item in attempt.items.all()}
    answers = {position: values for position, values in answers.items() if values}
    outcome = submit_exam(attempt=attempt, answers=answers, at=timezone.now())
    time_up = outcome.late or outcome.attempt.status == AttemptStatus.EXPIRED
    if time_up:  # closed at the deadline, by this tap or before it (the countdown, the cron job)
        messages.warning(request, _("时间到，已自动交卷：按截止时间收卷，之后提交的答案未被接受。"))
    elif outcome.already_submitted:
        messages.info(request, _("已提交：这份试卷之前已经交过，成绩以第一次提交为准。"))
    else:
        messages.success(request, _("交卷成功。"))
    return redirect("quizzes:attempt", attempt.pk)
