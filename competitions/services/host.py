"""The host's moves, the host's sockets, and the server's clock."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .. import scoring
from ..models import (
    Competition,
    GameQuestion,
    HostPresence,
    Phase,
    Player,
    RoundKind,
    Status,
)
from .base import OPEN_PHASES, WAGER_SECONDS, Refused, bump, lock_game, require_running

HOST_HEARTBEAT_SECONDS = 5  # a worker renews its host sockets' presence this often ...
HOST_EXPIRY_SECONDS = 15  # ... and a presence older than this is a host who is gone


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
    bump(competition)


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
    bump(competition)


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
    bump(competition)


@transaction.atomic
def close_question(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.phase not in OPEN_PHASES:
        raise Refused(_("当前没有作答中的题目。"))
    close_current(current, at)
    bump(competition)


def close_current(current: GameQuestion, at: datetime) -> None:
    """Stop taking answers. Each answer got its points when it came in; an answer that arrived
    before `at` but whose transaction commits after this one still counts (see play.py), so
    silences and streaks are settled at reveal, once nothing more can come in."""
    current.phase = Phase.CLOSED
    current.closed_at = at
    current.deadline = None
    current.save()


def reveal_current(competition: Competition, current: GameQuestion) -> None:
    current.phase = Phase.REVEALED
    current.save(update_fields=["phase"])
    scoring.settle(current)
    scoring.add_question_points(current)


@transaction.atomic
def reveal(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    if current is None or current.phase != Phase.CLOSED:
        raise Refused(_("请先截止作答再揭晓。"))
    reveal_current(competition, current)
    bump(competition)


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
    bump(competition)


@transaction.atomic
def pause(*, competition_id: int, at: datetime, reason: str = "host") -> None:
    competition, current = lock_game(competition_id)
    require_running(competition)
    _pause(competition, current, at, reason)


def _pause(competition: Competition, current: GameQuestion | None, at: datetime, reason: str) -> None:
    competition.status = Status.PAUSED
    competition.pause_reason = reason
    competition.paused_remaining_ms = None
    competition.paused_at = at
    if current is not None and current.deadline is not None:
        remaining = max(timedelta(0), current.deadline - at)
        competition.paused_remaining_ms = int(remaining.total_seconds() * 1000)
        current.deadline = None
        current.save(update_fields=["deadline"])
    competition.save(update_fields=["status", "pause_reason", "paused_remaining_ms", "paused_at"])
    bump(competition)


@transaction.atomic
def resume(*, competition_id: int, at: datetime) -> None:
    competition, current = lock_game(competition_id)
    if competition.status != Status.PAUSED:
        raise Refused(_("比赛没有暂停。"))
    if current is not None and competition.paused_remaining_ms is not None:
        current.deadline = at + timedelta(milliseconds=competition.paused_remaining_ms)
        if current.opened_at is not None and competition.paused_at is not None and current.phase in OPEN_PHASES:
            # The speed clock stopped while paused: move the start on by the pause.
            current.opened_at += max(timedelta(0), at - competition.paused_at)
        current.save(update_fields=["deadline", "opened_at"])
    competition.status = Status.RUNNING
    competition.pause_reason = ""
    competition.paused_remaining_ms = None
    competition.paused_at = None
    competition.save(update_fields=["status", "pause_reason", "paused_remaining_ms", "paused_at"])
    bump(competition)


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
            reveal_current(competition, current)
    competition.status = Status.FINISHED
    competition.finished_at = at
    competition.paused_remaining_ms = None
    competition.save(update_fields=["status", "finished_at", "paused_remaining_ms"])
    scoring.recompute_scores(competition)
    scoring.record_results(competition, at=at)
    bump(competition)
    return True


@transaction.atomic
def remove_player(*, competition_id: int, player_id: int, at: datetime) -> None:
    updated = Player.objects.filter(pk=player_id, competition_id=competition_id, removed_at=None).update(removed_at=at)
    if not updated:
        raise Refused(_("没有这位选手。"))
    Competition.objects.filter(pk=competition_id).update(version=F("version") + 1)


# --- The host's presence: derived from heartbeats, never a counter -----------------------


def host_seen(*, competition_id: int, channel_names: list[str], at: datetime) -> None:
    """The host's sockets open on this worker are alive at `at` (connect and every heartbeat)."""
    renewed = set(HostPresence.objects.filter(channel_name__in=channel_names).values_list("channel_name", flat=True))
    HostPresence.objects.filter(channel_name__in=renewed).update(seen_at=at)
    HostPresence.objects.bulk_create(
        [
            HostPresence(competition_id=competition_id, channel_name=name, seen_at=at)
            for name in channel_names
            if name not in renewed
        ],
        ignore_conflicts=True,
    )


def host_still_here(*, channel_names: list[str], at: datetime) -> None:
    """The heartbeat: renew the rows of the host sockets this worker holds, never create one. The
    worker's list is read before this runs on the presence thread; a socket that closed meanwhile
    has had its row deleted by `host_left`, and creating it again would keep a gone host present
    for the whole expiry (the drill would not pause for a host who left)."""
    HostPresence.objects.filter(channel_name__in=channel_names).update(seen_at=at)


def host_present(*, competition_id: int, at: datetime) -> bool:
    since = at - timedelta(seconds=HOST_EXPIRY_SECONDS)
    return HostPresence.objects.filter(competition_id=competition_id, seen_at__gt=since).exists()


@transaction.atomic
def host_left(*, competition_id: int, channel_name: str, at: datetime) -> bool:
    """A host socket closed; True when a running game paused because no host is left."""
    HostPresence.objects.filter(channel_name=channel_name).delete()
    return _pause_if_host_gone(competition_id, at)


@transaction.atomic
def pause_if_host_gone(*, competition_id: int, at: datetime) -> bool:
    """Any worker's watchdog: a running game whose host's presence expired pauses."""
    return _pause_if_host_gone(competition_id, at)


def _pause_if_host_gone(competition_id: int, at: datetime) -> bool:
    if not Competition.objects.filter(pk=competition_id, status=Status.RUNNING).exists():
        return False
    if host_present(competition_id=competition_id, at=at):
        return False
    competition, current = lock_game(competition_id)
    if competition.status != Status.RUNNING:
        return False
    _pause(competition, current, at, "host_left")
    return True


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
    bump(competition)
    return True
