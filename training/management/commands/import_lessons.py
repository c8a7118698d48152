"""manage.py import_lessons FOLDER: load a folder of Markdown lessons (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from training.importer import ImportFailed, import_folder


class Command(BaseCommand):
    help = "导入一个文件夹中的 Markdown 课时（带 front matter）；有任何错误则一个也不导入。"

    def add_arguments(self, parser):
        parser.add_argument("folder", help="课时文件夹，例如 content/lessons/")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, folder: str, dry_run: bool, **options):
        try:
            report = import_folder(folder, dry_run=dry_run)
        except ImportFailed as failed:
            for error in failed.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(failed.errors)} 个错误，未导入任何课时。") from None
        prefix = "（试运行，未写入）" if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{prefix}{report}"))
