"""Run every benchmark in bench/ (each writes its own section of docs/benchmarks.md)."""

import importlib
import sys

BENCHMARKS = [
    "bench.server_choice",
    "bench.live_scale",  # bench.live_drill: superseded by live_scale (issue 11), still runnable
    "bench.leaderboard_scale",
    "bench.reports_matrix",
    "bench.daily_practice",
    "bench.pages",
    "bench.markdown_worst",
]

if __name__ == "__main__":
    chosen = sys.argv[1:] or BENCHMARKS
    for name in chosen:
        print(f"== {name}")
        importlib.import_module(name if name.startswith("bench.") else f"bench.{name}").main()
