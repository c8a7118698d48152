"""The players' moves: answer, buzz, wager. Each returns what only that player is told."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from quizzes.grading import grade_snapshot, snapshot_of
from quizzes.models import Question

from .. import scoring
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
from .base import Refused, bump, lock_game, require_running
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
    close: bool = False  # everyone has answered: the consumer closes the question (its own hop)


def _current_for(player_id: int, game_question_id: int, at: datetime) -> tuple[Player, Competition, GameQuestion]:
    player = Player.objects.select_related("competition").get(pk=player_id)
    if player.removed_at:
        raise Refused(_("你已被主持人移出本场比赛。"), "removed")
    competition, current = lock_game(player.competition_id)
    require_running(competition)
    if current is None or current.pk != game_question_id:
        raise Refused(_("这道题不在作答中。"), "not_open")
    return player, competition, current


def _share_lock(game_question_id: int) -> None:
    """PostgreSQL: answers share the question row, a close takes it exclusively. Answers do not
    wait for each other; a close waits for the answers already inside (SQLite serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM competitions_gamequestion WHERE id = %s FOR SHARE", [game_question_id])


def _unlocked(player_id: int, game_question_id: int) -> tuple[Player, GameQuestion]:
    """The player and the question with its round and competition: two reads, no lock on the game."""
    _share_lock(game_question_id)
    player = Player.objects.filter(pk=player_id).only("pk", "competition_id", "removed_at", "streak").first()
    if player is None or player.removed_at:
        raise Refused(_("你已被主持人移出本场比赛。"), "removed")
    current = (
        GameQuestion.objects.select_related("round", "competition")
        .filter(pk=game_question_id, competition_id=player.competition_id)
        .first()
    )
    if current is None or current.competition.current_id != current.pk:
        raise Refused(_("这道题不在作答中。"), "not_open")
    require_running(current.competition)
    return player, current


def _question(current: GameQuestion) -> dict:
    """What grading needs of a question, read once per worker and drill: a drill's questions are
    fixed when it is created (quizzes.grading.snapshot_of, as an exam attempt keeps them)."""
    return _snapshot(current.question_id, current.competition.code, current.competition.created_at)


@lru_cache(maxsize=512)
def _snapshot(question_id: int, _code: str, _created_at) -> dict:
    return snapshot_of(Question.objects.prefetch_related("options").get(pk=question_id))


def _in_time(current: GameQuestion, at: datetime) -> bool:
    """Open and before the deadline, or closed since the answer arrived (its transaction came
    second to the close): an answer is judged by when its frame reached the server."""
    if current.phase == Phase.OPEN:
        return current.deadline is not None and at < current.deadline
    return current.phase == Phase.CLOSED and current.closed_at is not None and at < current.closed_at


@transaction.atomic
def submit_answer(*, player_id: int, game_question_id: int, labels: list[str], text: str, at: datetime) -> Ack:
    """One hop: read, check, grade, insert. 必答 and 风险题 take no lock on the game (the unique
    constraint refuses a second answer); the answer's points are fixed now, from `at`."""
    player, current = _unlocked(player_id, game_question_id)
    kind = current.round.kind
    if kind == RoundKind.BUZZER:
        return _buzzer_answer(player_id, game_question_id, labels, text, at)
    if current.phase not in (Phase.OPEN, Phase.CLOSED):
        raise Refused(_("这道题不在作答中。"), "not_open")
    if not _in_time(current, at):
        raise Refused(_("已超过作答时间。"), "too_late")
    question = _question(current)
    ratio = _graded(question, labels, text)
    wager = None
    if kind == RoundKind.RISK:
        wager = Wager.objects.filter(game_question=current, player=player).values_list("amount", flat=True).first()
    answer = Answer(
        game_question=current,
        player=player,
        labels="".join(sorted(set(labels)))[:10],
        text=text[:200],
        received_at=at,
        ratio=ratio,
    )
    answer.points = scoring.points_for(current, answer, streak=player.streak, wager=wager)
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:
        raise Refused(_("本题你已作答，不能重复提交。"), "duplicate") from None
    everyone = current.phase == Phase.OPEN and _everyone_answered(current)
    return Ack(game_question_id=current.pk, answered=_shown(question, labels, text), close=everyone)


def _graded(question: dict, labels: list[str], text: str) -> float:
    if question["options"]:
        valid = {option["label"] for option in question["options"]}
        if not labels or not set(labels) <= valid:
            raise Refused(_("请选择有效的选项。"), "invalid")
    elif not text.strip():
        raise Refused(_("请填写答案。"), "invalid")
    return grade_snapshot(question, labels=labels, text=text).ratio


def _shown(question: dict, labels: list[str], text: str) -> str:
    return "".join(sorted(set(labels))) if question["options"] else text.strip()[:50]


def _buzzer_answer(player_id: int, game_question_id: int, labels: list[str], text: str, at: datetime) -> Ack:
    """抢答: one person answers, and the answer closes the question: the locked path."""
    player, competition, current = _current_for(player_id, game_question_id, at)
    if current.phase != Phase.ANSWERING or current.buzz_winner_id != player.pk:
        raise Refused(_("只有抢到答题权的选手可以作答。"), "not_open")
    if current.deadline is None or at >= current.deadline:
        raise Refused(_("已超过作答时间。"), "too_late")
    answer = Answer(
        game_question=current,
        player=player,
        labels="".join(sorted(set(labels)))[:10],
        text=text[:200],
        received_at=at,
        ratio=_graded(_question(current), labels, text),
    )
    answer.points = scoring.points_for(current, answer, streak=player.streak)
    try:
        with transaction.atomic():
            answer.save(force_insert=True)
    except IntegrityError:
        raise Refused(_("本题你已作答，不能重复提交。"), "duplicate") from None
    close_current(current, at)
    bump(competition)
    return Ack(game_question_id=current.pk, answered=_shown(_question(current), labels, text), changed=True)


def _everyone_answered(current: GameQuestion) -> bool:
    """Both counts in one statement (the answer just inserted included)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM competitions_answer WHERE game_question_id = %s),"
            " (SELECT COUNT(*) FROM competitions_player WHERE competition_id = %s AND removed_at IS NULL)",
            [current.pk, current.competition_id],
        )
        answered, active = cursor.fetchone()
    return active > 0 and answered >= active


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
    if outcome != "late":
        bump(_competition)
    return Ack(game_question_id=current.pk, buzz=outcome, score=score, changed=outcome != "late")


@transaction.atomic
def place_wager(*, player_id: int, game_question_id: int, amount: int, at: datetime) -> Ack:
    """风险题: one hop, no lock on the game; judged by when the frame arrived."""
    player, current = _unlocked(player_id, game_question_id)
    in_time = (current.phase == Phase.WAGER and current.deadline is not None and at < current.deadline) or (
        current.phase == Phase.OPEN and current.opened_at is not None and at < current.opened_at
    )
    if current.round.kind != RoundKind.RISK or not in_time:
        raise Refused(_("现在不能选择分值。"), "not_open")
    if amount not in WAGERS:
        raise Refused(_("分值只能是 10、20 或 30。"), "invalid")
    try:
        with transaction.atomic():
            Wager.objects.create(game_question=current, player=player, amount=amount, placed_at=at)
    except IntegrityError:
        raise Refused(_("本题你已选过分值。"), "duplicate") from None
    return Ack(game_question_id=current.pk, wager=amount)
