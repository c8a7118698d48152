from django.urls import path

from lianbing.page_cache import cached_page

from .views import exams, hub, lesson_check, manage, memory, mistakes, practice

app_name = "quizzes"

urlpatterns = [
    path("", cached_page(hub.index), name="index"),
    path("lessons/<int:lesson_id>/check/", lesson_check.lesson_check, name="lesson_check"),
    path("practice/", practice.practice_start, name="practice_start"),
    path("daily/", practice.daily, name="daily"),
    path("mistakes/", mistakes.mistakes, name="mistakes"),
    path("retention/", memory.retention, name="retention"),
    path("exams/<int:quiz_id>/", exams.quiz_detail, name="quiz"),
    path("exams/<int:quiz_id>/start/", exams.quiz_start, name="quiz_start"),
    path("attempts/<int:attempt_id>/", hub.attempt, name="attempt"),
    path("attempts/<int:attempt_id>/answer/<int:position>/", exams.attempt_answer, name="attempt_answer"),
    path("attempts/<int:attempt_id>/submit/", exams.attempt_submit, name="attempt_submit"),
    path("attempts/<int:attempt_id>/practice/<int:position>/", practice.practice_answer, name="practice_answer"),
    path("attempts/<int:attempt_id>/next/", practice.practice_next, name="practice_next"),
    path("items/<int:item_id>/report/", mistakes.report_question, name="report_question"),
    path("manage/import/", manage.import_upload, name="import"),
    path("manage/import/<int:import_id>/", manage.import_preview, name="import_preview"),
    path("manage/export.<str:fmt>", manage.export, name="export"),
    path("manage/stats/", manage.stats, name="stats"),
    path("manage/reports/", manage.report_queue, name="report_queue"),
    path("manage/reports/<int:report_id>/close/", manage.report_close, name="report_close"),
]
