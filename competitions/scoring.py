"""Points for a live game, kept recomputable from the rows.

必答: points × grade, plus up to half the points again for speed (server receipt times, the
clock stopped while paused), plus 2 per earlier consecutive right answer (at most 6) when the
round counts streaks; a wrong answer costs the round's penalty (答错扣分, 0 for none).
抢答: the buzz winner gets + points when right, − penalty when wrong or silent; a false start
costs the penalty at once. 风险题: ± the wager (10 when none was chosen before the deadline);
no answer counts as wrong, wager or not.
A player's score is the sum over revealed questions plus false starts (counted at once).
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from leaderboard.models import ActivityKind
from leaderboard.services import record_result
from quizzes.services import record_outcome

from .models import WAGERS, Answer, Buzz, Competition, GameQuestion, Phase, Player, RoundKind

STREAK_STEP = 2
STREAK_CAP = 3


def speed_fraction(game_question: GameQuestion, received_at: datetime) -> float:
    """1.0 for an answer the moment the question opened, 0.0 at the end of its time."""
    if game_question.opened_at is None:
        return 0.0
    window = game_question.round.seconds
    used = (received_at - game_question.opened_at).total_seconds()
    return max(0.0, min(1.0, 1 - used / window)) if window else 0.0


def points_for(game_question: GameQuestion, answer: Answer, *, streak: int = 0, wager: int | None = None) -> int:
    """An answer's points, fixed when it comes in (from its receipt time and the round's rules)."""
    round_ = game_question.round
    if round_.kind == RoundKind.RISK:
        amount = wager or WAGERS[0]
        return amount if answer.correct else -amount
    if round_.kind == RoundKind.BUZZER:
        return round_.points if answer.correct else -round_.penalty
    if answer.ratio <= 0:
        return -round_.penalty  # 答错扣分 (0 when the round sets none)
    points = round(round_.points * answer.ratio)
    if answer.correct:
        if round_.speed_bonus:
            points += round(round_.points / 2 * speed_fraction(game_question, answer.received_at))
        if round_.streak_bonus:
            points += STREAK_STEP * min(streak, STREAK_CAP)
    return points


def settle(game_question: GameQuestion) -> None:
    """At reveal, once nothing more can come in: silences that cost points, and streaks."""
    round_ = game_question.round
    if round_.kind == RoundKind.REQUIRED:
        _settle_required(game_question)
    elif round_.kind == RoundKind.RISK:
        _settle_risk(game_question)
    else:
        _settle_buzzer(game_question)


def _settle_required(game_question: GameQuestion) -> None:
    right_players = set(game_question.answers.filter(ratio=1).values_list("player_id", flat=True))
    players = game_question.competition.players
    players.exclude(pk__in=right_players).update(streak=0)
    players.filter(pk__in=right_players).update(streak=F("streak") + 1)


def _settle_risk(game_question: GameQuestion) -> None:
    """Whoever did not answer loses what they wagered, 10 if they chose nothing (as the rules say)."""
    wagers = dict(game_question.wagers.values_list("player_id", "amount"))
    answered = set(game_question.answers.values_list("player_id", flat=True))
    silent = (
        game_question.competition.players.filter(removed_at=None).exclude(pk__in=answered).values_list("pk", flat=True)
    )
    Answer.objects.bulk_create(
        Answer(
            game_question=game_question,
            player_id=player_id,
            received_at=game_question.closed_at,
            ratio=0,
            points=-wagers.get(player_id, WAGERS[0]),
        )
        for player_id in silent
    )


def _settle_buzzer(game_question: GameQuestion) -> None:
    winner = game_question.buzz_winner_id
    if winner and not game_question.answers.filter(player_id=winner).exists():
        Answer.objects.create(
            game_question=game_question,
            player_id=winner,
            received_at=game_question.closed_at,
            ratio=0,
            points=-game_question.round.penalty,
        )


def add_question_points(game_question: GameQuestion) -> None:
    """At reveal: each player's score plus their points on this question, in one statement.
    (False starts were counted when they happened; finish recomputes every score from the rows.)"""
    points = (
        Answer.objects.filter(game_question=game_question, player=OuterRef("pk"))
        .values("player")
        .annotate(total=Sum("points"))
        .values("total")
    )
    Player.objects.filter(competition_id=game_question.competition_id, answers__game_question=game_question).update(
        score=F("score") + Coalesce(Subquery(points), Value(0))
    )


def recompute_scores(competition: Competition) -> None:
    answered = dict(
        Answer.objects.filter(game_question__competition=competition, game_question__phase=Phase.REVEALED)
        .values("player")
        .annotate(total=Sum("points"))
        .values_list("player", "total")
    )
    buzzed = dict(
        Buzz.objects.filter(game_question__competition=competition)
        .values("player")
        .annotate(total=Sum("points"))
        .values_list("player", "total")
    )
    players = list(competition.players.all())
    for player in players:
        player.score = (answered.get(player.pk) or 0) + (buzzed.get(player.pk) or 0)
    Player.objects.bulk_update(players, ["score"])


def _seconds_to_answer(game_question, answer) -> float | None:
    """From opening the question to the answer, by the server's clock: it rates the memory card."""
    if game_question.opened_at is None:
        return None
    return max(0.0, (answer.received_at - game_question.opened_at).total_seconds())


def record_results(competition: Competition, *, at: datetime) -> None:
    """One ledger row per player and business area; every given answer reviews the player's memory card.

    Through quizzes.services.record_outcome, like every other activity: a wrong (or partly right)
    answer lands in the same card (and the 错题本) as a wrong answer in practice would.
    """
    played = list(competition.questions.filter(phase=Phase.REVEALED).select_related("round", "question__area"))
    everyone_answers = [gq for gq in played if gq.round.kind != RoundKind.BUZZER]
    answers_by_player = defaultdict(list)
    for answer in Answer.objects.filter(game_question__in=played).select_related("game_question"):
        answers_by_player[answer.player_id].append(answer)
    buzz_points = defaultdict(int)
    for buzz in Buzz.objects.filter(game_question__in=played).exclude(points=0).select_related("game_question"):
        buzz_points[(buzz.player_id, buzz.game_question.question.area_id)] += buzz.points
    by_id = {gq.pk: gq for gq in played}
    for player in competition.players.filter(removed_at=None).select_related("user"):
        mine = {answer.game_question_id: answer for answer in answers_by_player[player.pk]}
        expected = defaultdict(int)
        ratios = defaultdict(float)
        points = defaultdict(int)
        for gq in everyone_answers:
            expected[gq.question.area_id] += 1
        for gq_id, answer in mine.items():
            area_id = by_id[gq_id].question.area_id
            if by_id[gq_id].round.kind == RoundKind.BUZZER:
                expected[area_id] += 1
            ratios[area_id] += answer.ratio
            points[area_id] += answer.points
            if answer.labels or answer.text:  # a given answer, not a silence settled as wrong
                record_outcome(
                    person=player.user,
                    question=by_id[gq_id].question,
                    ratio=answer.ratio,
                    source=ActivityKind.COMPETITION,
                    at=at,
                    seconds=_seconds_to_answer(by_id[gq_id], answer),
                )
        areas = {gq.question.area_id: gq.question.area for gq in played}
        # An area where the player only false-started still gets its (negative) row.
        touched = set(expected) | {area_id for (pid, area_id) in buzz_points if pid == player.pk}
        for area_id in touched:
            count = expected.get(area_id, 0)
            record_result(
                person=player.user,
                area=areas[area_id],
                kind=ActivityKind.COMPETITION,
                activity_id=competition.pk,
                score_ratio=min(1.0, ratios[area_id] / count) if count else 0.0,
                points=points[area_id] + buzz_points[(player.pk, area_id)],
                at=at,
                title=competition.title,
            )
