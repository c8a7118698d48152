from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from lianbing.page_cache import cached_page

from . import health, views

admin.site.site_header = "练兵 · 内容管理"
admin.site.site_title = "练兵"

urlpatterns = [
    path("", cached_page(views.home), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("training/", include("training.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("simulations/", include("simulations.urls")),
    path("competitions/", include("competitions.urls")),
    path("leaderboard/", include("leaderboard.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
