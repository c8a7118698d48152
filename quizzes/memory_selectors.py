"""Reads over memory cards: the 错题本, what is due, the 7-day forecast, retention per area."""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import scheduling
from .models import MemoryCard, Option

# A question answered wrong stays in the 错题本 until FSRS expects it to be remembered for this long:
# at 21 days of stability a review three weeks later is still recalled about nine times in ten.
BOOK_STABILITY_DAYS = 21
FORECAST_DAYS = 7


def end_of_day(at: datetime) -> datetime:
    """The first moment of the local day after `at`: a card due before it is due "today"."""
    tomorrow = timezone.localdate(at) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))


def book_cards(*, person) -> QuerySet[MemoryCard]:
    """The 错题本: cards answered wrong at least once and not yet held (stability under the threshold)."""
    return MemoryCard.objects.filter(person=person, wrong_count__gt=0).filter(
        Q(stability__isnull=True) | Q(stability__lt=BOOK_STABILITY_DAYS)
    )


def book_of(*, person, at: datetime) -> list[MemoryCard]:
    """The 错题本 with each card's next review and how well it is held now (recall 0–1), due first."""
    scheduler = scheduling.make_scheduler()
    cards = list(
        book_cards(person=person)
        .filter(question__is_active=True)
        .select_related("question__area")
        .prefetch_related(Prefetch("question__options", queryset=Option.objects.order_by("label")))
        .order_by("due", "-last_wrong_at")
    )
    cutoff = end_of_day(at)
    for card in cards:
        card.is_due = card.due < cutoff
        card.recall = scheduling.retrievability(
            scheduler, stability=card.stability, last_review=card.last_review, at=at
        )
    return cards


def due_count(*, person, at: datetime) -> int:
    """Cards due today or overdue (the reviews 每日一练 puts first)."""
    return MemoryCard.objects.filter(person=person, due__lt=end_of_day(at), question__is_active=True).count()


def book_counts(*, person, at: datetime) -> dict:
    book = book_cards(person=person).filter(question__is_active=True)
    return book.aggregate(count=Count("pk"), due=Count("pk", filter=Q(due__lt=end_of_day(at))))


def forecast(*, person, at: datetime, days: int = FORECAST_DAYS) -> list[dict]:
    """Reviews due on each of the coming days, today first (today includes anything overdue)."""
    today = timezone.localdate(at)
    horizon = end_of_day(at) + timedelta(days=days - 1)
    dues = MemoryCard.objects.filter(person=person, due__lt=horizon, question__is_active=True).values_list(
        "due", flat=True
    )
    counts = defaultdict(int)
    for due in dues:
        counts[max(today, timezone.localdate(due))] += 1
    return [{"day": today + timedelta(days=n), "count": counts[today + timedelta(days=n)]} for n in range(days)]


def retention_by_area(*, people, at: datetime) -> dict[int, dict[int, dict]]:
    """Each person's predicted recall per business area: the mean over their cards, now.

    {person_id: {area_id: {"retention": 0–1, "cards": n}}}. A report may show it beside mastery:
    mastery says how well someone answered lately, retention how much of it FSRS expects them to
    still know today.
    """
    scheduler = scheduling.make_scheduler()
    rows = MemoryCard.objects.filter(person__in=people, question__is_active=True).values_list(
        "person_id", "question__area_id", "stability", "last_review"
    )
    sums = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for person_id, area_id, stability, last_review in rows:
        cell = sums[person_id][area_id]
        cell[0] += scheduling.retrievability(scheduler, stability=stability, last_review=last_review, at=at)
        cell[1] += 1
    return {
        person_id: {area_id: {"retention": total / n, "cards": n} for area_id, (total, n) in areas.items()}
        for person_id, areas in sums.items()
    }


def retention_table(*, viewer, at: datetime) -> dict:
    """The supervisor's view: each visible clerk × business area, retention beside mastery.

    Rows are the people the viewer may see (accounts.permissions) who have at least one card.
    """
    from accounts.permissions import people_visible_to
    from leaderboard.mastery import mastery_frame
    from training.models import BusinessArea

    people = list(
        people_visible_to(viewer)
        .filter(memory_cards__isnull=False)
        .distinct()
        .select_related("team")
        .order_by("team__name", "full_name", "pk")
    )
    retention = retention_by_area(people=[p.pk for p in people], at=at)
    area_ids = sorted({area_id for areas in retention.values() for area_id in areas})
    areas = list(BusinessArea.objects.filter(pk__in=area_ids).order_by("sort_order", "pk"))
    frame = mastery_frame(people=[p.pk for p in people], as_of=at)
    mastery = {(int(r.person_id), int(r.area_id)): float(r.mastery) for r in frame.itertuples()}
    rows = [
        {
            "person": person,
            "cells": [
                {
                    "retention": retention.get(person.pk, {}).get(area.pk, {}).get("retention"),
                    "cards": retention.get(person.pk, {}).get(area.pk, {}).get("cards", 0),
                    "mastery": mastery.get((person.pk, area.pk)),
                }
                for area in areas
            ],
        }
        for person in people
    ]
    return {"areas": areas, "rows": rows}
