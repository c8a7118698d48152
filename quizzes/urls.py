from django.urls import path

from .views import hub, lesson_check, mistakes

app_name = "quizzes"

urlpatterns = [
    path("", hub.index, name="index"),
    path("lessons/<int:lesson_id>/check/", lesson_check.lesson_check, name="lesson_check"),
    path("mistakes/", mistakes.mistakes, name="mistakes"),
    path("items/<int:item_id>/report/", mistakes.report_question, name="report_question"),
    path("attempts/<int:attempt_id>/", hub.attempt, name="attempt"),
]
