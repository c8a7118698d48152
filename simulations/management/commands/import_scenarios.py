"""Import mock reception scenarios from YAML (all-or-nothing, idempotent)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from simulations.importer import ScenarioImportError, import_scenarios, scenario_files

DEFAULT_DIR = Path(settings.BASE_DIR) / "content" / "scenarios"


class Command(BaseCommand):
    help = "从 YAML 文件导入模拟接待场景（先校验全部文件，有错则一个也不导入；可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="YAML 文件或目录，默认 content/scenarios/")

    def handle(self, *args, paths, **options):
        files = []
        for given in paths or [DEFAULT_DIR]:
            found = scenario_files(Path(given))
            if not found:
                raise CommandError(f"{given}：不是 .yaml/.yml 文件，也不是含有这类文件的目录")
            files += found
        try:
            report = import_scenarios(paths=files)
        except ScenarioImportError as error:
            for issue in error.issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{len(error.issues)} 个问题，未导入任何场景") from None
        self.stdout.write(
            self.style.SUCCESS(f"新增 {len(report.created)}，更新 {len(report.updated)}，未变 {len(report.unchanged)}")
        )
