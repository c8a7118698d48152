"""The host's moves, the host's sockets, and the server's clock."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from .. import scoring
from ..models import (
    Competition,
    GameQuestion,
    Phase,
    Player,
    RoundKind,
    Status,
)
from .base import OPEN_PHASES, WAGER_SECONDS, Refused, lock_game, require_running


@transaction.atomic
def start(*, competition_id: int, at: datetime) -> None:
    competition, _current = lock_game(competition_id)
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
    competition, current = lock_game(competition_id)
    require_running(competition)
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
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.round.kind != RoundKind.BUZZER or current.phase != Phase.SHOWN:
        raise Refused(_("现在不能开放抢答。"))
    current.phase = Phase.BUZZING
    current.opened_at = at
    current.deadline = at + timedelta(seconds=current.round.seconds)
    current.save()


@transaction.atomic
def close_question(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.phase not in OPEN_PHASES:
        raise Refused(_("当前没有作答中的题目。"))
    close_current(current, at)


def close_current(current: GameQuestion, at: datetime) -> None:
    """Stop taking answers and settle this question's points (applied to scores at reveal)."""
    current.phase = Phase.CLOSED
    current.closed_at = at
    current.deadline = None
    current.save()
    scoring.settle(current)


@transaction.atomic
def reveal(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.phase != Phase.CLOSED:
        raise Refused(_("请先截止作答再揭晓。"))
    current.phase = Phase.REVEALED
    current.save(update_fields=["phase"])
    scoring.recompute_scores(competition)


@transaction.atomic
def next_question(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.phase != Phase.REVEALED:
        raise Refused(_("请先揭晓本题答案。"))
    following = competition.questions.filter(order__gt=current.order).order_by("order").first()
    if following is None:
        raise Refused(_("已是最后一题，请结束比赛。"))
    competition.current = following
    competition.save(update_fields=["current"])


@transaction.atomic
def pause(*, competition_id: int, at: datetime, reason: str = "host") -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
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
    competition, current = lock_game(competition_id)
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
    competition, current = lock_game(competition_id)
    if competition.status == Status.FINISHED:
        return False
    if competition.status == Status.LOBBY:
        raise Refused(_("比赛尚未开始。"))
    if current is not None:
        if current.phase in OPEN_PHASES:
            close_current(current, at)
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
    competition, current = lock_game(competition_id)
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
    competition, current = lock_game(competition_id)
    if competition.status != Status.RUNNING or current is None:
        return False
    if current.deadline is None or current.deadline > at:
        return False
    if current.phase == Phase.WAGER:
        _open_for_answers(current, at)  # players get the whole answering time
        current.save()
    elif current.phase in OPEN_PHASES:
        close_current(current, current.deadline)
    else:
        return False
    return True
