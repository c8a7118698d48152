"""Panels this app adds to the role-aware home page."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can_edit_content, can_view_reports

from .memory_selectors import due_count
from .models import Attempt, AttemptMode, AttemptStatus, QuestionReport, Quiz, ReportStatus
from .selectors import open_assignments


def panels(user) -> list[dict]:
    now = timezone.now()
    today = timezone.localdate(now)
    done = Attempt.objects.filter(
        person=user, mode=AttemptMode.DAILY, day=today, status=AttemptStatus.SUBMITTED
    ).exists()
    due = due_count(person=user, at=now)
    daily_text = _("今日已完成，明天继续。") if done else _("5 分钟，错题复习优先。")
    if due:
        daily_text += _("今天有 %(n)s 道题到期复习。") % {"n": due}
    untaken = (
        Quiz.objects.filter(is_published=True)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .exclude(attempts__person=user)
        .count()
    )
    bank_text = _("%(n)s 场考试待参加；专项练习、错题本。") % {"n": untaken} if untaken else _("专项练习、错题本和考试")
    result = [
        {
            "template": "components/link_panel.html",
            # A content admin comes to manage content first; the practice card follows it.
            "order": 70 if can_edit_content(user) else 15,
            "context": {"title": _("每日一练"), "url": reverse("quizzes:daily"), "text": daily_text},
        },
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {"title": _("题库练习"), "url": reverse("quizzes:index"), "text": bank_text},
        },
    ]
    result += _assignment_panels(user, now)
    if can_view_reports(user):
        result.append(
            {
                "template": "components/link_panel.html",
                "order": 60,
                "context": {
                    "title": _("记忆保持"),
                    "url": reverse("quizzes:retention"),
                    "text": _("每人每个业务条线还记得多少：按复习记录估计，与掌握度并列。"),
                },
            }
        )
    if can_edit_content(user):
        open_reports = QuestionReport.objects.filter(status=ReportStatus.OPEN).count()
        manage_text = _("导入导出、题目统计、纠错队列")
        if open_reports:
            manage_text = _("%(n)s 条纠错待处理；导入导出、题目统计。") % {"n": open_reports}
        result.append(
            {
                "template": "components/link_panel.html",
                "order": 55,
                "context": {
                    "title": _("题库管理"),
                    "url": reverse("quizzes:report_queue" if open_reports else "quizzes:import"),
                    "text": manage_text,
                },
            }
        )
    return result


def _assignment_panels(user, now) -> list[dict]:
    """Each 难点培训 paper of the clerk's team that is still due, first on the home page."""
    panels = []
    for assignment in open_assignments(person=user, now=now):
        done = Attempt.objects.filter(person=user, quiz_id=assignment.quiz_id).exclude(status=AttemptStatus.OPEN)
        due = timezone.localtime(assignment.due_at)
        text = _("班组难点培训，%(due)s 前完成。") % {"due": f"{due:%m-%d %H:%M}"}
        if done.exists():
            text = _("已完成，可再练一次（%(due)s 截止）。") % {"due": f"{due:%m-%d %H:%M}"}
        panels.append(
            {
                "template": "components/link_panel.html",
                "order": 5,
                "context": {
                    "title": assignment.quiz.title,
                    "url": reverse("quizzes:quiz", args=[assignment.quiz_id]),
                    "text": text,
                    "testid": "assignment-panel",
                },
            }
        )
    return panels
