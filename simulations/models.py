"""Mock reception (业务模拟接待): scenarios as graphs of steps and choices, timed runs, and the
per-person list of scenario points answered wrong.

A scenario is authored in YAML (content/scenarios/) and imported by simulations.importer; a run
keeps snapshots of what the person saw and chose, so its review survives later edits.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    slug = models.SlugField(_("代码"), max_length=80, unique=True)
    title = models.CharField(_("标题"), max_length=100)
    area = models.ForeignKey(
        "training.BusinessArea", on_delete=models.PROTECT, related_name="scenarios", verbose_name=_("业务条线")
    )
    summary = models.CharField(_("简介"), max_length=300, blank=True)
    persona_name = models.CharField(_("居民称呼"), max_length=30)
    persona_age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    persona_situation = models.CharField(_("情况"), max_length=300)
    persona_brings = models.CharField(_("随身带来"), max_length=200, blank=True)
    persona_mood = models.CharField(_("情绪"), max_length=60, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("总时限（秒）"))
    step_time_limit_seconds = models.PositiveIntegerField(_("每步默认时限（秒）"))
    start_key = models.SlugField(_("起始步骤"), max_length=60)
    # 0 means no supervisor rubric; otherwise the rubric's share of the final score.
    rubric_weight = models.FloatField(_("评分表权重"), default=0)
    # The ideal path and its maximum points, computed at import (the scoring denominators).
    ideal_path = models.JSONField(_("理想路径"), default=list, editable=False)
    max_accuracy = models.PositiveIntegerField(_("准确满分"), default=0, editable=False)
    max_manners = models.PositiveIntegerField(_("礼仪满分"), default=0, editable=False)
    max_completeness = models.PositiveIntegerField(_("完整满分"), default=0, editable=False)
    is_demo = models.BooleanField(_("示例内容"), default=False)
    is_published = models.BooleanField(_("已发布"), default=True)
    source_file = models.CharField(_("来源文件"), max_length=200, blank=True, editable=False)
    source_hash = models.CharField(_("内容指纹"), max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("模拟接待场景")
        verbose_name_plural = _("模拟接待场景")
        ordering = ["area", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit_seconds__gt=0), name="scenario_time_limit_positive"),
            models.CheckConstraint(condition=Q(step_time_limit_seconds__gt=0), name="scenario_step_limit_positive"),
            models.CheckConstraint(
                condition=Q(rubric_weight__gte=0) & Q(rubric_weight__lte=1), name="scenario_rubric_weight_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_rubric(self) -> bool:
        return self.rubric_weight > 0


class StepKind(models.TextChoices):
    TALK = "talk", _("对话应答")
    MATERIALS = "materials", _("材料清单")
    FORM = "form", _("一网通办受理")
    ENDING = "ending", _("结局")


class EndingOutcome(models.TextChoices):
    GOOD = "good", _("顺利办结")
    BAD = "bad", _("居民不满离开")


class Step(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="steps", verbose_name=_("场景"))
    key = models.SlugField(_("代码"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=StepKind.choices)
    title = models.CharField(_("小标题"), max_length=60, blank=True)
    says = models.TextField(_("居民说"), blank=True)
    narration = models.CharField(_("情景"), max_length=300, blank=True)
    prompt = models.CharField(_("操作提示"), max_length=200, blank=True)
    time_limit_seconds = models.PositiveIntegerField(_("本步时限（秒）"), null=True, blank=True)
    # materials: {"items": [{"key", "label", "need": required|exempt|unneeded, "why"}]}
    # form: {"fields": [{"key", "label", "options": [...], "answer": "..."}]}. Never rendered whole.
    config = models.JSONField(_("配置"), default=dict, blank=True)
    outcome = models.CharField(_("结局类型"), max_length=10, choices=EndingOutcome.choices, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("步骤")
        verbose_name_plural = _("步骤")
        ordering = ["scenario", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "key"], name="step_unique_key"),
            models.CheckConstraint(
                condition=Q(kind="ending", outcome__in=["good", "bad"]) | (~Q(kind="ending") & Q(outcome="")),
                name="step_outcome_only_on_endings",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.get_kind_display()}"

    @property
    def is_ending(self) -> bool:
        return self.kind == StepKind.ENDING

    def limit_seconds(self) -> int:
        return self.time_limit_seconds or self.scenario.step_time_limit_seconds


class Choice(models.Model):
    """A reply or action the clerk can pick; for materials and form steps, one outcome of the check
    (its key is the outcome: correct / missing / over_asked, or correct / wrong); the timeout is a
    choice of its own."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="choices", verbose_name=_("步骤"))
    key = models.SlugField(_("代码"), max_length=60)
    text = models.CharField(_("回应"), max_length=300)
    is_ideal = models.BooleanField(_("理想选择"), default=False)
    is_timeout = models.BooleanField(_("超时"), default=False)
    accuracy = models.SmallIntegerField(_("准确"), default=0)
    manners = models.SmallIntegerField(_("礼仪"), default=0)
    completeness = models.SmallIntegerField(_("完整"), default=0)
    feedback = models.TextField(_("反馈"), blank=True)
    policy_point = models.CharField(_("政策要点"), max_length=300, blank=True)
    next_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("下一步")
    )
    # Branch on the score so far: when the running total (after this choice) is below branch_below,
    # the run goes to branch_step instead of next_step.
    branch_below = models.SmallIntegerField(_("总分低于"), null=True, blank=True)
    branch_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("则转到")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["step", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["step", "key"], name="choice_unique_key"),
            models.UniqueConstraint(fields=["step"], condition=Q(is_timeout=True), name="choice_one_timeout"),
            models.UniqueConstraint(fields=["step"], condition=Q(is_ideal=True), name="choice_one_ideal"),
            models.CheckConstraint(condition=~(Q(is_ideal=True) & Q(is_timeout=True)), name="choice_timeout_not_ideal"),
        ]

    def __str__(self) -> str:
        return f"{self.step.key} → {self.key}"

    @property
    def total(self) -> int:
        return self.accuracy + self.manners + self.completeness


class RubricCriterion(models.Model):
    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="rubric_criteria", verbose_name=_("场景")
    )
    key = models.SlugField(_("代码"), max_length=60)
    title = models.CharField(_("评分项"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # [{"label": "充分体现", "points": 4, "description": "..."}, ...] from lowest to highest.
    levels = models.JSONField(_("等级"), default=list)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评分项")
        verbose_name_plural = _("班组长评分表")
        ordering = ["scenario", "sort_order"]
        constraints = [models.UniqueConstraint(fields=["scenario", "key"], name="rubric_criterion_unique_key")]

    def __str__(self) -> str:
        return self.title

    @property
    def max_points(self) -> int:
        return max((level["points"] for level in self.levels), default=0)


class RunStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    FINISHED = "finished", _("已办结")
    FAILED = "failed", _("居民离开")
    TIMED_OUT = "timed_out", _("超时结束")


class Rating(models.TextChoices):
    GOOD = "good", _("好评")
    BAD = "bad", _("差评")


class Run(models.Model):
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs", verbose_name=_("场景"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="simulation_runs", verbose_name=_("人员")
    )
    status = models.CharField(_("状态"), max_length=20, choices=RunStatus.choices, default=RunStatus.ACTIVE)
    live = models.BooleanField(_("现场模拟（班组长评分）"), default=False)
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    turn = models.PositiveSmallIntegerField(_("已答步数"), default=0)
    # The ideal path as it was when the run started ([{"title", "kind", "text", "policy_point"}]),
    # so the review's ideal column stays true after the scenario is edited.
    ideal_path = models.JSONField(_("理想路径（开始时）"), default=list, blank=True, editable=False)
    current_step = models.ForeignKey(
        Step, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("当前步骤")
    )
    step_started_at = models.DateTimeField(_("本步开始"), null=True, blank=True)
    step_deadline = models.DateTimeField(_("本步截止"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ending_title = models.CharField(_("结局"), max_length=60, blank=True)
    ending_says = models.TextField(_("居民最后说"), blank=True)
    ending_text = models.TextField(_("结局描述"), blank=True)
    ending_outcome = models.CharField(_("结局类型"), max_length=10, choices=EndingOutcome.choices, blank=True)
    # Running sums of the choices' deltas (what "score so far" branches on).
    accuracy_points = models.IntegerField(_("准确分"), default=0)
    manners_points = models.IntegerField(_("礼仪分"), default=0)
    completeness_points = models.IntegerField(_("完整分"), default=0)
    # The scores, set when the run ends (see docs/simulations.md for the formula).
    score_accuracy = models.FloatField(_("准确"), null=True, blank=True)
    score_speed = models.FloatField(_("速度"), null=True, blank=True)
    score_manners = models.FloatField(_("礼仪"), null=True, blank=True)
    score_completeness = models.FloatField(_("完整"), null=True, blank=True)
    overall = models.PositiveSmallIntegerField(_("自动评分"), null=True, blank=True)
    rating = models.CharField(_("居民评价"), max_length=10, choices=Rating.choices, blank=True)
    rubric_levels = models.JSONField(_("评分表等级"), default=dict, blank=True)
    rubric_score = models.FloatField(_("评分表得分率"), null=True, blank=True)
    rubric_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评分人"),
    )
    rubric_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    final_score = models.PositiveSmallIntegerField(_("最终得分"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("计入成绩"), null=True, blank=True)

    class Meta:
        verbose_name = _("模拟接待记录")
        verbose_name_plural = _("模拟接待记录")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "scenario"], condition=Q(status="active"), name="run_one_active_per_scenario"
            ),
            models.CheckConstraint(condition=Q(deadline__gt=models.F("started_at")), name="run_deadline_after_start"),
            models.CheckConstraint(
                condition=Q(overall__isnull=True) | Q(overall__lte=100), name="run_overall_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "step_deadline"]),
            models.Index(fields=["person", "-started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.scenario}"

    @property
    def is_active(self) -> bool:
        return self.status == RunStatus.ACTIVE

    def get_review_url(self) -> str:
        return reverse("simulations:review", args=[self.pk])

    @property
    def points_so_far(self) -> int:
        return self.accuracy_points + self.manners_points + self.completeness_points

    @property
    def awaits_rubric(self) -> bool:
        return self.live and self.scenario.has_rubric and self.rubric_at is None


class RunAnswer(models.Model):
    """One step of a run as it happened: what was shown, what was chosen, when."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="answers", verbose_name=_("记录"))
    turn = models.PositiveSmallIntegerField(_("第几步"))
    step = models.ForeignKey(Step, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("步骤"))
    choice = models.ForeignKey(Choice, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("选择"))
    step_key = models.CharField(_("步骤代码"), max_length=60)
    step_kind = models.CharField(_("步骤类型"), max_length=20, choices=StepKind.choices)
    step_title = models.CharField(_("小标题"), max_length=60, blank=True)
    says = models.TextField(_("居民说"), blank=True)
    choice_text = models.CharField(_("所选回应"), max_length=300)
    ideal_text = models.CharField(_("理想回应"), max_length=300, blank=True)
    is_ideal = models.BooleanField(_("理想选择"), default=False)
    timed_out = models.BooleanField(_("超时"), default=False)
    accuracy = models.SmallIntegerField(_("准确"), default=0)
    manners = models.SmallIntegerField(_("礼仪"), default=0)
    completeness = models.SmallIntegerField(_("完整"), default=0)
    feedback = models.TextField(_("反馈"), blank=True)
    policy_point = models.CharField(_("政策要点"), max_length=300, blank=True)
    # materials: {"ticked": [...], "missing": [...], "over_asked": [...]}; form: {"values", "wrong"}
    detail = models.JSONField(_("作答细节"), default=dict, blank=True)
    started_at = models.DateTimeField(_("本步开始"))
    answered_at = models.DateTimeField(_("作答时间"))
    limit_seconds = models.PositiveIntegerField(_("本步时限（秒）"))

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        ordering = ["run", "turn"]
        constraints = [
            models.UniqueConstraint(fields=["run", "turn"], name="run_answer_unique_turn"),
            models.CheckConstraint(condition=Q(answered_at__gte=models.F("started_at")), name="run_answer_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.turn} {self.step_key}"

    @property
    def elapsed_seconds(self) -> float:
        return (self.answered_at - self.started_at).total_seconds()


class ScenarioMistake(models.Model):
    """A scenario point (one step) a person got wrong: the 模拟接待错题 list, practised until mastered.

    Kept apart from the question bank's 错题本 so that simulations does not depend on quizzes."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scenario_mistakes", verbose_name=_("人员")
    )
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="mistakes", verbose_name=_("步骤"))
    last_choice_text = models.CharField(_("最近的错误回应"), max_length=300)
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=1)
    practice_count = models.PositiveIntegerField(_("练习次数"), default=0)
    first_wrong_at = models.DateTimeField(_("首次答错"))
    last_wrong_at = models.DateTimeField(_("最近答错"))
    mastered_at = models.DateTimeField(_("已掌握"), null=True, blank=True)

    class Meta:
        verbose_name = _("模拟接待错题")
        verbose_name_plural = _("模拟接待错题")
        ordering = ["-last_wrong_at"]
        constraints = [models.UniqueConstraint(fields=["person", "step"], name="scenario_mistake_unique")]
        indexes = [models.Index(fields=["person", "mastered_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.step}"
