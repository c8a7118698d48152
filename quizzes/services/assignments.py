"""难点培训: a rule-based paper made from a report's weak areas and questions, assigned to a team.

The paper is an ordinary Quiz (PaperKind.RULES): one rule per weak area draws fresh questions for
each clerk, and the weak questions picked by name come first (paper_for). Its deadline is the
assignment's due date, so the exam machinery closes it on time like any other.
"""

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from training.models import BusinessArea

from ..models import PaperAssignment, PaperKind, PaperRule, Question, Quiz, QuizQuestion

QUESTIONS_PER_AREA = 5
MAX_QUESTIONS = 50


class AssignmentError(ValueError):
    """The selection cannot become a paper; the message says why in the UI's words."""


@transaction.atomic
def assign_weak_point_paper(
    *,
    team,
    area_ids: Sequence[int],
    question_ids: Sequence[int],
    due_at: datetime,
    assigned_by,
    at: datetime,
    title: str = "",
    per_area: int = QUESTIONS_PER_AREA,
) -> PaperAssignment:
    if due_at <= at:
        raise AssignmentError(_("完成期限必须晚于现在。"))
    areas = list(BusinessArea.objects.filter(pk__in=list(area_ids)).order_by("sort_order", "name"))
    questions = list(Question.objects.filter(pk__in=list(question_ids), is_active=True).order_by("pk"))
    if not areas and not questions:
        raise AssignmentError(_("请至少选择一个业务条线或一道题目。"))
    if len(questions) + per_area * len(areas) > MAX_QUESTIONS:
        raise AssignmentError(_("一份试卷最多 %(n)s 题：请少选一些。") % {"n": MAX_QUESTIONS})
    names = "、".join(area.name for area in areas) or "、".join(sorted({q.area.name for q in questions}))
    quiz = Quiz.objects.create(
        title=title or _("难点培训：%(areas)s") % {"areas": names},
        description=_("根据能力报表的难点生成，请在期限前完成。"),
        paper_kind=PaperKind.RULES,
        closes_at=due_at,
        max_attempts=0,  # practice until it sits: the report compares mastery before and after
        pass_ratio=0.6,
    )
    for order, area in enumerate(areas):
        PaperRule.objects.create(quiz=quiz, area=area, count=per_area, sort_order=order)
    for order, question in enumerate(questions):
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=order)
    return PaperAssignment.objects.create(quiz=quiz, team=team, due_at=due_at, assigned_by=assigned_by, created_at=at)
