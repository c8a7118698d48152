"""Panels this app adds to the role-aware home page."""

from django.urls import reverse
from django.utils.translation import gettext as _


def panels(user) -> list[dict]:
    return [
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("模拟接待"), "url": reverse("simulations:index"), "text": ""},
        }
    ]
