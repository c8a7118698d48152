"""manage.py restore PATH --yes: replace the whole database by a backup (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "用备份文件替换整个数据库（当前数据全部被覆盖）。需要 --yes 确认。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="manage.py backup 写出的备份文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")

    def handle(self, *args, path: str, yes: bool, **options):
        if not yes:
            raise CommandError("恢复会覆盖当前数据库的全部数据：确认无误后加 --yes 再运行。")
        try:
            restore(path=Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已从 {path} 恢复"))
