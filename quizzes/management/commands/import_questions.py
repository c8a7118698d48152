"""manage.py import_questions FILE [--dry-run]: the question-bank import of the 题库导入 page, from a shell.

The same service as the page (read, check every row, apply all or nothing); every problem is
printed with its row number and the command exits non-zero, so a script or CI job notices.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.bank_format import MAX_BYTES
from quizzes.services.bank_io import import_bank_file


class Command(BaseCommand):
    help = "导入题库文件（.xlsx 或 .csv）：逐行检查，全部无误才写入；有任何错误则一题也不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="题库文件，例如 content/questions/demo_bank.xlsx")
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)  # one byte past the limit is enough to refuse it
        checked, summary = import_bank_file(filename=path.name, data=data, dry_run=dry_run)
        if not checked.ok:
            for error in checked.errors:
                where = f"第 {error.row} 行" if error.row else "整个文件"
                self.stderr.write(f"{where}：{error.message}")
            raise CommandError(f"发现 {len(checked.errors)} 处问题，题库未做任何修改。")
        prefix = "（试运行，未写入）" if dry_run else ""
        linked = f"，课后小测关联 {summary['linked']} 条" if "linked" in summary else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{path.name}：{len(checked.rows)} 题，新增 {summary['create']}，"
                f"更新 {summary['update']}，不变 {summary['unchanged']}{linked}"
            )
        )
