"""Points for a live game, kept recomputable from the rows.

必答: points × grade, plus up to half the points again for speed (server receipt times), plus
2 per earlier consecutive right answer (at most 6) when the round counts streaks.
抢答: the buzz winner gets + points when right, − penalty when wrong or silent; a false start
costs the penalty at once. 风险题: ± the wager (10 when none was chosen before the deadline).
A player's score is the sum over revealed questions plus false starts (counted at once).
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Sum

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


def settle(game_question: GameQuestion) -> None:
    """Fix the points of every answer of a question that just closed."""
    round_ = game_question.round
    answers = list(game_question.answers.select_related("player"))
    if round_.kind == RoundKind.REQUIRED:
        _settle_required(game_question, answers)
    elif round_.kind == RoundKind.RISK:
        _settle_risk(game_question, answers)
    else:
        _settle_buzzer(game_question, answers)


def _settle_required(game_question: GameQuestion, answers: list[Answer]) -> None:
    round_ = game_question.round
    right_players = set()
    for answer in answers:
        points = round(round_.points * answer.ratio)
        if answer.correct:
            right_players.add(answer.player_id)
            if round_.speed_bonus:
                points += round(round_.points / 2 * speed_fraction(game_question, answer.received_at))
            if round_.streak_bonus:
                points += STREAK_STEP * min(answer.player.streak, STREAK_CAP)
        answer.points = points
    Answer.objects.bulk_update(answers, ["points"])
    players = game_question.competition.players
    players.exclude(pk__in=right_players).update(streak=0)
    for player in players.filter(pk__in=right_players):
        Player.objects.filter(pk=player.pk).update(streak=player.streak + 1)


def _settle_risk(game_question: GameQuestion, answers: list[Answer]) -> None:
    wagers = dict(game_question.wagers.values_list("player_id", "amount"))
    for answer in answers:
        amount = wagers.get(answer.player_id, WAGERS[0])
        answer.points = amount if answer.correct else -amount
    Answer.objects.bulk_update(answers, ["points"])
    # A player who wagered and then let the time run out loses the wager.
    silent = set(wagers) - {answer.player_id for answer in answers}
    Answer.objects.bulk_create(
        Answer(
            game_question=game_question,
            player_id=player_id,
            received_at=game_question.closed_at,
            ratio=0,
            points=-wagers[player_id],
        )
        for player_id in silent
    )


def _settle_buzzer(game_question: GameQuestion, answers: list[Answer]) -> None:
    round_ = game_question.round
    for answer in answers:
        answer.points = round_.points if answer.correct else -round_.penalty
    Answer.objects.bulk_update(answers, ["points"])
    winner = game_question.buzz_winner_id
    if winner and not answers:
        Answer.objects.create(
            game_question=game_question,
            player_id=winner,
            received_at=game_question.closed_at,
            ratio=0,
            points=-round_.penalty,
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
