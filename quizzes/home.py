"""Panels this app adds to the role-aware home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_edit_content

from .models import Attempt, AttemptMode, AttemptStatus, MistakeEntry


def panels(user) -> list[dict]:
    today = timezone.localdate()
    done = Attempt.objects.filter(
        person=user, mode=AttemptMode.DAILY, day=today, status=AttemptStatus.SUBMITTED
    ).exists()
    due = MistakeEntry.objects.filter(person=user, mastered_at__isnull=True, due_on__lte=today).count()
    daily_text = _("今日已完成，明天继续。") if done else _("5 分钟，错题复习优先。")
    if due:
        daily_text += " " + _("错题本有 %(n)s 道待复习。") % {"n": due}
    result = [
        {
            "template": "components/link_panel.html",
            "order": 15,
            "context": {"title": _("每日一练"), "url": reverse("quizzes:daily"), "text": daily_text},
        },
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("题库练习"), "url": reverse("quizzes:index"), "text": _("专项练习、错题本和考试")},
        },
    ]
    if can_edit_content(user):
        result.append(
            {
                "template": "components/link_panel.html",
                "order": 55,
                "context": {
                    "title": _("题库管理"),
                    "url": reverse("quizzes:import"),
                    "text": _("导入导出、题目统计、纠错队列"),
                },
            }
        )
    return result
