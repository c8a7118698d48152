"""Close what time has ended (run it from cron every minute; idempotent):

- exam attempts past their deadline, as of their deadline;
- practice rounds and 每日一练 left open on an earlier day, with what was answered.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.services.exams import finalize_overdue
from quizzes.services.practice import close_abandoned_rounds


class Command(BaseCommand):
    help = "按截止时间自动交卷，并结算前几天未答完的练习（可重复运行）。"

    def handle(self, *args, **options):
        now = timezone.now()
        closed = finalize_overdue(at=now)
        rounds = close_abandoned_rounds(at=now)
        self.stdout.write(f"finalized {closed} overdue attempt(s), closed {rounds} practice round(s) left unfinished")
