"""Panels this app adds to the role-aware home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_run_drills


def panels(user) -> list[dict]:
    if can_run_drills(user):
        text = _("组织一场必答、抢答、风险题的业务技能大练兵，大屏投影，手机答题。")
    else:
        text = _("输入大屏上的加入码参加大练兵。")
    return [
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("大练兵"), "url": reverse("competitions:index"), "text": text},
        }
    ]
