from django.core.management.base import BaseCommand

from leaderboard.services import rebuild_points


class Command(BaseCommand):
    help = "Recompute the boards' aggregates (DailyPoints, PointsTotal) from the ledger."

    def handle(self, *args, **options):
        self.stdout.write(f"{rebuild_points()} person-days rebuilt")
