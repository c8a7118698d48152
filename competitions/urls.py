from django.urls import path

from . import views

app_name = "competitions"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("join/", views.join, name="join"),
    path("questions/", views.pick, name="pick"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<str:code>/host/", views.host, name="host"),
    path("<str:code>/host/players/", views.roster, name="roster"),
    path("<str:code>/screen/", views.screen, name="screen"),
    path("<str:code>/play/", views.play, name="play"),
    path("<str:code>/qr.svg", views.qr_svg, name="qr"),
]
