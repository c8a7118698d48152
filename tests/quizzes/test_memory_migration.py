"""The old 错题本 (MistakeEntry) and the answer history become memory cards, losing nothing."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("quizzes", "0006_memory_cards")]
AFTER = [("quizzes", "0008_remove_mistakeentry")]
T0 = timezone.make_aware(datetime(2026, 2, 2, 10, 0))


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_mistake_entries_and_answer_history_become_cards():
    old = migrate(BEFORE)
    # Other apps' tables stay at their newest state: make their rows with today's models.
    from accounts.models import User
    from training.models import BusinessArea as Area

    Question = old.get_model("quizzes", "Question")
    Attempt = old.get_model("quizzes", "Attempt")
    AttemptItem = old.get_model("quizzes", "AttemptItem")
    MistakeEntry = old.get_model("quizzes", "MistakeEntry")

    clerk = User.objects.create(username="clerk-migration")
    area = Area.objects.create(code="mig", name="迁移测试条线")
    from_practice, from_drill, only_right = (
        Question.objects.create(area_id=area.pk, kind="single", stem=stem, difficulty=3)
        for stem in ("练习里答错的题", "大练兵里答错的题", "一直答对的题")
    )
    attempt = Attempt.objects.create(person_id=clerk.pk, mode="practice", started_at=T0, status="submitted")
    history = [(from_practice, T0, 0.0), (from_practice, T0 + timedelta(days=1), 1.0), (only_right, T0, 1.0)]
    for position, (question, at, ratio) in enumerate(history, start=1):
        AttemptItem.objects.create(
            attempt=attempt,
            question=question,
            question_version=1,
            area_id=area.pk,
            position=position,
            snapshot={},
            answered_at=at,
            ratio=ratio,
        )
    MistakeEntry.objects.create(
        person_id=clerk.pk,
        question=from_practice,
        source="practice",
        wrong_count=1,
        first_wrong_at=T0,
        last_wrong_at=T0,
        correct_streak=1,
        last_correct_on=(T0 + timedelta(days=1)).date(),
        due_on=(T0 + timedelta(days=2)).date(),
    )
    MistakeEntry.objects.create(  # a live drill: its answers are not in the attempt history
        person_id=clerk.pk,
        question=from_drill,
        source="competition",
        wrong_count=3,
        first_wrong_at=T0 - timedelta(days=10),
        last_wrong_at=T0 - timedelta(days=3),
        due_on=(T0 - timedelta(days=3)).date(),
    )

    new = migrate(AFTER)
    MemoryCard = new.get_model("quizzes", "MemoryCard")
    CardReview = new.get_model("quizzes", "CardReview")
    cards = {card.question_id: card for card in MemoryCard.objects.filter(person_id=clerk.pk)}
    assert set(cards) == {from_practice.pk, from_drill.pk, only_right.pk}

    practiced = cards[from_practice.pk]
    assert (practiced.wrong_count, practiced.first_wrong_at, practiced.source) == (1, T0, "practice")
    ratings = list(CardReview.objects.filter(card=practiced).order_by("reviewed_at").values_list("rating", "migrated"))
    assert ratings == [(1, True), (3, True)]  # Again, then Good: replayed in order
    assert practiced.reviews == 2 and practiced.last_review == T0 + timedelta(days=1)
    assert practiced.due > practiced.last_review + timedelta(days=1)  # the right answer pushed it out

    drilled = cards[from_drill.pk]
    assert (drilled.wrong_count, drilled.first_wrong_at, drilled.last_wrong_at) == (
        3,
        T0 - timedelta(days=10),
        T0 - timedelta(days=3),
    )
    assert drilled.source == "competition" and drilled.stability < 21  # still in the 错题本
    assert CardReview.objects.filter(card=drilled).count() == 2  # first and last wrong day

    right = cards[only_right.pk]
    assert right.wrong_count == 0 and right.reviews == 1  # a card, not a mistake
