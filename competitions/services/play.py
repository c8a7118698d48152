"""The players' moves: answer, buzz, wager. Each returns what only that player is told."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quizzes.grading import grade

from ..models import (
    WAGERS,
    Answer,
    Buzz,
    Competition,
    GameQuestion,
    Phase,
    Player,
    RoundKind,
    Wager,
)
from .base import Refused, lock_game, require_running
from .host import close_current


@dataclass(frozen=True)
class Ack:
    """What the player who moved is told (and only they)."""

    game_question_id: int
    answered: str = ""
    wager: int | None = None
    buzz: str = ""  # "won", "late", "false_start"
    score: int | None = None  # when the move changed the player's score at once
    changed: bool = False  # the move changed the shared state: broadcast


def _current_for(player_id: int, game_question_id: int, at: datetime) -> tuple[Player, Competition, GameQuestion]:
    player = Player.objects.select_related("competition").get(pk=player_id)
    if player.removed_at:
        raise Refused(_("你已被主持人移出本场比赛。"), "removed")
    competition, current = lock_game(player.competition_id)
    require_running(competition)
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
        close_current(current, at)
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
    score = None
    if outcome == "false_start":
        # Public at once (the big screen names false starts), so the penalty shows at once too.
        Player.objects.filter(pk=player.pk).update(score=F("score") + points)
        score = player.score + points
    if outcome == "won":
        # The first valid buzz by server receipt: rows are locked, so only one gets here.
        current.buzz_winner = player
        current.phase = Phase.ANSWERING
        current.deadline = at + timedelta(seconds=current.round.seconds)
        current.save()
    return Ack(game_question_id=current.pk, buzz=outcome, score=score, changed=outcome != "late")


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
