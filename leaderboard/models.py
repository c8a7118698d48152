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
    MENTOR = "mentor", _("师徒帮扶")


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
            # The board's not-modified check: the newest row of a center, read from the end of this index.
            models.Index(fields=["center", "id"], name="ledger_center_newest"),
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


class DailyPoints(models.Model):
    """Points per person, area, team snapshot and Shanghai day, kept by record_result with the row.

    The week, month and quarter boards sum these instead of the ledger, so a board costs the days of
    its window. No unique constraint on purpose: the team may be NULL (NULLs are distinct), and two
    rows with the same key still sum right, which is all a board needs.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    center = models.ForeignKey("accounts.Center", on_delete=models.SET_NULL, null=True, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+")
    area = models.ForeignKey("training.BusinessArea", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    points = models.IntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("每日积分汇总")
        verbose_name_plural = _("每日积分汇总")
        indexes = [
            models.Index(fields=["center", "day"], name="daily_points_center_day"),
            models.Index(fields=["person", "area", "day"], name="daily_points_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.area_id} · {self.day}: {self.points}"


class PointsTotal(models.Model):
    """All-time points per person, area and team snapshot (the 累计 board), kept like DailyPoints."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    center = models.ForeignKey("accounts.Center", on_delete=models.SET_NULL, null=True, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, related_name="+")
    area = models.ForeignKey("training.BusinessArea", on_delete=models.CASCADE, related_name="+")
    points = models.IntegerField(default=0)
    activities = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("累计积分汇总")
        verbose_name_plural = _("累计积分汇总")
        indexes = [models.Index(fields=["center", "person"], name="points_total_center")]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.area_id}: {self.points}"


class PairStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("结对中")
    DECLINED = "declined", _("已婉拒")
    ENDED = "ended", _("已结束")


class MentorPair(models.Model):
    """师徒结对 in one business area of one center: a suggestion a supervisor confirmed or declined."""

    center = models.ForeignKey("accounts.Center", on_delete=models.CASCADE, related_name="+", verbose_name=_("中心"))
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.CASCADE, related_name="+", verbose_name=_("业务条线")
    )
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring", verbose_name=_("师傅")
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentored", verbose_name=_("徒弟")
    )
    status = models.CharField(_("状态"), max_length=20, choices=PairStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("确认人")
    )
    started_at = models.DateTimeField(_("开始时间"))
    decided_at = models.DateTimeField(_("最近变更"))  # confirmed, declined or ended: the board's version
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    # The mentee's mastery of the area when the pair began (None: no evidence yet).
    start_mastery = models.FloatField(_("结对时掌握度"), null=True, blank=True)

    class Meta:
        verbose_name = _("师徒结对")
        verbose_name_plural = _("师徒结对")
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="pair_not_self"),
            # One live pair per mentee and area; a declined or ended pair may be followed by a new one.
            models.UniqueConstraint(
                fields=["mentee", "area"], condition=Q(status="confirmed"), name="pair_one_mentor_per_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} · {self.area}"


class BadgeKind(models.TextChoices):
    DRILL_PODIUM = "drill_podium", _("首登大练兵领奖台")
    DAILY_STREAK_30 = "daily_streak_30", _("每日一练连续 30 天")
    AREA_LESSONS = "area_lessons", _("学完一个条线的全部课程")
    AREA_MASTERY_90 = "area_mastery_90", _("条线掌握度 90+")
    MENTEE_IMPROVED = "mentee_improved", _("带徒有成")


class Badge(models.Model):
    """荣誉: a milestone reached once (per area where the milestone is an area's)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges", verbose_name=_("人员")
    )
    kind = models.CharField(_("荣誉"), max_length=30, choices=BadgeKind.choices)
    area = models.ForeignKey(
        "training.BusinessArea",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("业务条线"),
    )
    awarded_at = models.DateTimeField(_("获得时间"))

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "area"], name="badge_once_per_area"),
            models.UniqueConstraint(
                fields=["person", "kind"], condition=Q(area__isnull=True), name="badge_once_without_area"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"
