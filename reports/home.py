"""Panels this app adds to the role-aware home page: the report, one's own page, and the
recommendation after a resident's bad rating (the area's lessons and practice)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_view_reports
from training.models import BusinessArea

from .ratings import recommended_area_ids


def panels(user) -> list[dict]:
    result = []
    if can_view_reports(user):
        result.append(
            {
                "template": "components/link_panel.html",
                "order": 10 if user.is_manager else 60,
                "context": {"title": _("能力报表"), "url": reverse("reports:index"), "text": _("谁在哪些业务上薄弱")},
            }
        )
    result.append(
        {
            "template": "components/link_panel.html",
            "order": 80,
            "context": {
                "title": _("我的能力"),
                "url": reverse("reports:person", args=[user.pk]),
                "text": _("各业务条线掌握度、趋势和居民评价"),
            },
        }
    )
    areas = BusinessArea.objects.in_bulk(recommended_area_ids(person=user, today=timezone.localdate()))
    for area in areas.values():
        result.append(
            {
                "template": "components/recommendation_panel.html",
                "order": 6,
                "context": {
                    "title": _("居民差评提醒：%(area)s") % {"area": area.name},
                    "text": _("近期有居民对你办理的%(area)s业务不满意，建议复习课程并做专项练习。")
                    % {"area": area.name},
                    "lessons_url": reverse("training:index") + f"?area={area.code}",
                    "area_id": area.pk,
                },
            }
        )
    return result
