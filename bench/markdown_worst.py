"""Worst-case lesson rendering: pathological Markdown against an ordinary lesson of the same length.

Issue 12, hole 4: a run of `[` made Python-Markdown's inline parser quadratic (20,000 hung the admin
preview). Each figure is the time of a pathological input divided by the time of an ordinary lesson
text of the same length, rendered in the same run by the same renderer (1.0 = no worse than normal).
Python-Markdown (the former renderer, kept as a dev dependency for this baseline) is measured only up
to 4,000 characters: beyond that it takes minutes.
"""

import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import markdown  # noqa: E402

from bench.common import write_section  # noqa: E402
from training.rendering import render_markdown, sanitize  # noqa: E402

PATTERNS = {
    "`[` run": "[",
    "`![` run": "![",
    "`[a](` run": "[a](",
    "`*a_` run": "*a_",
    "`>` run": ">",
}
ORDINARY = (
    "## 材料清单\n\n- 本人有效身份证件\n- **户口簿**（一次告知）\n\n办理流程：[一网通办](https://zwdt.sh.gov.cn/)。\n\n"
)


def old(text: str) -> str:
    return sanitize(markdown.markdown(text, extensions=["tables", "sane_lists", "fenced_code"]))


def new(text: str) -> str:
    return render_markdown(text).html


def sized(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


def timed(render, text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        render(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rows = ["| input | renderer | 1,000 chars | 4,000 chars | 20,000 chars | 100,000 chars |", "|---" * 6 + "|"]
    renderers = (("Python-Markdown", old, (1000, 4000)), ("markdown-it-py", new, (1000, 4000, 20000, 100000)))
    for label, unit in PATTERNS.items():
        for name, render, sizes in renderers:
            cells = []
            for n in (1000, 4000, 20000, 100000):
                if n not in sizes:
                    cells.append("–")
                    continue
                # Interleaved: the ordinary text right before the pathological one, same renderer, same length.
                base = timed(render, sized(ORDINARY, n))
                worst = timed(render, sized(unit, n), repeat=1 if render is old else 3)
                cells.append(f"{worst / base:.1f}× ({worst:.3f} s)")
            rows.append(f"| {label} | {name} | " + " | ".join(cells) + " |")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    body = (
        "Time of a pathological input ÷ time of an ordinary lesson text of the same length, same renderer, "
        f"same run (absolute best-of-3 in brackets). Load average at the end: {load}.\n\n" + "\n".join(rows)
    )
    write_section("Lesson rendering: worst-case Markdown", body)
    print(body)


if __name__ == "__main__":
    main()
