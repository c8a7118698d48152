"""Memory cards: one per clerk and question, scheduled by FSRS (the `fsrs` package).

Imported by quizzes.models, so these are ordinary models of the quizzes app. The fields are the
library's Card (state, step, stability, difficulty, due, last_review) plus the bookkeeping the
错题本 shows (how often and when it was answered wrong); CardReview keeps every review, which is
what the optimizer fits the scheduler's parameters to.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CardState(models.IntegerChoices):
    """The values of fsrs.State."""

    LEARNING = 1, _("新学")
    REVIEW = 2, _("复习")
    RELEARNING = 3, _("重学")


class MemoryCard(models.Model):
    """How well one person holds one question, and when they should see it again."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memory_cards", verbose_name=_("人员")
    )
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="memory_cards", verbose_name=_("题目")
    )
    state = models.PositiveSmallIntegerField(_("状态"), choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(_("学习步"), null=True, blank=True)
    stability = models.FloatField(_("稳定性（天）"), null=True, blank=True)
    difficulty = models.FloatField(_("难度"), null=True, blank=True)
    due = models.DateTimeField(_("下次复习"))
    last_review = models.DateTimeField(_("最近复习"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("复习次数"), default=0)
    # The 错题本's own history: kept from the old MistakeEntry rows and updated on every wrong answer.
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=0)
    first_wrong_at = models.DateTimeField(_("首次答错"), null=True, blank=True)
    last_wrong_at = models.DateTimeField(_("最近答错"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)  # ActivityKind of the last wrong answer
    created_at = models.DateTimeField(_("建卡时间"))

    class Meta:
        verbose_name = _("记忆卡")
        verbose_name_plural = _("记忆卡")
        constraints = [models.UniqueConstraint(fields=["person", "question"], name="memorycard_unique_person_question")]
        indexes = [models.Index(fields=["person", "due"], name="memorycard_person_due")]

    def __str__(self) -> str:
        return f"{self.person} · {self.question}"


class CardReview(models.Model):
    """One graded answer as FSRS saw it: the review history the optimizer learns from."""

    card = models.ForeignKey(MemoryCard, on_delete=models.CASCADE, related_name="review_log", verbose_name=_("记忆卡"))
    # The card's person again, so "this clerk's recent answer times" is one index range, not a join.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("人员")
    )
    rating = models.PositiveSmallIntegerField(_("评分"))  # fsrs.Rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    reviewed_at = models.DateTimeField(_("复习时间"))
    duration_ms = models.PositiveIntegerField(_("用时（毫秒）"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)
    migrated = models.BooleanField(_("由旧错题本迁移"), default=False)

    class Meta:
        verbose_name = _("复习记录")
        verbose_name_plural = _("复习记录")
        ordering = ["card", "reviewed_at"]
        indexes = [
            models.Index(fields=["card", "reviewed_at"], name="cardreview_card_time"),
            models.Index(fields=["person", "reviewed_at"], name="cardreview_person_time"),
        ]

    def __str__(self) -> str:
        return f"{self.card} · {self.rating}"


class SchedulerParameters(models.Model):
    """The FSRS weights fitted to this installation's review history (fit_memory_parameters).

    The newest row is used; with no row the scheduler runs on the library's defaults.
    """

    parameters = models.JSONField(_("参数"))
    review_count = models.PositiveIntegerField(_("所用复习记录数"))
    fitted_at = models.DateTimeField(_("拟合时间"))

    class Meta:
        verbose_name = _("记忆调度参数")
        verbose_name_plural = _("记忆调度参数")
        ordering = ["-fitted_at"]

    def __str__(self) -> str:
        return f"{self.fitted_at:%Y-%m-%d} · {self.review_count}"
