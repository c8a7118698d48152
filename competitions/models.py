"""Live 大练兵: a competition, its rounds and questions, its players and what they sent.

The whole game state is here, so any worker (or a restarted one) can serve any screen. The
rules that move it live in services.py; one answer, buzz or wager per player and question is a
unique constraint, not a check.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    INDIVIDUAL = "individual", _("个人赛")
    TEAM = "team", _("团体赛")


class TeamScoring(models.TextChoices):
    SUM = "sum", _("总分")
    AVERAGE = "average", _("平均分")


class TeamSource(models.TextChoices):
    ACCOUNTS = "accounts", _("按所在班组")
    AD_HOC = "ad_hoc", _("临时分队")


class Status(models.TextChoices):
    LOBBY = "lobby", _("等待开始")
    RUNNING = "running", _("进行中")
    PAUSED = "paused", _("已暂停")
    FINISHED = "finished", _("已结束")


class RoundKind(models.TextChoices):
    REQUIRED = "required", _("必答题")
    BUZZER = "buzzer", _("抢答题")
    RISK = "risk", _("风险题")


class Phase(models.TextChoices):
    """Where the current question is. Every timed phase has a stored deadline."""

    PENDING = "pending", _("未开始")
    WAGER = "wager", _("选择分值")  # 风险题: wagers before the question is shown
    SHOWN = "shown", _("读题")  # 抢答: question on screen, buzzing not open yet
    OPEN = "open", _("作答中")  # 必答 and 风险题: everyone answers
    BUZZING = "buzzing", _("抢答中")
    ANSWERING = "answering", _("抢答者作答")
    CLOSED = "closed", _("已截止")
    REVEALED = "revealed", _("已揭晓")


WAGERS = (10, 20, 30)


class Competition(models.Model):
    title = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("加入码"), max_length=6, unique=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hosted_competitions", verbose_name=_("主持人")
    )
    center = models.ForeignKey(
        "accounts.Center", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("中心")
    )
    mode = models.CharField(_("赛制"), max_length=20, choices=Mode.choices, default=Mode.INDIVIDUAL)
    team_source = models.CharField(
        _("队伍来源"), max_length=20, choices=TeamSource.choices, default=TeamSource.ACCOUNTS
    )
    team_scoring = models.CharField(_("团队计分"), max_length=20, choices=TeamScoring.choices, default=TeamScoring.SUM)
    allow_late_join = models.BooleanField(_("允许中途加入"), default=True)
    podium_depth = models.PositiveSmallIntegerField(_("领奖台名次"), default=3)
    scoreboard_size = models.PositiveSmallIntegerField(_("大屏排行显示人数"), default=10)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.LOBBY)
    current = models.ForeignKey(
        "GameQuestion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("当前题")
    )
    # While paused the deadline is frozen as the time that was left.
    paused_remaining_ms = models.PositiveIntegerField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)  # the speed clock stops while paused
    pause_reason = models.CharField(max_length=20, blank=True)  # "host_left" or "host"
    # Every move that changes what the screens show bumps the version (in the move's own
    # transaction); a state frame carries it, so a screen that sees a gap asks for a snapshot.
    version = models.PositiveIntegerField(default=0)
    # A drill is for its own center; the host can open it to clerks of other centers.
    open_to_other_centers = models.BooleanField(_("允许其他中心人员加入"), default=False)
    created_at = models.DateTimeField(_("创建时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("大练兵")
        verbose_name_plural = _("大练兵")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(podium_depth__gte=1) & Q(podium_depth__lte=10), name="comp_podium_1_10"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def is_team(self) -> bool:
        return self.mode == Mode.TEAM


class HostPresence(models.Model):
    """One open host-console socket, kept alive by its worker's heartbeat.

    The host is present while some row is fresher than the expiry: a socket whose worker died (or
    lost Redis) stops beating and expires, so a game can always pause; no counter to get stuck.
    """

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="host_presences")
    channel_name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.competition_id} · {self.channel_name}"


class Round(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rounds")
    order = models.PositiveSmallIntegerField(_("轮次"))
    kind = models.CharField(_("题型轮"), max_length=20, choices=RoundKind.choices)
    seconds = models.PositiveSmallIntegerField(_("每题限时（秒）"), default=20)
    points = models.PositiveSmallIntegerField(_("答对得分"), default=10)
    penalty = models.PositiveSmallIntegerField(_("答错/抢跑扣分"), default=10)
    speed_bonus = models.BooleanField(_("速度加分"), default=True)
    streak_bonus = models.BooleanField(_("连对加分"), default=False)

    class Meta:
        verbose_name = _("轮次")
        verbose_name_plural = _("轮次")
        ordering = ["competition", "order"]
        constraints = [models.UniqueConstraint(fields=["competition", "order"], name="round_unique_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.order}"


class GameQuestion(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="questions")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("题序"))  # across the whole competition, from 1
    question = models.ForeignKey("quizzes.Question", on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PENDING)
    deadline = models.DateTimeField(null=True, blank=True)  # of the current timed phase
    opened_at = models.DateTimeField(null=True, blank=True)  # answering (or buzzing) started
    closed_at = models.DateTimeField(null=True, blank=True)
    buzz_winner = models.ForeignKey("Player", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["competition", "order"]
        constraints = [models.UniqueConstraint(fields=["competition", "order"], name="game_question_unique_order")]

    def __str__(self) -> str:
        return f"#{self.order} {self.question}"


class GameTeam(models.Model):
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("队名"), max_length=50)
    source_team = models.ForeignKey("accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["competition", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="game_team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Player(models.Model):
    """A logged-in person in one game: a reconnect from any device is the same row, same score."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="players")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(GameTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="players")
    score = models.IntegerField(_("得分"), default=0)  # recomputable: scoring.recompute_scores
    streak = models.PositiveSmallIntegerField(default=0)
    joined_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    # 0, 1, 2 … in order of joining, never reused: the player's place in the reveal's shared table
    # of results, where each phone finds its own row (docs/competitions.md, "The socket protocol").
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["competition", "-score", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="player_unique_user"),
            models.UniqueConstraint(fields=["competition", "number"], name="player_unique_number"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Answer(models.Model):
    game_question = models.ForeignKey(GameQuestion, on_delete=models.CASCADE, related_name="answers")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="answers")
    labels = models.CharField(max_length=10, blank=True)
    text = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()  # by the server: speed points come from here
    ratio = models.FloatField()
    points = models.IntegerField(default=0)  # settled when the question closes

    class Meta:
        ordering = ["game_question", "received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["game_question", "player"], name="answer_one_per_player")]

    def __str__(self) -> str:
        return f"{self.player} · {self.game_question} · {self.labels or self.text}"

    @property
    def correct(self) -> bool:
        return self.ratio == 1


class Buzz(models.Model):
    """抢答: a player's one buzz on a question; a buzz before buzzing opened is a false start."""

    game_question = models.ForeignKey(GameQuestion, on_delete=models.CASCADE, related_name="buzzes")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="buzzes")
    received_at = models.DateTimeField()
    false_start = models.BooleanField(default=False)
    points = models.IntegerField(default=0)  # the false-start penalty, negative

    class Meta:
        ordering = ["game_question", "received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["game_question", "player"], name="buzz_one_per_player")]

    def __str__(self) -> str:
        return f"{self.player} · {self.game_question}"


class Wager(models.Model):
    game_question = models.ForeignKey(GameQuestion, on_delete=models.CASCADE, related_name="wagers")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="wagers")
    amount = models.PositiveSmallIntegerField()
    placed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["game_question", "player"], name="wager_one_per_player"),
            models.CheckConstraint(condition=Q(amount__in=WAGERS), name="wager_amount_allowed"),
        ]

    def __str__(self) -> str:
        return f"{self.player} · {self.amount}"
