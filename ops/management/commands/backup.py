"""manage.py backup [PATH]: a consistent copy of the database while the site keeps serving."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup, target


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份；PostgreSQL 用 pg_dump），运行中的网站不必停止。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="备份文件；默认 var/backups/lianbing-<时间>.sqlite3|.pgdump")

    def handle(self, *args, path: str | None, **options):
        try:
            chosen = Path(path) if path else self._default_path()
            written = backup(path=chosen)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"已备份到 {written}"))

    def _default_path(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        return Path(settings.VAR_DIR) / "backups" / f"lianbing-{stamp}{target().suffix}"
