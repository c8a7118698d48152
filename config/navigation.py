"""The main navigation, composed from every app's `nav.entries(user)` (config is the composition
root, as for the home page's panels), once per request and cheaply.

The context processor runs for every RequestContext a request renders; the items are worked out
on the first call and kept on the request. URLs are reversed once per process (and script
prefix): the URLconf does not change while the process runs.
"""

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from accounts.navigation import NavEntry
from accounts.permissions import can_edit_content, can_run_drills
from competitions import nav as competitions_nav
from leaderboard import nav as leaderboard_nav
from quizzes import nav as quizzes_nav
from reports import nav as reports_nav
from simulations import nav as simulations_nav
from training import nav as training_nav

HOME = NavEntry("home", _("首页"), order=10)

NAV_PROVIDERS = (
    training_nav.entries,
    quizzes_nav.entries,
    simulations_nav.entries,
    competitions_nav.entries,
    leaderboard_nav.entries,
    reports_nav.entries,
)

_urls: dict[tuple[str, str], str] = {}


def _url(name: str) -> str:
    key = (get_script_prefix(), name)
    url = _urls.get(key)
    if url is None:
        url = _urls[key] = reverse(name)
    return url


def entries_for(user) -> list[NavEntry]:
    return sorted([HOME, *(e for provider in NAV_PROVIDERS for e in provider(user))], key=lambda e: e.order)


def nav_items(request) -> list[dict]:
    current = request.resolver_match.view_name if request.resolver_match else ""
    namespace = current.split(":")[0] if ":" in current else ""
    return [
        {
            "url": _url(entry.url_name),
            "label": entry.label,
            "active": current == entry.url_name or bool(entry.namespace and entry.namespace == namespace),
        }
        for entry in entries_for(request.user)
    ]


def navigation(request) -> dict:
    cached = getattr(request, "_navigation_context", None)
    if cached is not None:
        return cached
    context = {"demo_mode": settings.DEMO_MODE}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context |= {
            "nav_items": nav_items(request),
            "can_admin": can_edit_content(user),
            "can_run_drills": can_run_drills(user),
        }
    request._navigation_context = context
    return context
