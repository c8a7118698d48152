from django.urls import path

from lianbing.page_cache import cached_page

from . import views

app_name = "leaderboard"

urlpatterns = [
    path("", cached_page(views.index), name="index"),
    path("rules/", views.rules, name="rules"),
    path("screen/", views.screen, name="screen"),
    path("help/", views.help_board, name="help"),
    path("pairs/confirm/", views.pair_confirm, name="pair_confirm"),
    path("pairs/decline/", views.pair_decline, name="pair_decline"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("people/<int:pk>/", views.person, name="person"),
    path("privacy/", views.privacy, name="privacy"),
]
