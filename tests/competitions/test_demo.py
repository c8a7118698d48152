"""The sample drill is played through the services, once, and lands in the ledger."""

import pytest

from accounts import demo as accounts_demo
from competitions import demo
from competitions.models import Competition, Status
from leaderboard.models import LedgerEntry
from tests.quizzes.factories import make_question

pytestmark = pytest.mark.django_db


def test_demo_plays_one_finished_sample_drill_and_is_idempotent():
    accounts_demo.load()
    demo.load()
    assert not Competition.objects.exists()  # no question bank yet: nothing to play
    for _ in range(6):
        make_question()
    demo.load()
    demo.load()
    game = Competition.objects.get()
    assert game.status == Status.FINISHED and game.title.startswith("示例内容")
    assert game.players.count() == 9
    assert LedgerEntry.objects.filter(activity_kind="competition", activity_id=str(game.pk)).count() >= 9
