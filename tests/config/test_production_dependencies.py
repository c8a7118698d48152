"""Production installs `pip install .` (no dev extras): the project must start without daphne."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_DAPHNE = """
import sys
sys.modules["daphne"] = None  # as if it were not installed: importing it raises ImportError
import importlib.util
_find_spec = importlib.util.find_spec
importlib.util.find_spec = lambda name, *a: None if name.split(".")[0] == "daphne" else _find_spec(name, *a)
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
assert "daphne" not in settings.INSTALLED_APPS
call_command("check")
import config.asgi  # the application uvicorn serves
print("OK")
"""


def test_daphne_is_only_a_development_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(dep.startswith("daphne") for dep in project["dependencies"])
    assert any(dep.startswith("daphne") for dep in project["optional-dependencies"]["dev"])


def test_the_project_starts_without_daphne(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LIANBING_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_DAPHNE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip().endswith("OK"), result.stdout + result.stderr
