"""The live game's state machine: every move is a transaction on rows locked for update.

Time is passed in (`at`), and it is always the server's time of receipt. A move that is not
allowed raises Refused with a message for the person who tried it; nothing is written then.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from quizzes.grading import grade
from quizzes.models import Question

from . import scoring
from .models import (
    WAGERS,
    Answer,
    Buzz,
    Competition,
    GameQuestion,
    GameTeam,
    Mode,
    Phase,
    Player,
    Round,
    RoundKind,
    Status,
    TeamScoring,
    TeamSource,
    Wager,
)

WAGER_SECONDS = 15
OPEN_PHASES = (Phase.OPEN, Phase.BUZZING, Phase.ANSWERING)


class Refused(Exception):
    """A move the rules do not allow; the message is shown to whoever tried it."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


# --- Setting up ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSpec:
    kind: str
    question_ids: list[int]
    seconds: int = 20
    points: int = 10
    penalty: int = 10
    speed_bonus: bool = True
    streak_bonus: bool = False


@dataclass(frozen=True)
class Settings:
    title: str
    mode: str = Mode.INDIVIDUAL
    team_source: str = TeamSource.ACCOUNTS
    team_scoring: str = TeamScoring.SUM
    team_names: list[str] = field(default_factory=list)
    allow_late_join: bool = True
    podium_depth: int = 3


def _new_code() -> str:
    for _attempt in range(50):
        code = f"{secrets.randbelow(900_000) + 100_000}"
        if not Competition.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free join code")


@transaction.atomic
def create_competition(*, host, settings: Settings, rounds: list[RoundSpec], at: datetime) -> Competition:
    if not rounds or not any(spec.question_ids for spec in rounds):
        raise Refused(_("至少需要一道题。"))
    competition = Competition.objects.create(
        title=settings.title,
        code=_new_code(),
        host=host,
        center_id=host.center_id,
        mode=settings.mode,
        team_source=settings.team_source,
        team_scoring=settings.team_scoring,
        allow_late_join=settings.allow_late_join,
        podium_depth=settings.podium_depth,
        created_at=at,
    )
    if settings.mode == Mode.TEAM and settings.team_source == TeamSource.AD_HOC:
        names = list(dict.fromkeys(name.strip() for name in settings.team_names if name.strip()))
        if len(names) < 2:
            raise Refused(_("临时分队至少需要两个队名。"))
        GameTeam.objects.bulk_create(GameTeam(competition=competition, name=name[:50]) for name in names)
    known = set(Question.objects.filter(is_active=True).values_list("pk", flat=True))
    order = 0
    for number, spec in enumerate((s for s in rounds if s.question_ids), start=1):
        round_ = Round.objects.create(
            competition=competition,
            order=number,
            kind=spec.kind,
            seconds=spec.seconds,
            points=spec.points,
            penalty=spec.penalty,
            speed_bonus=spec.speed_bonus,
            streak_bonus=spec.streak_bonus,
        )
        for question_id in spec.question_ids:
            if question_id not in known:
                raise Refused(_("所选题目不存在或已停用。"))
            order += 1
            GameQuestion.objects.create(competition=competition, round=round_, order=order, question_id=question_id)
    return competition


@transaction.atomic
def join(*, code: str, user, at: datetime) -> Player:
    """Join by code; a person who joined before gets their own row (and score) back."""
    competition = Competition.objects.select_for_update().filter(code=code).first()
    if competition is None:
        raise Refused(_("加入码无效，请核对大屏上的 6 位数字。"))
    existing = Player.objects.filter(competition=competition, user=user).first()
    if existing:
        if existing.removed_at:
            raise Refused(_("你已被主持人移出本场比赛。"))
        return existing
    if competition.status == Status.FINISHED:
        raise Refused(_("本场比赛已结束。"))
    if competition.host_id == user.pk:
        raise Refused(_("主持人不能以选手身份加入。"))
    if competition.status != Status.LOBBY and not competition.allow_late_join:
        raise Refused(_("比赛已开始，本场不允许中途加入。"))
    return Player.objects.create(competition=competition, user=user, team=_team_for(competition, user), joined_at=at)


def _team_for(competition: Competition, user) -> GameTeam | None:
    if competition.mode != Mode.TEAM:
        return None
    if competition.team_source == TeamSource.AD_HOC:
        # Deal newcomers into the smallest team, so the teams stay even.
        return competition.teams.annotate(size=Count("players", distinct=True)).order_by("size", "id").first()
    if user.team_id is None:
        team, _created = GameTeam.objects.get_or_create(competition=competition, name=_("未分组"))
        return team
    team, _created = GameTeam.objects.get_or_create(
        competition=competition, source_team_id=user.team_id, defaults={"name": user.team.name[:50]}
    )
    return team


# --- The host's moves -------------------------------------------------------------------


def _lock(competition_id: int) -> tuple[Competition, GameQuestion | None]:
    competition = Competition.objects.select_for_update().get(pk=competition_id)
    current = None
    if competition.current_id:
        current = GameQuestion.objects.select_for_update().select_related("round").get(pk=competition.current_id)
    return competition, current


def _require_running(competition: Competition) -> None:
    if competition.status == Status.PAUSED:
        raise Refused(_("比赛已暂停。"), "paused")
    if competition.status != Status.RUNNING:
        raise Refused(_("比赛未在进行中。"), "not_running")


@transaction.atomic
def start(*, competition_id: int, at: datetime) -> None:
    competition, _current = _lock(competition_id)
    if competition.status != Status.LOBBY:
        raise Refused(_("比赛已经开始。"))
    first = competition.questions.order_by("order").first()
    if first is None:
        raise Refused(_("本场没有题目。"))
    competition.status = Status.RUNNING
    competition.started_at = at
    competition.current = first
    competition.save(update_fields=["status", "started_at", "current"])


@transaction.atomic
def open_question(*, competition_id: int, at: datetime) -> None:
    """Show the current question: answering starts (必答), reading starts (抢答), wagers start (风险题)."""
    competition, current = _lock(competition_id)
    _require_running(competition)
    if current is None:
        raise Refused(_("没有可出的题。"))
    kind = current.round.kind
    if current.phase == Phase.PENDING and kind == RoundKind.RISK:
        current.phase, current.deadline = Phase.WAGER, at + timedelta(seconds=WAGER_SECONDS)
    elif current.phase == Phase.PENDING and kind == RoundKind.BUZZER:
        current.phase, current.deadline = Phase.SHOWN, None
    elif current.phase == Phase.PENDING or (current.phase == Phase.WAGER and kind == RoundKind.RISK):
        _open_for_answers(current, at)
    else:
        raise Refused(_("当前题目不能再出题。"))
    current.save()


def _open_for_answers(current: GameQuestion, at: datetime) -> None:
    current.phase = Phase.OPEN
    current.opened_at = at
    current.deadline = at + timedelta(seconds=current.round.seconds)


@transaction.atomic
def open_buzzing(*, competition_id: int, at: datetime) -> None:
    competition, current = _lock(competition_id)
    _require_running(competition)
    if current is None or current.round.kind != RoundKind.BUZZER or current.phase != Phase.SHOWN:
        raise Refused(_("现在不能开放抢答。"))
    current.phase = Phase.BUZZING
    current.opened_at = at
    current.deadline = at + timedelta(seconds=current.round.seconds)
    current.save()


@transaction.atomic
def close_question(*, competition_id: int, at: datetime) -> None:
    competition, current = _lock(competition_id)
    _require_running(competition)
    if current is None or current.phase not in OPEN_PHASES:
        raise Refused(_("当前没有作答中的题目。"))
    _close(current, at)


def _close(current: GameQuestion, at: datetime) -> None:
    """Stop taking answers and settle this question's points (applied to scores at reveal)."""
    current.phase = Phase.CLOSED
    current.closed_at = at
    current.deadline = None
    current.save()
    scoring.settle(current)


@transaction.atomic
def reveal(*, competition_id: int, at: datetime) -> None:
    competition, current = _lock(competition_id)
    _require_running(competition)
    if current is None or current.phase != Phase.CLOSED:
        raise Refused(_("请先截止作答再揭晓。"))
    current.phase = Phase.REVEALED
    current.save(update_fields=["phase"])
    scoring.recompute_scores(competition)


@transaction.atomic
def next_question(*, competition_id: int, at: datetime) -> None:
    competition, current = _lock(competition_id)
    _require_running(competition)
    if current is None or current.phase != Phase.REVEALED:
        raise Refused(_("请先揭晓本题答案。"))
    following = competition.questions.filter(order__gt=current.order).order_by("order").first()
    if following is None:
        raise Refused(_("已是最后一题，请结束比赛。"))
    competition.current = following
    competition.save(update_fields=["current"])


@transaction.atomic
def pause(*, competition_id: int, at: datetime, reason: str = "host") -> None:
    competition, current = _lock(competition_id)
    _require_running(competition)
    _pause(competition, current, at, reason)


def _pause(competition: Competition, current: GameQuestion | None, at: datetime, reason: str) -> None:
    competition.status = Status.PAUSED
    competition.pause_reason = reason
    competition.paused_remaining_ms = None
    if current is not None and current.deadline is not None:
        remaining = max(timedelta(0), current.deadline - at)
        competition.paused_remaining_ms = int(remaining.total_seconds() * 1000)
        current.deadline = None
        current.save(update_fields=["deadline"])
    competition.save(update_fields=["status", "pause_reason", "paused_remaining_ms"])


@transaction.atomic
def resume(*, competition_id: int, at: datetime) -> None:
    competition, current = _lock(competition_id)
    if competition.status != Status.PAUSED:
        raise Refused(_("比赛没有暂停。"))
    if current is not None and competition.paused_remaining_ms is not None:
        current.deadline = at + timedelta(milliseconds=competition.paused_remaining_ms)
        current.save(update_fields=["deadline"])
    competition.status = Status.RUNNING
    competition.pause_reason = ""
    competition.paused_remaining_ms = None
    competition.save(update_fields=["status", "pause_reason", "paused_remaining_ms"])


@transaction.atomic
def finish(*, competition_id: int, at: datetime) -> bool:
    """End the game: settle what is open, fix the scores, write the ledger and 错题本 once."""
    competition, current = _lock(competition_id)
    if competition.status == Status.FINISHED:
        return False
    if competition.status == Status.LOBBY:
        raise Refused(_("比赛尚未开始。"))
    if current is not None:
        if current.phase in OPEN_PHASES:
            _close(current, at)
        if current.phase == Phase.CLOSED:
            current.phase = Phase.REVEALED
            current.save(update_fields=["phase"])
    competition.status = Status.FINISHED
    competition.finished_at = at
    competition.paused_remaining_ms = None
    competition.save(update_fields=["status", "finished_at", "paused_remaining_ms"])
    scoring.recompute_scores(competition)
    scoring.record_results(competition, at=at)
    return True


@transaction.atomic
def remove_player(*, competition_id: int, player_id: int, at: datetime) -> None:
    updated = Player.objects.filter(pk=player_id, competition_id=competition_id, removed_at=None).update(removed_at=at)
    if not updated:
        raise Refused(_("没有这位选手。"))


# --- The host's sockets: a host who leaves pauses the game ---------------------------------


def host_connected(*, competition_id: int) -> None:
    Competition.objects.filter(pk=competition_id).update(host_sockets=F("host_sockets") + 1)


@transaction.atomic
def host_disconnected(*, competition_id: int, at: datetime) -> bool:
    """Returns True when this was the host's last socket and a running game paused."""
    Competition.objects.filter(pk=competition_id).update(host_sockets=Greatest(F("host_sockets") - 1, Value(0)))
    competition, current = _lock(competition_id)
    if competition.host_sockets == 0 and competition.status == Status.RUNNING:
        _pause(competition, current, at, "host_left")
        return True
    return False


# --- The server's clock -------------------------------------------------------------------


def has_overdue(*, competition_id: int, at: datetime) -> bool:
    """A cheap read before taking locks: is the current question past its deadline?"""
    return Competition.objects.filter(pk=competition_id, status=Status.RUNNING, current__deadline__lte=at).exists()


@transaction.atomic
def advance_overdue(*, competition_id: int, at: datetime) -> bool:
    """Move a question whose deadline passed; True when something changed.

    Idempotent under concurrency: every caller locks the rows first, so of several workers
    whose timers fire together exactly one moves the game and the others find nothing to do.
    """
    competition, current = _lock(competition_id)
    if competition.status != Status.RUNNING or current is None:
        return False
    if current.deadline is None or current.deadline > at:
        return False
    if current.phase == Phase.WAGER:
        _open_for_answers(current, at)  # players get the whole answering time
        current.save()
    elif current.phase in OPEN_PHASES:
        _close(current, current.deadline)
    else:
        return False
    return True


# --- The players' moves -------------------------------------------------------------------


@dataclass(frozen=True)
class Ack:
    """What the player who moved is told (and only they)."""

    game_question_id: int
    answered: str = ""
    wager: int | None = None
    buzz: str = ""  # "won", "late", "false_start"
    changed: bool = False  # the move changed the shared state: broadcast


def _current_for(player_id: int, game_question_id: int, at: datetime) -> tuple[Player, Competition, GameQuestion]:
    player = Player.objects.select_related("competition").get(pk=player_id)
    if player.removed_at:
        raise Refused(_("你已被主持人移出本场比赛。"), "removed")
    competition, current = _lock(player.competition_id)
    _require_running(competition)
    if current is None or current.pk != game_question_id:
        raise Refused(_("这道题不在作答中。"), "not_open")
    return player, competition, current


@transaction.atomic
def submit_answer(*, player_id: int, game_question_id: int, labels: list[str], text: str, at: datetime) -> Ack:
    player, competition, current = _current_for(player_id, game_question_id, at)
    kind = current.round.kind
    if kind == RoundKind.BUZZER:
        if current.phase != Phase.ANSWERING or current.buzz_winner_id != player.pk:
            raise Refused(_("只有抢到答题权的选手可以作答。"), "not_open")
    elif current.phase != Phase.OPEN:
        raise Refused(_("这道题不在作答中。"), "not_open")
    if current.deadline is None or at >= current.deadline:
        raise Refused(_("已超过作答时间。"), "too_late")
    question = current.question
    if question.has_options:
        valid = set(question.options.values_list("label", flat=True))
        if not labels or not set(labels) <= valid:
            raise Refused(_("请选择有效的选项。"), "invalid")
    elif not text.strip():
        raise Refused(_("请填写答案。"), "invalid")
    ratio = grade(question, labels=labels, text=text).ratio
    try:
        with transaction.atomic():
            Answer.objects.create(
                game_question=current,
                player=player,
                labels="".join(sorted(set(labels)))[:10],
                text=text[:200],
                received_at=at,
                ratio=ratio,
            )
    except IntegrityError:
        raise Refused(_("本题你已作答，不能重复提交。"), "duplicate") from None
    changed = False
    if kind == RoundKind.BUZZER or _everyone_answered(competition, current):
        _close(current, at)
        changed = True
    shown = "".join(sorted(set(labels))) if question.has_options else text.strip()[:50]
    return Ack(game_question_id=current.pk, answered=shown, changed=changed)


def _everyone_answered(competition: Competition, current: GameQuestion) -> bool:
    active = competition.players.filter(removed_at=None).count()
    return active > 0 and current.answers.count() >= active


@transaction.atomic
def buzz(*, player_id: int, game_question_id: int, at: datetime) -> Ack:
    player, _competition, current = _current_for(player_id, game_question_id, at)
    if current.round.kind != RoundKind.BUZZER:
        raise Refused(_("本题不是抢答题。"), "not_open")
    if current.phase == Phase.SHOWN:
        # Before the host opened buzzing: a false start, penalised, and this player is out.
        outcome, points = "false_start", -current.round.penalty
    elif current.phase == Phase.BUZZING and current.deadline and at < current.deadline:
        outcome, points = "won", 0
    elif current.phase == Phase.ANSWERING:
        outcome, points = "late", 0
    else:
        raise Refused(_("现在不能抢答。"), "not_open")
    try:
        with transaction.atomic():
            Buzz.objects.create(
                game_question=current,
                player=player,
                received_at=at,
                false_start=outcome == "false_start",
                points=points,
            )
    except IntegrityError:
        raise Refused(_("本题你已抢过。"), "duplicate") from None
    if outcome == "won":
        # The first valid buzz by server receipt: rows are locked, so only one gets here.
        current.buzz_winner = player
        current.phase = Phase.ANSWERING
        current.deadline = at + timedelta(seconds=current.round.seconds)
        current.save()
    return Ack(game_question_id=current.pk, buzz=outcome, changed=outcome != "late")


@transaction.atomic
def place_wager(*, player_id: int, game_question_id: int, amount: int, at: datetime) -> Ack:
    player, _competition, current = _current_for(player_id, game_question_id, at)
    if current.phase != Phase.WAGER or current.deadline is None or at >= current.deadline:
        raise Refused(_("现在不能选择分值。"), "not_open")
    if amount not in WAGERS:
        raise Refused(_("分值只能是 10、20 或 30。"), "invalid")
    try:
        with transaction.atomic():
            Wager.objects.create(game_question=current, player=player, amount=amount, placed_at=at)
    except IntegrityError:
        raise Refused(_("本题你已选过分值。"), "duplicate") from None
    return Ack(game_question_id=current.pk, wager=amount)
