from django.urls import path

from lianbing.page_cache import cached_page

from . import views

app_name = "simulations"

urlpatterns = [
    path("", cached_page(views.index), name="index"),
    path("scenarios/<slug:slug>/", views.scenario_detail, name="scenario"),
    path("scenarios/<slug:slug>/start/", views.start, name="start"),
    path("runs/<int:run_id>/", views.play, name="play"),
    path("runs/<int:run_id>/answer/", views.answer, name="answer"),
    path("runs/<int:run_id>/check/", views.check, name="check"),
    path("runs/<int:run_id>/review/", views.review, name="review"),
    path("runs/<int:run_id>/rubric/", views.rubric, name="rubric"),
    path("mistakes/", views.mistakes, name="mistakes"),
    path("mistakes/<int:pk>/", views.practice, name="practice"),
]
