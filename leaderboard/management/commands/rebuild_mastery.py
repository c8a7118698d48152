"""Recompute the ledger's recency weights and the mastery tallies (after changing the half-life)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from leaderboard.mastery import rebuild_tallies


class Command(BaseCommand):
    help = "重算掌握度（修改半衰期 MASTERY_HALF_LIFE_DAYS 之后运行）"

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild_tallies()
        self.stdout.write(f"rebuilt {count} mastery tallies")
