"""The question bank and the 错题本. (Quizzes, papers and attempts grow here too.)"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUE_FALSE = "true_false", _("判断题")
    FILL_BLANK = "fill_blank", _("填空题")


class Question(models.Model):
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.PROTECT, related_name="questions", verbose_name=_("业务条线")
    )
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKind.choices)
    difficulty = models.PositiveSmallIntegerField(_("难度"), default=3)
    stem = models.TextField(_("题干"))
    explanation = models.TextField(_("解析"), blank=True)
    source = models.CharField(_("政策依据"), max_length=200, blank=True)
    # Fill-in-the-blank: every accepted answer; compared after normalize_answer().
    accepted_answers = models.JSONField(_("参考答案"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    # Raised on every content edit; answers keep the version they were graded against.
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题库")
        ordering = ["area", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1) & Q(difficulty__lte=5), name="question_difficulty_1_5"
            ),
        ]
        indexes = [models.Index(fields=["area", "kind", "difficulty", "is_active"])]

    def __str__(self) -> str:
        return f"[{self.get_kind_display()}] {self.stem[:40]}"

    @property
    def has_options(self) -> bool:
        return self.kind != QuestionKind.FILL_BLANK


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("题目"))
    label = models.CharField(_("选项"), max_length=1)  # A..F; 判断题 uses A=正确, B=错误
    text = models.CharField(_("内容"), max_length=500)
    is_correct = models.BooleanField(_("正确"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["question", "label"]
        constraints = [models.UniqueConstraint(fields=["question", "label"], name="option_unique_label")]

    def __str__(self) -> str:
        return f"{self.label}. {self.text}"


class MistakeEntry(models.Model):
    """One question in one person's 错题本, from whatever activity got it wrong."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mistakes", verbose_name=_("人员")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mistakes", verbose_name=_("题目"))
    source = models.CharField(_("来源"), max_length=20)  # an ActivityKind value of the last wrong answer
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=1)
    first_wrong_at = models.DateTimeField(_("首次答错"))
    last_wrong_at = models.DateTimeField(_("最近答错"))
    correct_streak = models.PositiveSmallIntegerField(_("连续答对"), default=0)
    last_correct_on = models.DateField(_("最近答对日期"), null=True, blank=True)
    due_on = models.DateField(_("下次复习"), null=True, blank=True)
    mastered_at = models.DateTimeField(_("已掌握"), null=True, blank=True)

    class Meta:
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        ordering = ["-last_wrong_at"]
        constraints = [models.UniqueConstraint(fields=["person", "question"], name="mistake_unique_person_question")]
        indexes = [models.Index(fields=["person", "mastered_at", "due_on"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.question}"


class LessonQuestion(models.Model):
    """The questions of a lesson's end-of-lesson check (1 to 3 per lesson)."""

    lesson = models.ForeignKey(
        "training.Lesson", on_delete=models.CASCADE, related_name="check_questions", verbose_name=_("课时")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("题目"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课后小测题")
        verbose_name_plural = _("课后小测题")
        ordering = ["lesson", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["lesson", "question"], name="lesson_question_unique")]

    def __str__(self) -> str:
        return f"{self.lesson} · {self.question}"
