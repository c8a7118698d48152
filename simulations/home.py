"""Panels this app adds to the role-aware home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import open_mistakes_count, runs_awaiting_rubric


def panels(user) -> list[dict]:
    text = _("扮演窗口，接待一位模拟居民：限时、计分、可复盘。")
    awaiting = runs_awaiting_rubric(user).count()
    if awaiting:
        text = _("%(n)s 个现场模拟等待你按评分表打分。") % {"n": awaiting}
    elif (count := open_mistakes_count(person=user)) > 0:
        text = _("%(n)s 个模拟接待错题待练。") % {"n": count}
    return [
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("模拟接待"), "url": reverse("simulations:index"), "text": text},
        }
    ]
