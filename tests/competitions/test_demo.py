"""The demo: a finished sample drill played through the services, and one waiting for sup1 to run.

Loaded after the quizzes demo (settings.DEMO_LOADERS), and idempotent: a second load adds nothing.
"""

import pytest

from accounts import demo as accounts_demo
from competitions import demo
from competitions.models import Competition, RoundKind, Status
from leaderboard.models import LedgerEntry
from quizzes import demo as quizzes_demo
from quizzes.models import Quiz
from training import demo as training_demo

pytestmark = pytest.mark.django_db


def test_without_a_question_bank_the_demo_skips():
    accounts_demo.load()
    demo.load()
    assert not Competition.objects.exists()


def test_demo_plays_a_finished_drill_and_leaves_one_ready_in_the_lobby_once():
    accounts_demo.load()
    training_demo.load()
    quizzes_demo.load()
    demo.load()
    demo.load()

    finished = Competition.objects.get(title=demo.TITLE)
    assert finished.status == Status.FINISHED and finished.host.username == "sup1"
    assert finished.players.count() == 9
    assert LedgerEntry.objects.filter(activity_kind="competition", activity_id=str(finished.pk)).count() >= 9

    ready = Competition.objects.get(title=demo.LIVE_TITLE)
    assert ready.status == Status.LOBBY and ready.host.username == "sup1" and not ready.players.exists()
    first_round = ready.rounds.get(order=1)
    quiz = Quiz.objects.get(title=demo.LIVE_QUIZ)
    assert first_round.kind == RoundKind.REQUIRED
    assert list(first_round.questions.values_list("question_id", flat=True)) == list(
        quiz.fixed_questions.values_list("question_id", flat=True)
    )
    assert [r.kind for r in ready.rounds.all()] == [RoundKind.REQUIRED, RoundKind.BUZZER, RoundKind.RISK]


def test_once_the_lobby_drill_has_been_run_the_next_load_sets_up_a_fresh_one():
    accounts_demo.load()
    training_demo.load()
    quizzes_demo.load()
    demo.load()
    Competition.objects.filter(title=demo.LIVE_TITLE).update(status=Status.FINISHED)
    demo.load()
    assert Competition.objects.filter(title=demo.LIVE_TITLE, status=Status.LOBBY).count() == 1
    assert Competition.objects.filter(title=demo.TITLE).count() == 1
