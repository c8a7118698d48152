"""The navigation, which changes with the person's role."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can_edit_content, can_run_drills, can_view_reports

# (url name, label, who sees it)
_NAV = [
    ("home", _("首页"), lambda user: True),
    ("training:index", _("业务学习"), lambda user: True),
    ("quizzes:index", _("题库练习"), lambda user: True),
    ("simulations:index", _("模拟接待"), lambda user: True),
    ("competitions:index", _("大练兵"), lambda user: True),
    ("leaderboard:index", _("比学赶超"), lambda user: True),
    ("reports:index", _("能力报表"), can_view_reports),
]


def navigation(request):
    user = getattr(request, "user", None)
    context = {"demo_mode": settings.DEMO_MODE}
    if user is None or not user.is_authenticated:
        return context
    current = request.resolver_match.view_name if request.resolver_match else ""
    items = []
    for name, label, allowed in _NAV:
        if allowed(user):
            url = reverse(name)
            active = current == name or (name != "home" and current.split(":")[0] == name.split(":")[0])
            items.append({"url": url, "label": label, "active": active})
    context["nav_items"] = items
    context["can_admin"] = can_edit_content(user)
    context["can_run_drills"] = can_run_drills(user)
    return context
