"""The question bank, quizzes, papers and attempts; the 错题本's memory cards are in memory_models."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
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


# The 错题本 and 每日一练 are scheduled from memory cards (FSRS); they live in their own module.
from .memory_models import CardReview, CardState, MemoryCard, SchedulerParameters  # noqa: E402, F401


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


class AttemptMode(models.TextChoices):
    """The activities that draw questions from the bank; values match leaderboard's ActivityKind."""

    LESSON_CHECK = "lesson_check", _("课后小测")
    PRACTICE = "practice", _("练习")
    DAILY = "daily", _("每日一练")
    EXAM = "exam", _("考试")


class AttemptStatus(models.TextChoices):
    OPEN = "open", _("作答中")
    SUBMITTED = "submitted", _("已交卷")
    EXPIRED = "expired", _("超时自动交卷")
    ABANDONED = "abandoned", _("中途结束")  # a practice round or 每日一练 left before its last answer


# Rounds answered one question at a time, with feedback at once (as opposed to exams and lesson checks).
PRACTICE_MODES = (AttemptMode.PRACTICE, AttemptMode.DAILY)


class PaperKind(models.TextChoices):
    FIXED = "fixed", _("固定试卷")
    RULES = "rules", _("规则组卷")


class Quiz(models.Model):
    """An exam: a fixed list of questions or rules that draw a paper per attempt (组卷)."""

    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    paper_kind = models.CharField(_("组卷方式"), max_length=10, choices=PaperKind.choices, default=PaperKind.FIXED)
    time_limit_seconds = models.PositiveIntegerField(
        _("限时（秒）"), null=True, blank=True, help_text=_("留空表示不限时；例如 1800 = 30 分钟。")
    )
    max_attempts = models.PositiveSmallIntegerField(_("可作答次数"), default=1, help_text=_("0 表示不限次数。"))
    opens_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    shuffle_questions = models.BooleanField(_("题目乱序"), default=False)
    shuffle_options = models.BooleanField(_("选项乱序"), default=False)
    pass_ratio = models.FloatField(_("及格线（得分率）"), default=0.6)
    is_published = models.BooleanField(_("已发布"), default=True)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考试")
        verbose_name_plural = _("考试")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_ratio__gte=0) & Q(pass_ratio__lte=1), name="quiz_pass_ratio_0_1"),
        ]

    def __str__(self) -> str:
        return self.title


class QuizQuestion(models.Model):
    """One question of a fixed paper."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="fixed_questions", verbose_name=_("考试"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("题目"))
    points = models.PositiveSmallIntegerField(_("分值"), default=10)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("试卷题目")
        verbose_name_plural = _("试卷题目")
        ordering = ["quiz", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_unique")]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.question}"


class PaperRule(models.Model):
    """组卷规则: draw `count` active questions of an area (optionally one kind and difficulty range)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="rules", verbose_name=_("考试"))
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务条线")
    )
    kind = models.CharField(_("题型"), max_length=20, choices=QuestionKind.choices, blank=True)
    min_difficulty = models.PositiveSmallIntegerField(_("最低难度"), default=1)
    max_difficulty = models.PositiveSmallIntegerField(_("最高难度"), default=5)
    count = models.PositiveSmallIntegerField(_("题数"), default=5)
    points = models.PositiveSmallIntegerField(_("每题分值"), default=10)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组卷规则")
        verbose_name_plural = _("组卷规则")
        ordering = ["quiz", "sort_order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_difficulty__gte=1)
                & Q(max_difficulty__lte=5)
                & Q(min_difficulty__lte=F("max_difficulty")),
                name="paper_rule_difficulty_range",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="paper_rule_count_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area} × {self.count}"


class Attempt(models.Model):
    """One person's go at a set of questions: an exam, a practice round, a 每日一练 or a lesson check.

    The questions are copied into AttemptItem snapshots when the attempt starts, so a later edit of
    the bank never changes what this person was asked or how it was graded.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts", verbose_name=_("人员")
    )
    mode = models.CharField(_("类型"), max_length=20, choices=AttemptMode.choices)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, null=True, blank=True, related_name="attempts", verbose_name=_("考试")
    )
    lesson = models.ForeignKey(
        "training.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("课时")
    )
    area = models.ForeignKey(
        "training.BusinessArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("练习范围"),
    )
    from_mistakes = models.BooleanField(_("错题练习"), default=False)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    number = models.PositiveSmallIntegerField(_("第几次"), default=1)
    day = models.DateField(_("日期"), null=True, blank=True)  # 每日一练: the day it belongs to
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=AttemptStatus.choices, default=AttemptStatus.OPEN)
    score = models.FloatField(_("得分"), default=0)
    max_score = models.FloatField(_("满分"), default=0)
    passed = models.BooleanField(_("及格"), null=True, blank=True)

    class Meta:
        verbose_name = _("作答记录")
        verbose_name_plural = _("作答记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person"], condition=Q(status="open"), name="attempt_one_open_per_quiz"
            ),
            models.UniqueConstraint(
                fields=["quiz", "person", "number"], condition=Q(quiz__isnull=False), name="attempt_unique_number"
            ),
            models.UniqueConstraint(fields=["person", "day"], condition=Q(mode="daily"), name="attempt_one_daily"),
        ]
        indexes = [
            models.Index(fields=["person", "mode", "status"]),
            models.Index(fields=["status", "deadline"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.title or self.get_mode_display()}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.OPEN

    @property
    def ratio(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


class AttemptItem(models.Model):
    """One question as it was asked in an attempt, with the answer given and its grade."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items", verbose_name=_("作答记录"))
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, related_name="attempt_items", verbose_name=_("题目")
    )
    question_version = models.PositiveIntegerField(_("题目版本"))
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.PROTECT, related_name="+", verbose_name=_("业务条线")
    )
    position = models.PositiveSmallIntegerField(_("题号"))
    points = models.FloatField(_("分值"), default=1)
    # What was asked: kind, stem, options in display order with is_correct, accepted answers, explanation.
    snapshot = models.JSONField(_("题目快照"))
    response = models.JSONField(_("作答"), default=dict, blank=True)  # {"labels": [...], "text": "..."}
    answered_at = models.DateTimeField(_("作答时间"), null=True, blank=True)
    ratio = models.FloatField(_("得分率"), null=True, blank=True)  # None until graded

    class Meta:
        verbose_name = _("作答明细")
        verbose_name_plural = _("作答明细")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="attempt_item_unique_position")]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.position}"

    @property
    def earned(self) -> float:
        return (self.ratio or 0) * self.points

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class QuestionImport(models.Model):
    """An uploaded bank file between its dry-run preview and its commit (all-or-nothing)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("上传人")
    )
    filename = models.CharField(_("文件名"), max_length=200)
    rows = models.JSONField(_("解析结果"), default=list)  # validated rows, ready to apply
    created_at = models.DateTimeField(_("上传时间"))
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("题库导入")
        verbose_name_plural = _("题库导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class ReportStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    FIXED = "fixed", _("已修正")
    REJECTED = "rejected", _("无需修改")


class QuestionReport(models.Model):
    """纠错: a learner says a question is wrong; content admins work through the queue."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports", verbose_name=_("题目"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("反馈人")
    )
    question_version = models.PositiveIntegerField(_("题目版本"))
    text = models.TextField(_("问题描述"), max_length=1000)
    created_at = models.DateTimeField(_("反馈时间"))
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("处理说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("纠错反馈")
        verbose_name_plural = _("纠错反馈")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.question} · {self.get_status_display()}"


class PaperAssignment(models.Model):
    """A 难点培训 paper assigned to a team with a due date: its clerks see it on their home page.

    The paper itself is an ordinary rule-based Quiz (rules per weak area, plus the weak questions
    picked by name); the assignment says whose it is and until when.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("试卷"))
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="paper_assignments", verbose_name=_("班组")
    )
    due_at = models.DateTimeField(_("完成期限"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("布置人")
    )
    created_at = models.DateTimeField(_("布置时间"))

    class Meta:
        verbose_name = _("难点培训")
        verbose_name_plural = _("难点培训")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["quiz", "team"], name="paper_assignment_unique")]
        indexes = [models.Index(fields=["team", "due_at"])]

    def __str__(self) -> str:
        return f"{self.quiz} → {self.team}"
