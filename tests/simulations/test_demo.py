"""The demo leaves something to look at: finished runs of demo staff with reviews and scenario
points, and a live run of sup1's team waiting for sup1's rubric; loading twice changes nothing."""

import pytest
from django.urls import reverse

from accounts import demo as accounts_demo
from accounts.models import User
from leaderboard.models import ActivityKind, LedgerEntry
from simulations import demo
from simulations.models import Run, RunAnswer, RunStatus, ScenarioMistake
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


def material_names(item: dict) -> set[str]:
    """How a text would name a material: its label, without what is in brackets or a 上海/本人 prefix."""
    label = item["label"].split("（")[0]
    return {label, label.removeprefix("上海").removeprefix("本人")}


def test_every_demo_review_gives_feedback_that_fits_the_answer_given(client):
    """Issue 13: 刘洋's 蒋阿姨 asked for a photo, and the review told him off for 居住证 and 户口簿.

    For every sample run's materials step answered wrongly: the feedback and the resident's next
    line name no material the clerk did not ask for, and the review gives each wrongly asked
    material its reason. (A right answer's feedback may explain the exempt ones.)"""
    load_all()
    answers = RunAnswer.objects.filter(step_kind="materials").select_related("run", "step").order_by("run", "turn")
    assert answers.exists()
    assert any(answer.detail["over_asked"] for answer in answers)
    for answer in answers.filter(is_ideal=False):
        items = answer.step.config["items"]
        ticked = set(answer.detail["ticked"])
        following = answer.run.answers.filter(turn=answer.turn + 1).first()
        texts = answer.feedback + (following.says if following else "")
        for item in items:
            if item["label"] in ticked or item["need"] == "required":
                continue
            for name in material_names(item):
                assert name not in texts, (answer.run.person.username, answer.step_key, name, texts)
        owner = answer.run.person
        client.force_login(owner)
        review = client.get(reverse("simulations:review", args=[answer.run.pk])).content.decode()
        for item in items:
            if item["label"] in ticked and item["need"] != "required" and item.get("why"):
                assert item["why"] in review, (owner.username, item["label"])
