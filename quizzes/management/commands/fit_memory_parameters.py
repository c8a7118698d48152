"""Fit the FSRS scheduler's weights to this center's own review history (optional).

Needs the optimizer extra (pip install "fsrs[optimizer]", which brings PyTorch) and enough
reviews; without either it says so and changes nothing. Pages never need the extra: they read
the stored weights, or run on the library's defaults.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from quizzes.services.memory import MIN_REVIEWS_TO_FIT, CannotFit, fit_parameters


class Command(BaseCommand):
    help = "用本中心的复习记录拟合 FSRS 记忆调度参数（需要可选组件 fsrs[optimizer]）。"

    def add_arguments(self, parser):
        parser.add_argument("--min-reviews", type=int, default=MIN_REVIEWS_TO_FIT)

    def handle(self, *args, **options):
        try:
            fitted = fit_parameters(at=timezone.now(), min_reviews=options["min_reviews"])
        except CannotFit as reason:
            raise CommandError(str(reason)) from None
        self.stdout.write(f"已用 {fitted.review_count} 条复习记录拟合并保存参数：{fitted.parameters}")
