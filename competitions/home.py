"""Panels this app adds to the role-aware home page."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_run_drills

from .models import Competition, Status


def panels(user) -> list[dict]:
    url = reverse("competitions:index")
    # A drill this person hosts or plays that is not over says more than a description.
    live = (
        Competition.objects.exclude(status=Status.FINISHED)
        .filter(Q(host=user) | Q(players__user=user))
        .order_by("-created_at")
        .first()
    )
    if live is not None:
        text = _("“%(title)s”%(status)s，加入码 %(code)s。") % {
            "title": live.title,
            "status": live.get_status_display(),
            "code": live.code,
        }
        url = reverse("competitions:host" if live.host_id == user.pk else "competitions:play", args=[live.code])
    elif can_run_drills(user):
        text = _("组织一场必答、抢答、风险题的业务技能大练兵，大屏投影，手机答题。")
    else:
        text = _("输入大屏上的加入码参加大练兵。")
    return [
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("大练兵"), "url": url, "text": text},
        }
    ]
