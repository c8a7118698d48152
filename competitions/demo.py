"""Demo data (idempotent), built through the same services a live game uses.

- a finished sample drill, played through the services by nine demo staff three days ago, so the
  results page, its podium, the 难点 list and the ledger rows exist;
- a drill waiting in the lobby for sup1 to run live: round 1 必答 from the demo quiz
  跨省通办快速测 (one question of each kind), then 抢答 and 风险题 drawn from the demo bank.

It needs the demo people (accounts), business areas (training) and the question bank and quizzes
(quizzes), which settings.DEMO_LOADERS loads first; without them it says so and skips.
"""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from quizzes.grading import correct_labels
from quizzes.models import Question, QuestionKind, Quiz
from training.models import BusinessArea

from . import services
from .models import Competition, Mode, RoundKind, Status, TeamScoring, TeamSource

TITLE = "示例内容：第一季度业务技能大练兵"
LIVE_TITLE = "示例内容：跨省通办与社保医保知识大练兵"
LIVE_QUIZ = "跨省通办快速测（示例）"
HOST = "sup1"
PLAYERS = [f"staff{n:02d}" for n in range(1, 10)]


def load(stdout=None) -> None:
    host = User.objects.filter(username=HOST).first()
    questions = list(Question.objects.filter(is_active=True).exclude(kind=QuestionKind.FILL_BLANK).order_by("id"))
    if host is None or len(questions) < 6:
        _say(stdout, "competitions: 需要示例人员和至少 6 道客观题，跳过示例大练兵")
        return
    finished = _sample_drill(host, questions)
    ready = _lobby_drill(host)
    _say(
        stdout,
        f"competitions: {TITLE}（{finished.players.count()} 人，已结束）；"
        f"{LIVE_TITLE}（加入码 {ready.code}，等待 {HOST} 开始）",
    )


def _say(stdout, line: str) -> None:
    if stdout:
        stdout.write(line)


def _lobby_drill(host) -> Competition:
    """A drill in the lobby, ready to start; a new one only when the last was run (or never made)."""
    waiting = Competition.objects.filter(title=LIVE_TITLE, host=host, status=Status.LOBBY).first()
    if waiting:
        return waiting
    areas = {area.code: area.pk for area in BusinessArea.objects.all()}
    quiz = Quiz.objects.filter(title=LIVE_QUIZ).first()
    first = (
        services.RoundSpec(kind=RoundKind.REQUIRED, quiz_id=quiz.pk, seconds=25, streak_bonus=True)
        if quiz
        else services.RoundSpec(kind=RoundKind.REQUIRED, draw=services.Draw(count=4), seconds=25)
    )
    single = QuestionKind.SINGLE
    return services.create_competition(
        host=host,
        settings=services.Settings(title=LIVE_TITLE, mode=Mode.INDIVIDUAL, scoreboard_size=10),
        rounds=[
            first,
            services.RoundSpec(
                kind=RoundKind.BUZZER,
                draw=services.Draw(count=2, area_id=areas.get("social-security"), kind=single),
                seconds=15,
                points=20,
                penalty=10,
                speed_bonus=False,
            ),
            services.RoundSpec(
                kind=RoundKind.RISK,
                draw=services.Draw(count=1, area_id=areas.get("medical-insurance"), kind=single),
                seconds=20,
                speed_bonus=False,
            ),
        ],
        at=timezone.now(),
        rng=random.Random(2027),
    )


def _sample_drill(host, questions: list[Question]) -> Competition:
    existing = Competition.objects.filter(title=TITLE, host=host).first()
    if existing:
        return existing
    players = list(User.objects.filter(username__in=PLAYERS).order_by("username"))
    rng = random.Random(2026)  # the same sample game every time
    picked = rng.sample(questions, 6)
    at = timezone.now() - timedelta(days=3)
    game = services.create_competition(
        host=host,
        settings=services.Settings(
            title=TITLE, mode=Mode.TEAM, team_source=TeamSource.ACCOUNTS, team_scoring=TeamScoring.AVERAGE
        ),
        rounds=[
            services.RoundSpec(kind=RoundKind.REQUIRED, question_ids=[q.pk for q in picked[:3]], seconds=20),
            services.RoundSpec(
                kind=RoundKind.BUZZER,
                question_ids=[q.pk for q in picked[3:5]],
                seconds=15,
                points=20,
                speed_bonus=False,
            ),
            services.RoundSpec(kind=RoundKind.RISK, question_ids=[picked[5].pk], seconds=20, speed_bonus=False),
        ],
        at=at,
        rng=rng,
    )
    seats = [services.join(code=game.code, user=person, at=at) for person in players]
    skill = {seat.pk: 0.45 + 0.5 * rng.random() for seat in seats}
    services.start(competition_id=game.pk, at=at)
    for gq in game.questions.select_related("round", "question").order_by("order"):
        at = _play(game, gq, seats, skill, rng, at)
        if gq.order < game.questions.count():
            services.next_question(competition_id=game.pk, at=at)
    services.finish(competition_id=game.pk, at=at + timedelta(seconds=5))
    return game


def _answer_labels(question: Question, right: bool, rng: random.Random) -> list[str]:
    key = sorted(correct_labels(question))
    if right:
        return key
    wrong = [option.label for option in question.options.all() if option.label not in key]
    return [rng.choice(wrong)] if wrong else key


def _play(game, gq, seats, skill, rng, at):
    kind = gq.round.kind
    services.open_question(competition_id=game.pk, at=at)
    if kind == RoundKind.RISK:
        for seat in seats:
            amount = rng.choice((10, 20, 30))
            services.place_wager(player_id=seat.pk, game_question_id=gq.pk, amount=amount, at=at + timedelta(seconds=3))
        services.open_question(competition_id=game.pk, at=at + timedelta(seconds=10))
        at += timedelta(seconds=10)
    if kind == RoundKind.BUZZER:
        services.open_buzzing(competition_id=game.pk, at=at + timedelta(seconds=8))
        winner = rng.choice(seats)
        services.buzz(player_id=winner.pk, game_question_id=gq.pk, at=at + timedelta(seconds=9))
        labels = _answer_labels(gq.question, rng.random() < skill[winner.pk], rng)
        services.submit_answer(
            player_id=winner.pk, game_question_id=gq.pk, labels=labels, text="", at=at + timedelta(seconds=14)
        )
    else:
        for seat in seats:
            labels = _answer_labels(gq.question, rng.random() < skill[seat.pk], rng)
            after = timedelta(seconds=2 + rng.random() * 15)
            services.submit_answer(player_id=seat.pk, game_question_id=gq.pk, labels=labels, text="", at=at + after)
    at += timedelta(seconds=30)
    gq.refresh_from_db()
    if gq.phase != "closed":
        services.close_question(competition_id=game.pk, at=at)
    services.reveal(competition_id=game.pk, at=at + timedelta(seconds=2))
    return at + timedelta(seconds=5)
