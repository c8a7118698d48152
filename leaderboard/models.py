"""The results ledger: one row per person, activity and business area.

Every activity (lesson check, practice, exam, mock reception, live drill) reports through
leaderboard.services.record_result; rankings and reports read only these rows.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    LESSON_CHECK = "lesson_check", _("课后小测")
    PRACTICE = "practice", _("练习")
    DAILY = "daily", _("每日一练")
    EXAM = "exam", _("考试")
    SIMULATION = "simulation", _("模拟接待")
    COMPETITION = "competition", _("大练兵")


class LedgerEntry(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ledger_entries", verbose_name=_("人员")
    )
    # Snapshots at the time of the result, so rankings by team and center stay true when people move.
    center = models.ForeignKey(
        "accounts.Center", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("中心")
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("班组")
    )
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.PROTECT, related_name="ledger_entries", verbose_name=_("业务条线")
    )
    activity_kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    activity_id = models.CharField(_("活动编号"), max_length=64)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    score_ratio = models.FloatField(_("得分率"))
    points = models.IntegerField(_("积分"), default=0)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    # 2^(days since MASTERY_EPOCH / half-life): a weighted mean over rows with these weights gives recent
    # results more weight, and the common factor cancels, so it never needs updating (leaderboard.mastery).
    recency_weight = models.FloatField(_("时间权重"), default=1.0, editable=False)

    class Meta:
        verbose_name = _("成绩记录")
        verbose_name_plural = _("成绩记录")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity_kind", "activity_id", "person", "area"], name="ledger_unique_source"
            ),
            models.CheckConstraint(
                condition=Q(score_ratio__gte=0) & Q(score_ratio__lte=1), name="ledger_score_ratio_0_1"
            ),
        ]
        indexes = [
            models.Index(fields=["center", "occurred_at"]),
            models.Index(fields=["person", "area"]),
            models.Index(fields=["person", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.area} · {self.get_activity_kind_display()} {self.score_ratio:.0%}"


class MasteryTally(models.Model):
    """Running sums behind a person's mastery of one area, kept by record_result in the same transaction.

    mastery now = weighted_sum / weight_sum; see leaderboard.mastery for the rule and the windows.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("training.BusinessArea", on_delete=models.CASCADE, related_name="+")
    weighted_sum = models.FloatField(default=0.0)
    weight_sum = models.FloatField(default=0.0)
    results = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("掌握度汇总")
        verbose_name_plural = _("掌握度汇总")
        constraints = [models.UniqueConstraint(fields=["person", "area"], name="mastery_tally_unique")]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.area_id}: {self.results}"
