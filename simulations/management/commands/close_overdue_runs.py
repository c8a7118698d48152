"""Close every mock reception run past a deadline (safe to run from cron as often as you like)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from simulations.services import close_overdue_runs


class Command(BaseCommand):
    help = "关闭已超时的模拟接待（按截止时间记超时，可重复运行）"

    def handle(self, *args, **options):
        closed = close_overdue_runs(at=timezone.now())
        self.stdout.write(f"已关闭 {closed} 个超时的接待")
