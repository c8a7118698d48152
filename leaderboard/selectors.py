"""Reads of the ledger."""

from django.db.models import Avg, Count, QuerySet, Sum

from .models import LedgerEntry


def entries_for(person) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(person=person).select_related("area")


def person_totals(person) -> dict:
    totals = LedgerEntry.objects.filter(person=person).aggregate(
        points=Sum("points"), activities=Count("id"), average=Avg("score_ratio")
    )
    return {
        "points": totals["points"] or 0,
        "activities": totals["activities"],
        "average": totals["average"],
    }
