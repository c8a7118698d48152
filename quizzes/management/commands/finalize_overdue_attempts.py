"""Close exam attempts whose deadline has passed, as of their deadline (run it from cron every minute)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.services.exams import finalize_overdue


class Command(BaseCommand):
    help = "按截止时间自动交卷：关闭所有已超时的作答（可重复运行）。"

    def handle(self, *args, **options):
        closed = finalize_overdue(at=timezone.now())
        self.stdout.write(f"finalized {closed} overdue attempt(s)")
