"""The demo leaves something to look at: finished runs of demo staff with reviews and scenario
points, and a live run of sup1's team waiting for sup1's rubric; loading twice changes nothing."""

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from leaderboard.models import ActivityKind, LedgerEntry
from simulations import demo
from simulations.models import Run, RunStatus, ScenarioMistake
from simulations.selectors import runs_awaiting_rubric
from training import demo as training_demo

pytestmark = pytest.mark.django_db


def load_all():
    accounts_demo.load()
    training_demo.load()
    demo.load()


def test_the_demo_plays_sample_runs_once(client):
    load_all()
    runs = Run.objects.all()
    assert runs.count() == len(demo.SAMPLE_RUNS)
    assert not runs.filter(status=RunStatus.ACTIVE).exists()
    assert {r.rating for r in runs} == {"good", "bad"}
    # Every finished run but the live one is in the ledger.
    assert LedgerEntry.objects.filter(activity_kind=ActivityKind.SIMULATION).count() == runs.count() - 1
    assert ScenarioMistake.objects.filter(person__username="staff01").exists()

    load_all()
    assert Run.objects.count() == len(demo.SAMPLE_RUNS)

    sup1 = User.objects.get(username="sup1")
    (waiting,) = runs_awaiting_rubric(sup1)
    assert waiting.person.team.supervisors.filter(pk=sup1.pk).exists() and waiting.status == RunStatus.FINISHED
    assert not runs_awaiting_rubric(User.objects.get(username="sup2")).exists()
    client.force_login(sup1)
    assert waiting.person.display_name in client.get(reverse("simulations:index")).content.decode()
    assert client.get(reverse("simulations:rubric", args=[waiting.pk])).status_code == 200
