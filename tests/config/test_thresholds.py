"""Thresholds (weak below 60, good from 85, a 难点 below 60% right, 好评 from 60 points) are named
constants or settings that templates receive, never numbers written into a template."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THRESHOLD_IN_TEXT = re.compile(r"(?<![\d.])(60|85)\s*(%|％|分)")


def test_no_template_writes_a_threshold_number():
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1):
            if THRESHOLD_IN_TEXT.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}")
    assert not offenders, f"pass the named constant to the template instead: {offenders}"
