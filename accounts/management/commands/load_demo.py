"""Load the demo data of every app, in the order of settings.DEMO_LOADERS. Idempotent."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "创建示例中心、班组、人员与各模块示例内容（可重复运行，不会重复创建）"

    def handle(self, *args, **options):
        for path in settings.DEMO_LOADERS:
            loader = import_string(path)
            with transaction.atomic():
                loader(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("示例数据已就绪"))
