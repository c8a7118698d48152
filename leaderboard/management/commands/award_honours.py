from django.core.management.base import BaseCommand
from django.utils import timezone

from leaderboard.honours import award_all
from leaderboard.mentoring import award_mentor_points


class Command(BaseCommand):
    help = "Daily job: write the finished weeks' 帮 points, then award badges (idempotent)."

    def handle(self, *args, **options):
        now = timezone.now()
        points = award_mentor_points(at=now)
        badges = award_all(at=now)
        self.stdout.write(f"帮 rows written: {points}; badges awarded: {badges}")
