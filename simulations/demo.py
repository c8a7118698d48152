"""Demo scenarios: the YAML pack in content/scenarios/, loaded through the same import service a
center uses for its own scenarios (idempotent)."""

from pathlib import Path

from django.conf import settings

from .importer import import_scenarios, scenario_files

SCENARIO_DIR = Path(settings.BASE_DIR) / "content" / "scenarios"


def load(stdout=None) -> None:
    report = import_scenarios(paths=scenario_files(SCENARIO_DIR))
    if stdout:
        total = len(report.created) + len(report.updated) + len(report.unchanged)
        stdout.write(f"simulations: {total} 个模拟接待场景（新增 {len(report.created)}）")
