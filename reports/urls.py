from django.urls import path

from lianbing.page_cache import cached_page

from . import views

app_name = "reports"

urlpatterns = [
    path("", cached_page(views.index), name="index"),
    path("export.xlsx", views.export, name="export"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("evidence/<int:person_id>/<int:area_id>/", views.evidence_view, name="evidence"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/export.xlsx", views.person_export, name="person_export"),
    path("weak/", views.weak, name="weak"),
    path("weak/paper/", views.create_paper, name="create_paper"),
    path("assignments/<int:assignment_id>/", views.assignment, name="assignment"),
    path("ratings/import/", views.ratings_import, name="ratings_import"),
    path("ratings/import/<int:import_id>/", views.ratings_preview, name="ratings_preview"),
]
