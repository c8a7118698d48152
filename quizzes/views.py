"""Views for question bank, practice, exams and the 错题本."""

from django.shortcuts import render


def index(request):
    return render(request, "quizzes/index.html")
