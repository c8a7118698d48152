"""This app's entry in the main navigation (composed by config/navigation.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavEntry


def entries(user) -> list[NavEntry]:
    return [NavEntry("simulations:index", _("模拟接待"), order=40)]
