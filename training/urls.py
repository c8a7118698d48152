from django.urls import path

from lianbing.page_cache import cached_page

from . import views
from .models import LessonProgress

app_name = "training"

urlpatterns = [
    path("", cached_page(views.index, personal=(LessonProgress,)), name="index"),
    path(
        "lessons/<int:pk>/",
        cached_page(views.lesson, own_writes=(LessonProgress,), personal=(LessonProgress,)),
        name="lesson",
    ),
    path("lessons/<int:pk>/position/", views.lesson_position, name="lesson_position"),
    path("lessons/<int:pk>/complete/", views.lesson_complete, name="lesson_complete"),
    path("teams/", views.team_progress, name="team_progress"),
    path("people/<int:pk>/", views.person_progress, name="person_progress"),
    path("preview/", views.preview, name="preview"),
]
