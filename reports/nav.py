"""This app's entry in the main navigation (composed by config/navigation.py): for those who may
read the competency reports."""

from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavEntry
from accounts.permissions import can_view_reports


def entries(user) -> list[NavEntry]:
    return [NavEntry("reports:index", _("能力报表"), order=70)] if can_view_reports(user) else []
