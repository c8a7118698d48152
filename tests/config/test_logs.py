"""LOG_FORMAT=json: every log line is one JSON object, tracebacks included, Chinese kept readable."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import logging, django
django.setup()
logging.getLogger("lianbing.test").warning("中心 %s 已备份", "甲")
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("django.request").exception("出错了", extra={"status_code": 500})
"""


def run(tmp_path, **env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in {"LOG_FORMAT"}}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", LIANBING_VAR_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_json_logs_are_one_object_a_line(tmp_path):
    lines = run(tmp_path, LOG_FORMAT="json").splitlines()
    entries = [json.loads(line) for line in lines]  # every line parses: a traceback does not break lines
    assert len(entries) == 2
    first, second = entries
    assert first["message"] == "中心 甲 已备份" and first["level"] == "WARNING" and first["logger"] == "lianbing.test"
    assert first["time"].endswith("+00:00")
    assert second["status_code"] == "500" and "ZeroDivisionError" in second["exception"]


def test_plain_text_logs_by_default(tmp_path):
    output = run(tmp_path)
    assert "中心 甲 已备份" in output and not output.lstrip().startswith("{")
