"""Panels this app adds to the role-aware home page: 继续学习 for learners, team progress for leaders."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import can_edit_content, can_follow_learning, is_learner

from . import selectors
from .models import Lesson, LessonProgress


def panels(user) -> list[dict]:
    result = []
    if is_learner(user):
        result.append(
            {
                "template": "training/partials/continue_panel.html",
                "order": 10,
                "context": {"card": selectors.continue_learning(person=user)},
            }
        )
    if can_follow_learning(user):
        teams = selectors.team_progress(viewer=user)
        result.append({"template": "training/partials/team_panel.html", "order": 20, "context": {"teams": teams}})
    if can_edit_content(user):
        result.append(
            {
                "template": "components/link_panel.html",
                "order": 20,
                "context": {
                    "title": _("课时管理"),
                    "url": reverse("admin:training_lesson_changelist"),
                    "text": _("编写与预览课时，上传课时包批量导入。"),
                },
            }
        )
    text = _("按业务条线浏览和搜索课时")
    if is_learner(user):
        total = Lesson.objects.filter(is_published=True).count()
        done = LessonProgress.objects.filter(person=user, lesson__is_published=True, completed_at__isnull=False).count()
        text = _("已学完 %(done)s / %(total)s 课时，按业务条线浏览和搜索。") % {"done": done, "total": total}
    result.append(
        {
            "template": "components/link_panel.html",
            "order": 50,
            "context": {
                "title": _("业务学习"),
                "url": reverse("training:index"),
                "text": text,
            },
        }
    )
    return result
