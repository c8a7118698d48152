"""The end-of-lesson check page."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from training.models import Lesson

from ..presenters import public_question, reviewed_items
from ..selectors import lesson_check_questions
from ..services import check_lesson


def lesson_check(request, lesson_id: int):
    lesson = get_object_or_404(Lesson.objects.select_related("course__area"), pk=lesson_id, is_published=True)
    questions = lesson_check_questions(lesson=lesson)
    context = {"lesson": lesson, "has_questions": bool(questions)}
    if request.method == "POST" and questions:
        answers = {question.pk: request.POST.getlist(f"q{question.pk}") for question in questions}
        attempt = check_lesson(person=request.user, lesson=lesson, answers=answers, at=timezone.now())
        context |= {"attempt": attempt, "items": reviewed_items(attempt)}
        return render(request, "quizzes/lesson_check_result.html", context)
    context["questions"] = [
        public_question(question, field=f"q{question.pk}", number=n) for n, question in enumerate(questions, start=1)
    ]
    return render(request, "quizzes/lesson_check.html", context)
