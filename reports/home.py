"""Panels this app adds to the role-aware home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_view_reports


def panels(user) -> list[dict]:
    if not can_view_reports(user):
        return []
    return [
        {
            "template": "components/link_panel.html",
            "order": 10 if user.is_manager else 60,
            "context": {"title": _("能力报表"), "url": reverse("reports:index"), "text": _("谁在哪些业务上薄弱")},
        }
    ]
