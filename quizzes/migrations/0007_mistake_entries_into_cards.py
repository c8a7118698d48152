"""Turn the old 错题本 (MistakeEntry) and the graded answer history into FSRS memory cards.

Every graded, answered AttemptItem is replayed in time order through the same rules the live code
uses (quizzes.scheduling), so each card starts where FSRS would have it had it been there all along;
each replayed answer is kept as a CardReview (migrated=True). A MistakeEntry keeps its counts, dates
and source on the card; where its wrong answers are not in the attempt history (a live drill), they
are replayed from the entry's first and last wrong dates, and its last right day when it had one.
"""

from collections import defaultdict
from datetime import datetime, time

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    from quizzes import scheduling

    MistakeEntry = apps.get_model("quizzes", "MistakeEntry")
    AttemptItem = apps.get_model("quizzes", "AttemptItem")
    MemoryCard = apps.get_model("quizzes", "MemoryCard")
    CardReview = apps.get_model("quizzes", "CardReview")

    events = defaultdict(list)  # (person_id, question_id) -> [(at, ratio, source)]
    answered = AttemptItem.objects.filter(
        question__isnull=False, answered_at__isnull=False, ratio__isnull=False
    ).values_list("attempt__person_id", "question_id", "answered_at", "ratio", "attempt__mode")
    for person_id, question_id, at, ratio, mode in answered.iterator(chunk_size=2000):
        events[(person_id, question_id)].append((at, ratio, mode))
    entries = {(e.person_id, e.question_id): e for e in MistakeEntry.objects.all()}
    for key, entry in entries.items():
        history = events[key]
        if not any(ratio < 1 for _, ratio, _ in history):
            history.append((entry.first_wrong_at, 0.0, entry.source))
            if entry.last_wrong_at != entry.first_wrong_at:
                history.append((entry.last_wrong_at, 0.0, entry.source))
        if entry.last_correct_on and not any(
            ratio >= 1 and at >= entry.last_wrong_at for at, ratio, _ in history
        ):
            noon = timezone.make_aware(datetime.combine(entry.last_correct_on, time(12)))
            history.append((max(noon, entry.last_wrong_at), 1.0, entry.source))

    scheduler = scheduling.make_scheduler()
    cards, logs = [], []
    for (person_id, question_id), history in events.items():
        history.sort(key=lambda event: event[0])
        fields = scheduling.CardFields()
        wrong = [(at, source) for at, ratio, source in history if ratio < 1]
        reviews = []
        for at, ratio, source in history:
            rating = scheduling.rating_for(ratio=ratio, seconds=None)
            fields = scheduling.review(scheduler, fields, rating=rating, at=at)
            reviews.append((int(rating), at, source))
        entry = entries.get((person_id, question_id))
        cards.append(
            MemoryCard(
                person_id=person_id,
                question_id=question_id,
                state=fields.state,
                step=fields.step,
                stability=fields.stability,
                difficulty=fields.difficulty,
                due=fields.due,
                last_review=fields.last_review,
                reviews=len(history),
                wrong_count=entry.wrong_count if entry else len(wrong),
                first_wrong_at=entry.first_wrong_at if entry else (wrong[0][0] if wrong else None),
                last_wrong_at=entry.last_wrong_at if entry else (wrong[-1][0] if wrong else None),
                source=entry.source if entry else (wrong[-1][1] if wrong else ""),
                created_at=history[0][0],
            )
        )
        logs.append(reviews)
    MemoryCard.objects.bulk_create(cards, batch_size=1000)
    saved = {
        (person_id, question_id): pk
        for pk, person_id, question_id in MemoryCard.objects.values_list("pk", "person_id", "question_id")
    }
    CardReview.objects.bulk_create(
        [
            CardReview(
                card_id=saved[(card.person_id, card.question_id)],
                person_id=card.person_id,
                rating=rating,
                reviewed_at=at,
                source=source,
                migrated=True,
            )
            for card, reviews in zip(cards, logs, strict=True)
            for rating, at, source in reviews
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0006_memory_cards")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
