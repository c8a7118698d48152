"""The 比学赶超 card on the home page: my rank this week and who to catch next."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role

from . import selectors


def panels(user) -> list[dict]:
    if user.role not in selectors.RANKED_ROLES or not user.center_id:
        return [
            {
                "template": "components/link_panel.html",
                "order": 50,
                "context": {"title": _("比学赶超"), "url": reverse("leaderboard:index"), "text": _("个人与班组排行")},
            }
        ]
    ranking = selectors.person_ranking(center_id=user.center_id, period="week", now=timezone.now())
    me = next((row for row in ranking if row.person_id == user.pk), None)
    return [
        {
            "template": "leaderboard/partials/home_panel.html",
            "order": 15 if user.role == Role.STAFF else 50,
            "context": {
                "url": reverse("leaderboard:index"),
                "me": me,
                "total": len(ranking),
                "target": selectors.catch_target(ranking, person_id=user.pk),
            },
        }
    ]
