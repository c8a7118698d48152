"""Project-level pages: the role-aware home page and the error pages.

config is the composition root: it may know every app, no app knows it.
"""

from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import Role
from competitions import home as competitions_home
from leaderboard import home as leaderboard_home
from quizzes import home as quizzes_home
from reports import home as reports_home
from simulations import home as simulations_home
from training import home as training_home

PANEL_PROVIDERS = (
    training_home.panels,
    quizzes_home.panels,
    simulations_home.panels,
    competitions_home.panels,
    leaderboard_home.panels,
    reports_home.panels,
)

HEADINGS = {
    Role.STAFF: _("今日学习"),
    Role.SUPERVISOR: _("练兵组织"),
    Role.MANAGER: _("能力概览"),
    Role.ADMIN: _("内容管理"),
}


def home(request):
    user = request.user
    panels = sorted((p for provider in PANEL_PROVIDERS for p in provider(user)), key=lambda p: p["order"])
    context = {"heading": HEADINGS.get(user.role, _("首页")), "panels": panels}
    return render(request, "home.html", context)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
